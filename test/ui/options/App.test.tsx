// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor, within } from '@testing-library/preact';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_POLICY } from '../../../src/messages/policy.js';
import { App } from '../../../ui/options/App.js';
import { browserFake, resetBackground, serverError, setAccounts, storage, type FakeBackground } from '../fakes.js';

vi.mock('webextension-polyfill', async () => (await import('../fakes.js')).polyfillModule());
vi.mock('../../../src/messages/client.js', async () => (await import('../fakes.js')).clientModule());

let server: FakeBackground;
const UNKNOWN_COMMAND = 'Error in IMAP command UID XEXEC: Unknown command';

beforeEach(() => {
  server = resetBackground();
  setAccounts([
    { id: 'account1', name: 'Work', type: 'imap', identities: [{ email: 'jane@work.example' }] },
    { id: 'account2', name: 'Old POP', type: 'pop3' },
    { id: 'account3', name: 'Home', type: 'imap', identities: [{ email: 'jane@home.example' }] },
    { id: 'account4', name: 'Feeds', type: 'rss' },
  ]);
  server.modules.account3 = serverError('unsupported', UNKNOWN_COMMAND, '.modules');
});
afterEach(cleanup);

async function open() {
  const user = userEvent.setup();
  render(<App />);
  const picker = await screen.findByRole('group', { name: 'Account' });
  await waitFor(() => expect(within(picker).queryByText('Asking the server…')).toBeNull());
  return { user, picker };
}

describe('the account picker', () => {
  it('lists the IMAP accounts only, each with what its server offers or why not', async () => {
    const { picker } = await open();
    expect(screen.getByRole('heading', { level: 1, name: 'Mail server settings' })).toBeTruthy();
    const radios = within(picker).getAllByRole('radio');
    expect(radios.map((r) => r.getAttribute('value'))).toEqual(['account1', 'account3']);
    const work = within(picker).getByRole('radio', { name: /Work/ });
    expect(work.getAttribute('aria-describedby')).toBeTruthy();
    expect(document.getElementById(work.getAttribute('aria-describedby')!)!.textContent)
      .toBe('Offered: Block list, Allow list, Password, Forwarding, Automatic reply');
    const home = within(picker).getByRole('radio', { name: /Home/ });
    expect(document.getElementById(home.getAttribute('aria-describedby')!)!.textContent)
      .toBe(`This account's server cannot be managed from Thunderbird: ${UNKNOWN_COMMAND}`);
    // What the e2e test of the built add-on reads.
    expect(document.body.textContent).toMatch(/Offered: Block list, Allow list/);
    expect((work as HTMLInputElement).checked).toBe(true);
  });

  it('names modules as the panels do (submit as Sending), unknown ones by the server\'s name; shows an address the name lacks', async () => {
    server.modules.account1 = ['vacation', 'spamlevel', 'SUBMIT'];
    setAccounts([
      { id: 'account1', name: 'Mail for jane@work.example', type: 'imap', identities: [{ email: 'jane@work.example' }] },
      { id: 'account3', name: 'Home', type: 'imap', identities: [{ email: 'jane@home.example' }] },
    ]);
    const { picker } = await open();
    expect(within(picker).getByText('Offered: Automatic reply, spamlevel, Sending')).toBeTruthy();
    expect(within(picker).queryAllByText('jane@work.example')).toHaveLength(0);
    expect(within(picker).getByText('jane@home.example')).toBeTruthy();
  });

  it('opens the first account whose server offers something', async () => {
    setAccounts([
      { id: 'account3', name: 'Home', type: 'imap' },
      { id: 'account1', name: 'Work', type: 'imap' },
    ]);
    const { picker } = await open();
    await waitFor(() => expect((within(picker).getByRole('radio', { name: /Work/ }) as HTMLInputElement).checked).toBe(true));
    expect(screen.getByRole('heading', { level: 2, name: 'Work' })).toBeTruthy();
  });

  it('an account whose server has no XEXEC: the reason, a hint, and Retry that asks the server again', async () => {
    const { user, picker } = await open();
    await user.click(within(picker).getByRole('radio', { name: /Home/ }));
    const view = screen.getByRole('region', { name: /Home/ });
    expect(within(view).getByRole('alert').textContent).toBe(`This account's server cannot be managed from Thunderbird: ${UNKNOWN_COMMAND}`);
    expect(within(view).getByText(/administrator can enable this/)).toBeTruthy();
    expect(within(view).queryByRole('tablist')).toBeNull();
    server.modules.account3 = ['vacation'];
    await user.click(within(view).getByRole('button', { name: 'Retry' }));
    expect(await within(view).findByRole('tab', { name: 'Automatic reply' })).toBeTruthy();
    expect(server.callsOf('discover').filter((c) => c.accountId === 'account3').at(-1)).toMatchObject({ refresh: true });
  });

  it('a lost connection during discovery: Retry, not a dead page', async () => {
    server.failNext('discover', serverError('disconnected', 'connection refused', '.modules'));
    setAccounts([{ id: 'account1', name: 'Work', type: 'imap' }]);
    const user = userEvent.setup();
    render(<App />);
    const view = await screen.findByRole('region', { name: 'Work' });
    expect((await within(view).findByRole('alert')).textContent).toBe('Thunderbird could not reach the server: connection refused');
    await user.click(within(view).getByRole('button', { name: 'Retry' }));
    expect(await within(view).findByRole('tablist', { name: 'Settings of Work' })).toBeTruthy();
  });

  it('no IMAP account: says so', async () => {
    setAccounts([{ id: 'account2', name: 'Old POP', type: 'pop3' }]);
    render(<App />);
    expect(await screen.findByText('There is no IMAP account.')).toBeTruthy();
  });

  it('accounts that cannot be read: the reason and Retry', async () => {
    let calls = 0;
    setAccounts(async () => {
      if (calls++ === 0) throw new Error('accounts API unavailable');
      return [{ id: 'account1', name: 'Work', type: 'imap' }];
    });
    const user = userEvent.setup();
    render(<App />);
    expect((await screen.findByRole('alert')).textContent).toBe('Thunderbird\'s accounts could not be read: accounts API unavailable');
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('radio', { name: /Work/ })).toBeTruthy();
  });
});

describe('panels as tabs', () => {
  it('only the panels whose module the server offers, and a line naming the others', async () => {
    server.modules.account1 = ['blacklist', 'vacation'];
    await open();
    const tabs = within(screen.getByRole('tablist', { name: 'Settings of Work' })).getAllByRole('tab');
    expect(tabs.map((tab) => tab.textContent)).toEqual(['Automatic reply', 'Block list']);
    expect(screen.getByText('Not offered by this server: Forwarding, Allow list, Password, Spam, Alerts, Rules.')).toBeTruthy();
  });

  it('?account= and &panel= open that account on that panel (the reminder\'s Change…)', async () => {
    window.history.replaceState(null, '', '?account=account3&panel=forwardmail');
    server.modules.account3 = ['vacation', 'forwardmail'];
    try {
      await open();
      const tabs = within(screen.getByRole('tablist', { name: 'Settings of Home' })).getAllByRole('tab');
      expect(tabs.map((tab) => [tab.textContent, tab.getAttribute('aria-selected')])).toEqual([['Automatic reply', 'false'], ['Forwarding', 'true']]);
    } finally {
      window.history.replaceState(null, '', '/');
    }
  });

  it('a server with only modules no panel knows says so and points to the console', async () => {
    server.modules.account1 = ['spamlevel'];
    await open();
    expect(screen.getByText('The server offers only modules this add-on has no panel for: spamlevel. The console (under Advanced) can run them.')).toBeTruthy();
    expect(screen.queryByRole('tablist')).toBeNull();
  });

  it('the ARIA tabs pattern: one tab stop, arrows move and select with wrap-around, Home and End', async () => {
    const { user } = await open();
    const tablist = screen.getByRole('tablist', { name: 'Settings of Work' });
    const tabs = within(tablist).getAllByRole('tab');
    expect(tabs.map((tab) => tab.textContent)).toEqual(['Automatic reply', 'Forwarding', 'Block list', 'Allow list', 'Password']);
    expect(tabs.map((tab) => tab.tabIndex)).toEqual([0, -1, -1, -1, -1]);
    const panel = () => screen.getByRole('tabpanel');
    expect(panel().getAttribute('aria-labelledby')).toBe(tabs[0]!.id);
    expect(tabs[0]!.getAttribute('aria-controls')).toBe(panel().id);

    tabs[0]!.focus();
    await user.keyboard('{ArrowRight}');
    expect(document.activeElement).toBe(tabs[1]);
    expect(tabs[1]!.getAttribute('aria-selected')).toBe('true');
    expect(tabs[0]!.getAttribute('aria-selected')).toBe('false');
    expect(tabs.map((tab) => tab.tabIndex)).toEqual([-1, 0, -1, -1, -1]);
    expect(await within(panel()).findByRole('textbox', { name: 'Forward to' })).toBeTruthy();

    await user.keyboard('{End}');
    expect(document.activeElement).toBe(tabs[4]);
    expect(await within(panel()).findByLabelText('New password')).toBeTruthy();
    await user.keyboard('{ArrowRight}');
    expect(document.activeElement).toBe(tabs[0]);
    await user.keyboard('{ArrowLeft}');
    expect(document.activeElement).toBe(tabs[4]);
    await user.keyboard('{Home}');
    expect(tabs[0]!.getAttribute('aria-selected')).toBe('true');
    // Tab leaves the tab list for the panel.
    await user.tab();
    expect(document.activeElement).toBe(panel());
  });

  it('switching tabs and accounts loses nothing typed', async () => {
    const { user, picker } = await open();
    const subject = (await screen.findByRole('textbox', { name: 'Subject' })) as HTMLInputElement;
    await user.type(subject, 'Gone fishing');
    await user.click(screen.getByRole('tab', { name: 'Block list' }));
    await screen.findByRole('listbox', { name: 'Blocked senders' }).catch(() => screen.findByText('The block list is empty.'));
    await user.click(within(picker).getByRole('radio', { name: /Home/ }));
    await user.click(within(picker).getByRole('radio', { name: /Work/ }));
    await user.click(screen.getByRole('tab', { name: 'Automatic reply' }));
    expect((screen.getByRole('textbox', { name: 'Subject' }) as HTMLInputElement).value).toBe('Gone fishing');
    expect(server.callsOf('vacation.show')).toHaveLength(1);
  });
});

describe('Advanced: the console', () => {
  it('is off by default; enabling it stores the flag and adds a Console tab', async () => {
    const { user } = await open();
    expect(screen.queryByRole('tab', { name: 'Console' })).toBeNull();
    const advanced = screen.getByRole('region', { name: 'Advanced' });
    const box = within(advanced).getByRole('checkbox', { name: 'Show the console' }) as HTMLInputElement;
    expect(box.checked).toBe(false);
    await user.click(box);
    expect(browserFake.storage.local.set).toHaveBeenCalledWith({ consoleEnabled: true });
    expect(storage.consoleEnabled).toBe(true);
    expect(await within(advanced).findByText('The console is shown.')).toBeTruthy();
    await user.click(screen.getByRole('tab', { name: 'Console' }));
    expect(screen.getByRole('combobox', { name: 'Module' })).toBeTruthy();
    await user.click(box);
    expect(screen.queryByRole('tab', { name: 'Console' })).toBeNull();
    expect(storage.consoleEnabled).toBe(false);
  });

  it('a click made before the stored settings are read is not undone by that read', async () => {
    // The read of storage.local ends only after the user has ticked the box.
    let finishRead!: () => void;
    const read = new Promise<void>((resolve) => {
      finishRead = resolve;
    });
    const stored = browserFake.storage.local.get.getMockImplementation()!;
    browserFake.storage.local.get.mockImplementation(async (key: string) => {
      // What storage held when the read began, delivered late.
      const value = stored(key);
      if (key === 'consoleEnabled') await read;
      return value;
    });
    const { user } = await open();
    const box = within(screen.getByRole('region', { name: 'Advanced' })).getByRole('checkbox', { name: 'Show the console' }) as HTMLInputElement;
    await user.click(box);
    finishRead();
    await read;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(box.checked).toBe(true);
    expect(screen.getByRole('tab', { name: 'Console' })).toBeTruthy();
    browserFake.storage.local.get.mockImplementation(stored);
  });

  it('a choice that cannot be stored is taken back and the page says why', async () => {
    browserFake.storage.local.set.mockRejectedValueOnce(new Error('disk full'));
    const { user } = await open();
    const advanced = screen.getByRole('region', { name: 'Advanced' });
    const box = within(advanced).getByRole('checkbox', { name: 'Show the console' }) as HTMLInputElement;
    await user.click(box);
    expect(await within(advanced).findByText(/disk full/)).toBeTruthy();
    expect(box.checked).toBe(false);
    expect(screen.queryByRole('tab', { name: 'Console' })).toBeNull();
    expect(storage.consoleEnabled).toBeUndefined();
  });

  it('is there from the start when the setting is stored', async () => {
    storage.consoleEnabled = true;
    await open();
    expect(await screen.findByRole('tab', { name: 'Console' })).toBeTruthy();
  });
});

describe('the administrator\'s policy', () => {
  it('a hidden panel is neither a tab nor named as missing', async () => {
    server.modules.account1 = ['blacklist', 'whitelist', 'vacation'];
    server.policies.account1 = { ...DEFAULT_POLICY, managed: true, hiddenPanels: ['whitelist', 'forwardmail'] };
    await open();
    const tabs = within(screen.getByRole('tablist', { name: 'Settings of Work' })).getAllByRole('tab');
    expect(tabs.map((tab) => tab.textContent)).toEqual(['Automatic reply', 'Block list']);
    expect(screen.getByText('Not offered by this server: Password, Spam, Alerts, Rules.')).toBeTruthy();
    expect(server.callsOf('list.show').filter((c) => c.list === 'whitelist')).toEqual([]);
  });

  it('every panel hidden: says the administrator turned it off', async () => {
    server.modules.account1 = ['vacation'];
    server.policies.account1 = { ...DEFAULT_POLICY, managed: true, hiddenPanels: ['vacation'] };
    await open();
    expect(screen.getByText('Your administrator has turned this off.')).toBeTruthy();
    expect(screen.queryByRole('tablist')).toBeNull();
  });

  it('the console locked off for every account: the setting is locked and says why, and no tab shows', async () => {
    storage.consoleEnabled = true;
    for (const id of ['account1', 'account3']) server.policies[id] = { ...DEFAULT_POLICY, managed: true, consoleDisabled: true };
    await open();
    const advanced = screen.getByRole('region', { name: 'Advanced' });
    const box = within(advanced).getByRole('checkbox', { name: 'Show the console' }) as HTMLInputElement;
    await waitFor(() => expect(box.disabled).toBe(true));
    expect(box.checked).toBe(false);
    expect(within(advanced).getByText('Your administrator has turned this off.')).toBeTruthy();
    expect(screen.queryByRole('tab', { name: 'Console' })).toBeNull();
  });

  it('the console locked off for one server only: the others keep it', async () => {
    storage.consoleEnabled = true;
    server.modules.account3 = ['vacation'];
    server.policies.account1 = { ...DEFAULT_POLICY, managed: true, consoleDisabled: true };
    const { user, picker } = await open();
    expect((within(screen.getByRole('region', { name: 'Advanced' })).getByRole('checkbox') as HTMLInputElement).disabled).toBe(false);
    expect(screen.queryByRole('tab', { name: 'Console' })).toBeNull();
    await user.click(within(picker).getByRole('radio', { name: /Home/ }));
    expect(await screen.findByRole('tab', { name: 'Console' })).toBeTruthy();
  });

  it('a new automatic reply starts from the administrator\'s text', async () => {
    server.modules.account1 = ['vacation'];
    server.policies.account1 = { ...DEFAULT_POLICY, managed: true, vacationDefault: { subject: 'Out of office', body: 'I am away.\nUrgent: helpdesk@example.com' } };
    const { user } = await open();
    const subject = (await screen.findByRole('textbox', { name: 'Subject' })) as HTMLInputElement;
    expect(subject.value).toBe('Out of office');
    expect((screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement).value).toBe('I am away.\nUrgent: helpdesk@example.com');
    await user.click(screen.getByRole('checkbox', { name: 'Send an automatic reply' }));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await within(screen.getByRole('tabpanel')).findByText(/The automatic reply is on/, { selector: '[role=status] *' });
    expect(server.vacation).toMatchObject({ status: 'on', subject: 'Out of office', body: 'I am away.\nUrgent: helpdesk@example.com' });
  });

  it('a reply the user already wrote is not replaced by the administrator\'s text', async () => {
    server.modules.account1 = ['vacation'];
    server.vacation = { status: 'off', subject: 'Mine', days: 7, start: null, end: null, body: 'My own text', only: [] };
    server.policies.account1 = { ...DEFAULT_POLICY, managed: true, vacationDefault: { subject: 'Out of office', body: 'I am away.' } };
    await open();
    expect(((await screen.findByRole('textbox', { name: 'Subject' })) as HTMLInputElement).value).toBe('Mine');
    expect((screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement).value).toBe('My own text');
  });
});
