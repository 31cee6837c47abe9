// The toolbar button and the folder pane's context menu open the settings tab.
import { describe, expect, it } from 'vitest';
import { clickedAccount, MENU_ID, registerEntryPoints, settingsUrl, type FolderPaneClick } from '../../src/background/entry-points.js';

const getURL = (p: string) => `moz-extension://id/${p}`;

function fakeApis() {
  const opened: string[] = [];
  const menus: Array<{ id: string; title: string; contexts: string[] }> = [];
  let action: (() => void) | undefined;
  let menu: ((info: FolderPaneClick) => void) | undefined;
  const apis = {
    onActionClicked: (l: () => void) => { action = l; },
    createMenu: async (item: { id: string; title: string; contexts: string[] }) => { menus.length = 0; menus.push(item); },
    onMenuClicked: (l: (info: FolderPaneClick) => void) => { menu = l; },
    openTab: async (url: string) => { opened.push(url); },
    getURL,
    menuTitle: 'Mail server settings…',
  };
  return { apis, opened, menus, click: () => action?.(), pick: (info: FolderPaneClick) => menu?.(info) };
}

describe('entry points', () => {
  it('the settings URL names the account when there is one', () => {
    expect(settingsUrl(getURL)).toBe('moz-extension://id/ui/options/options.html');
    expect(settingsUrl(getURL, 'account 2')).toBe('moz-extension://id/ui/options/options.html?account=account%202');
    expect(settingsUrl(getURL, 'account 2', 'vacation')).toBe('moz-extension://id/ui/options/options.html?account=account%202&panel=vacation');
  });

  it('the toolbar button opens the settings tab', async () => {
    const f = fakeApis();
    await registerEntryPoints(f.apis);
    f.click();
    expect(f.opened).toEqual(['moz-extension://id/ui/options/options.html']);
  });

  it('the folder pane gets one menu item; it opens the tab on the clicked account', async () => {
    const f = fakeApis();
    await registerEntryPoints(f.apis);
    await registerEntryPoints(f.apis);
    expect(f.menus).toEqual([{ id: MENU_ID, title: 'Mail server settings…', contexts: ['folder_pane'] }]);
    f.pick({ menuItemId: MENU_ID, selectedAccount: { id: 'account3' } });
    f.pick({ menuItemId: MENU_ID, selectedFolders: [{ accountId: 'account4' }] });
    f.pick({ menuItemId: 'someone-else', selectedFolders: [{ accountId: 'account5' }] });
    expect(f.opened).toEqual([
      'moz-extension://id/ui/options/options.html?account=account3',
      'moz-extension://id/ui/options/options.html?account=account4',
    ]);
  });

  it('reads the account from every shape Thunderbird reports', () => {
    expect(clickedAccount({ menuItemId: MENU_ID, selectedFolder: { accountId: 'a1' } })).toBe('a1');
    expect(clickedAccount({ menuItemId: MENU_ID })).toBeUndefined();
  });
});
