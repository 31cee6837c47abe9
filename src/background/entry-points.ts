/**
 * The ways into the settings tab besides the add-on's options: a toolbar button, and the
 * folder pane's context menu, which opens the tab on the account that was right-clicked.
 */

/** The settings tab's page, relative to the add-on's root. */
export const SETTINGS_PAGE = 'ui/options/options.html';
export const MENU_ID = 'xexec-server-settings';

/**
 * The settings tab's URL, on one account when it is known (the page reads `?account=`), and on
 * one of its panels (`&panel=`, a panel key such as `vacation`).
 */
export function settingsUrl(getURL: (path: string) => string, accountId?: string, panel?: string): string {
  if (accountId === undefined) return getURL(SETTINGS_PAGE);
  const query = `?account=${encodeURIComponent(accountId)}${panel === undefined ? '' : `&panel=${encodeURIComponent(panel)}`}`;
  return getURL(`${SETTINGS_PAGE}${query}`);
}

/** What Thunderbird's menus.onClicked reports for the folder pane (MV3 and MV2 shapes). */
export interface FolderPaneClick {
  menuItemId: string | number;
  selectedAccount?: { id: string };
  selectedFolders?: ReadonlyArray<{ accountId?: string }>;
  selectedFolder?: { accountId?: string };
}

/** The account a folder-pane click was about, if any. */
export function clickedAccount(info: FolderPaneClick): string | undefined {
  return info.selectedAccount?.id ?? info.selectedFolders?.[0]?.accountId ?? info.selectedFolder?.accountId;
}

export interface EntryPointApis {
  onActionClicked(listener: () => void): void;
  /** Replaces this add-on's menu items (a woken background must not add them twice). */
  createMenu(item: { id: string; title: string; contexts: string[] }): Promise<void>;
  onMenuClicked(listener: (info: FolderPaneClick) => void): void;
  openTab(url: string): Promise<unknown>;
  getURL(path: string): string;
  menuTitle: string;
}

/** Registers both entry points; listeners are added synchronously so that a click wakes the background. */
export function registerEntryPoints(apis: EntryPointApis): Promise<void> {
  apis.onActionClicked(() => void apis.openTab(settingsUrl(apis.getURL)));
  apis.onMenuClicked((info) => {
    if (info.menuItemId !== MENU_ID) return;
    void apis.openTab(settingsUrl(apis.getURL, clickedAccount(info)));
  });
  return apis.createMenu({ id: MENU_ID, title: apis.menuTitle, contexts: ['folder_pane'] });
}
