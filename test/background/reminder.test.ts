// The reminder with its Thunderbird parts replaced by recorders, and the real router over a
// fake messenger.xexec (test/background/fakes.ts) as the server.
import { describe, expect, it, vi } from 'vitest';
import type { Notice } from '../../experiments/xexec/notices-api.js';
import { Reminder, type ReminderDeps, type ReminderStates } from '../../src/background/reminder.js';
import { createRouter } from '../../src/background/router.js';
import type { BackgroundResponse, RequestOf, RequestType } from '../../src/messages/messages.js';
import { DEFAULT_POLICY } from '../../src/messages/policy.js';
import type { VacationState } from '../../src/modules/vacation.js';
import { failed, fakeXexec, okLines, translate } from './fakes.js';

// reminder.ts also holds the wiring, which imports the polyfill; the class needs none of it.
vi.mock('webextension-polyfill', () => ({ default: {} }));

const NOW = new Date(2026, 6, 10, 12, 0);

/** The vacation module's `show` reply for a state. */
function vacationLines(status: 'on' | 'off', start?: string, end?: string): string[] {
  return [`status ${status}`, 'subject ', 'days 7', ...(start ? [`start ${start}`] : []), ...(end ? [`end ${end}`] : []), 'body Away.'];
}

interface Setup {
  modules?: string[];
  vacation?: Record<string, string[]>;
  hidden?: boolean;
  online?: boolean;
  offFails?: boolean;
  accounts?: { id: string; name: string }[];
}

function setup(o: Setup = {}) {
  const vacation = { ...o.vacation };
  const xexec = fakeXexec((module, args, accountId) => {
    if (module === '.modules') return o.modules === undefined ? okLines('vacation', 'blacklist') : okLines(...o.modules);
    if (module === 'vacation' && args[0] === 'off') {
      if (o.offFails) return failed('timeout', 'no answer');
      vacation[accountId] = vacationLines('off');
      return okLines(...vacation[accountId]);
    }
    if (module === 'vacation') return okLines(...(vacation[accountId] ?? vacationLines('off')));
    throw new Error(`unexpected ${module}`);
  });
  const notices = new Map<string, Notice>();
  const badge = { on: false, title: null as string | null };
  let stored: ReminderStates = {};
  const opened: string[] = [];
  const warnings: string[] = [];
  const asked: string[] = [];
  let reminder: Reminder | null = null;
  const router = createRouter({
    xexec: xexec.typed,
    translate,
    policy: async () => (o.hidden ? { ...DEFAULT_POLICY, hiddenPanels: ['vacation'] } : DEFAULT_POLICY),
    onVacationChange: (accountId: string, state: VacationState) => void reminder?.changed(accountId, state),
  });
  const deps: ReminderDeps = {
    listAccounts: async () => o.accounts ?? [{ id: 'account1', name: 'alice@example.org' }],
    ask: <T extends RequestType>(request: RequestOf<T>) => {
      asked.push(request.type);
      return router.handle(request) as Promise<BackgroundResponse<T>>;
    },
    online: () => o.online !== false,
    now: () => NOW,
    translate,
    formatDate: (day) => `<${day}>`,
    notices: {
      show: async (id, notice) => void notices.set(id, notice),
      close: async (id) => void notices.delete(id),
    },
    setBadge: async (on, title) => void Object.assign(badge, { on, title }),
    openSettings: async (accountId) => opened.push(accountId),
    loadStates: async () => stored,
    saveStates: async (states) => {
      stored = states;
    },
    warn: (message) => warnings.push(message),
  };
  reminder = new Reminder(deps);
  return { reminder, notices, badge, opened, warnings, asked, xexec, vacation, ask: deps.ask };
}

describe('Reminder.refresh', () => {
  it('a reply that is on: a notice until its last day, Turn off and Change…, and the badge', async () => {
    const s = setup({ vacation: { account1: vacationLines('on', '2026-07-01', '2026-07-20') } });
    await s.reminder.refresh();
    expect(s.notices.get('account1')).toEqual({
      label: 'Automatic reply is on for alice@example.org: it is sent until <2026-07-20>.',
      buttons: [{ id: 'off', label: 'Turn off' }, { id: 'change', label: 'Change…' }],
    });
    expect(s.badge).toEqual({ on: true, title: 'Mail server settings: automatic reply is on for alice@example.org' });
  });

  it('a reply without an end says so', async () => {
    const s = setup({ vacation: { account1: vacationLines('on') } });
    await s.reminder.refresh();
    expect(s.notices.get('account1')?.label).toBe('Automatic reply is on for alice@example.org: it is sent every day until you turn it off.');
  });

  it('a reply that starts later: "from … to …" and no badge', async () => {
    const s = setup({ vacation: { account1: vacationLines('on', '2026-07-11', '2026-07-20') } });
    await s.reminder.refresh();
    expect(s.notices.get('account1')?.label).toBe('Automatic reply is set for alice@example.org: it will be sent from <2026-07-11> to <2026-07-20>.');
    expect(s.badge).toEqual({ on: false, title: null });
  });

  it('a reply whose last day has passed, or one that is off: nothing', async () => {
    for (const lines of [vacationLines('on', '2026-07-01', '2026-07-09'), vacationLines('off')]) {
      const s = setup({ vacation: { account1: lines } });
      await s.reminder.refresh();
      expect(s.notices.size).toBe(0);
      expect(s.badge.on).toBe(false);
    }
  });

  it('several accounts: one notice each; the badge while any of them is on today', async () => {
    const s = setup({
      accounts: [{ id: 'a1', name: 'one' }, { id: 'a2', name: 'two' }, { id: 'a3', name: 'three' }],
      vacation: { a1: vacationLines('on', '2026-07-11'), a2: vacationLines('on'), a3: vacationLines('off') },
    });
    await s.reminder.refresh();
    expect([...s.notices.keys()].sort()).toEqual(['a1', 'a2']);
    expect(s.badge).toEqual({ on: true, title: 'Mail server settings: automatic reply is on for two' });
  });

  it('no server round trip while offline', async () => {
    const s = setup({ online: false, vacation: { account1: vacationLines('on') } });
    await s.reminder.refresh();
    expect(s.asked).toEqual([]);
    expect(s.xexec.execute).not.toHaveBeenCalled();
    expect(s.notices.size).toBe(0);
  });

  it('a server without the module, or a panel the policy hides: nothing, and no vacation command', async () => {
    const without = setup({ modules: ['blacklist'], vacation: { account1: vacationLines('on') } });
    await without.reminder.refresh();
    expect(without.notices.size).toBe(0);
    expect(without.xexec.execute.mock.calls.map((c) => c[1])).toEqual(['.modules']);

    const hidden = setup({ hidden: true, vacation: { account1: vacationLines('on') } });
    await hidden.reminder.refresh();
    expect(hidden.notices.size).toBe(0);
    expect(hidden.xexec.execute).not.toHaveBeenCalled();
  });

  it('a server without XEXEC or without the module is asked again at the next start, not every hour', async () => {
    for (const modules of [undefined, ['blacklist']]) {
      const s = setup({ modules: modules ?? [], vacation: { account1: vacationLines('on') } });
      if (modules === undefined) s.xexec.execute.mockImplementation(async () => failed('unsupported', 'Error in IMAP command UID XEXEC: Unknown command'));
      const discoveries = () => s.asked.filter((type) => type === 'discover').length;
      await s.reminder.refresh(true);
      expect(s.xexec.execute.mock.calls.map((c) => c[1])).toEqual(['.modules']);
      expect(discoveries()).toBe(1);
      await s.reminder.refresh();
      expect(discoveries()).toBe(1);
      expect(s.notices.size).toBe(0);
      // A new start asks again (a new background: its router has no cached discovery either).
      await s.reminder.refresh(true);
      expect(discoveries()).toBe(2);
    }
  });

  it('a server that cannot be asked keeps what was shown, with a warning that names no server text', async () => {
    const s = setup({ vacation: { account1: vacationLines('on') } });
    await s.reminder.refresh();
    expect(s.notices.has('account1')).toBe(true);
    s.vacation.account1 = ['status maybe'];
    await s.reminder.refresh();
    expect(s.notices.has('account1')).toBe(true);
    expect(s.badge.on).toBe(true);
    expect(s.warnings).toEqual(['reminder: the automatic reply of account1 could not be read (reply)']);
  });

  it('an account that is gone loses its notice', async () => {
    const accounts = [{ id: 'a1', name: 'one' }];
    const s = setup({ accounts, vacation: { a1: vacationLines('on') } });
    await s.reminder.refresh();
    expect(s.notices.has('a1')).toBe(true);
    accounts.pop();
    await s.reminder.refresh();
    expect(s.notices.size).toBe(0);
    expect(s.badge.on).toBe(false);
  });
});

describe('Reminder: changes and buttons', () => {
  it('a change made through the router (the settings tab) shows at once, without asking again', async () => {
    const s = setup();
    await s.reminder.refresh();
    expect(s.notices.size).toBe(0);
    const calls = s.xexec.execute.mock.calls.length;
    s.vacation.account1 = vacationLines('on', undefined, '2026-07-31');
    // What the page sends; the router tells the reminder.
    const r = await s.ask({ type: 'vacation.set', accountId: 'account1', update: { body: 'Away.', end: '2026-07-31' } });
    expect(r.ok).toBe(true);
    await vi.waitFor(() => expect(s.notices.has('account1')).toBe(true));
    expect(s.badge.on).toBe(true);
    // One command: the set itself.
    expect(s.xexec.execute.mock.calls.length).toBe(calls + 1);
  });

  it('Turn off sends vacation off; the notice and the badge go', async () => {
    const s = setup({ vacation: { account1: vacationLines('on') } });
    await s.reminder.refresh();
    const whileSent: (Notice | undefined)[] = [];
    s.xexec.execute.mockImplementationOnce(async (accountId) => {
      whileSent.push(s.notices.get(accountId));
      s.vacation.account1 = vacationLines('off');
      return okLines(...s.vacation.account1);
    });
    await s.reminder.clicked('account1', 'off');
    // While the server works: the same notice says so, with no button to click twice.
    expect(whileSent).toEqual([{ label: 'Turning off the automatic reply for alice@example.org…', buttons: [] }]);
    await vi.waitFor(() => expect(s.notices.size).toBe(0));
    expect(s.badge).toEqual({ on: false, title: null });
    expect(s.xexec.execute.mock.calls.at(-1)?.slice(1, 3)).toEqual(['vacation', ['off']]);
  });

  it('Turn off that fails keeps the notice and says why', async () => {
    const s = setup({ offFails: true, vacation: { account1: vacationLines('on') } });
    await s.reminder.refresh();
    await s.reminder.clicked('account1', 'off');
    expect(s.notices.get('account1')?.label).toMatch(/^The automatic reply for alice@example.org could not be turned off: .+/);
    expect(s.badge.on).toBe(true);
  });

  it('Change… opens the settings tab on the account', async () => {
    const s = setup({ vacation: { account1: vacationLines('on') } });
    await s.reminder.refresh();
    await s.reminder.clicked('account1', 'change');
    expect(s.opened).toEqual(['account1']);
    expect(s.notices.has('account1')).toBe(true);
  });
});
