// The menus and the junk opt-in of block/allow from the message (src/background/sender-actions.ts)
// with Thunderbird's APIs faked: what the items show when a menu opens (and that nothing waits
// for the server then), what a click sends, and when Thunderbird's own junk mark leads to a
// question, a block, or nothing.
import { describe, expect, it, vi } from 'vitest';
import { userError } from '../../src/messages/errors.js';
import type { BackgroundResponse, RequestOf, RequestType } from '../../src/messages/messages.js';
import { DEFAULT_POLICY } from '../../src/messages/policy.js';
import type { MenuInfo, MessageHeader, SenderApis, Tab } from '../../src/background/sender-apis.js';
import { handleSenderMessage, registerSenderActions, type SenderDeps, type StorageArea } from '../../src/background/sender-actions.js';
import type { Ask } from '../../src/background/sender-run.js';
import { translate } from './fakes.js';

function area(): StorageArea & { data: Record<string, unknown> } {
  const data: Record<string, unknown> = {};
  return {
    data,
    get: async (key) => (key in data ? { [key]: structuredClone(data[key]) } : {}),
    set: async (items) => void Object.assign(data, structuredClone(items)),
    remove: async (keys) => keys.forEach((key) => delete data[key]),
  };
}

const INBOX = { id: 'inbox', accountId: 'a1', name: 'Inbox', path: '/INBOX' };

function setup(options: { modules?: string[]; hidden?: string[]; selected?: number[]; authors?: Record<number, string>; discovery?: 'timeout' | 'unsupported' } = {}) {
  const sent: RequestOf<RequestType>[] = [];
  let discoverGate: (() => void) | null = null;
  const ask = (async (request: RequestOf<RequestType>): Promise<BackgroundResponse> => {
    sent.push(request);
    switch (request.type) {
      case 'discover':
        await new Promise<void>((resolve) => { discoverGate = resolve; });
        if (options.discovery !== undefined) return { ok: false, error: userError('server', 'no', { code: options.discovery }) };
        return { ok: true, value: { modules: options.modules ?? ['blacklist', 'whitelist'] } };
      case 'policy.get':
        return { ok: true, value: { ...DEFAULT_POLICY, hiddenPanels: options.hidden ?? [] } } as BackgroundResponse;
      case 'list.add':
        return { ok: true, value: { changes: request.entries.map((entry) => ({ entry, outcome: 'added' })) } } as BackgroundResponse;
      case 'list.del':
        return { ok: true, value: { changes: request.entries.map((entry) => ({ entry, outcome: 'removed' })) } } as BackgroundResponse;
      default:
        throw new Error(`unexpected ${request.type}`);
    }
  }) as Ask;
  const listeners: {
    shown?: (info: MenuInfo, tab?: Tab) => void;
    clicked?: (info: MenuInfo, tab?: Tab) => void;
    command?: (command: string, tab?: Tab) => void;
    updated?: (m: MessageHeader, changed: { junk?: boolean }) => void;
    displayed?: (tab: Tab, messages: { id: null; messages: MessageHeader[] }) => void;
  } = {};
  const items = new Map<string, { title?: string; visible?: boolean; enabled?: boolean }>();
  const refreshed = vi.fn(async () => undefined);
  const windows: string[] = [];
  const button: string[] = [];
  const apis: SenderApis = {
    menus: {
      create: (item) => items.set(item.id, { title: item.title, visible: item.visible }),
      update: async (id, props) => void items.set(id, { ...items.get(id), ...props }),
      refresh: refreshed,
      onShown: { addListener: (l) => { listeners.shown = l; } },
      onHidden: { addListener: () => undefined },
      onClicked: { addListener: (l) => { listeners.clicked = l; } },
    },
    commands: { onCommand: { addListener: (l) => { listeners.command = l; } } },
    messages: {
      continueList: async () => ({ id: null, messages: [] }),
      update: async () => undefined,
      move: async () => undefined,
      query: async () => ({ id: null, messages: [] }),
      onUpdated: { addListener: (l) => { listeners.updated = l; } },
    },
    folders: {
      query: async () => [{ id: 'junk', accountId: 'a1', name: 'Junk', path: '/Junk', specialUse: ['junk'] }],
      create: async () => { throw new Error('no'); },
      getFolderCapabilities: async () => ({ canDeleteMessages: true }),
    },
    accounts: { get: async () => null },
    mailTabs: {
      query: async () => [{ id: 1 }],
      getSelectedMessages: async () => ({ id: null, messages: (options.selected ?? []).map((id) => message(id, options.authors?.[id] ?? '')) }),
    },
    messageDisplay: {
      getDisplayedMessages: async () => [],
      onMessagesDisplayed: { addListener: (l) => { listeners.displayed = l; } },
    },
    messageDisplayAction: {
      enable: async (tabId) => void button.push(`enable ${tabId}`),
      disable: async (tabId) => void button.push(`disable ${tabId}`),
    },
    messengerUtilities: {
      parseMailboxString: async (text) => {
        const email = /<([^>]*)>/.exec(text)?.[1] ?? (text.includes('@') ? text : undefined);
        return email === undefined ? [] : [{ email }];
      },
    },
  };
  const session = area();
  const local = area();
  const deps: SenderDeps = {
    apis, ask, t: translate, session, local,
    openWindow: async (url) => void windows.push(url),
    getURL: (path) => `moz-extension://x/${path}`,
  };
  const createMenus = registerSenderActions(deps);
  createMenus();
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return { button, deps, sent, items, refreshed, windows, listeners, session, local, settle, openDiscovery: () => discoverGate?.() };
}

function message(id: number, author: string): MessageHeader {
  return { id, author, headerMessageId: `m${id}@example.org`, folder: INBOX };
}

const list = (...messages: MessageHeader[]) => ({ contexts: ['message_list'], selectedMessages: { id: null, messages } });

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 1));
  expect(check()).toBe(true);
}

describe('the menu', () => {
  it('all items are created hidden: nothing shows before the account is known', () => {
    const s = setup();
    expect([...s.items.values()].every((i) => i.visible === false)).toBe(true);
    expect(s.items.size).toBe(9);
  });

  it('a known account: the items are updated from what the session knows, without asking the server', async () => {
    const s = setup();
    s.session.data.senderOffered = { a1: ['blacklist', 'whitelist'] };
    s.listeners.shown!(list(message(1, 'Spam <pest@spam.example>')));
    await until(() => s.refreshed.mock.calls.length === 1);
    expect(s.sent.map((r) => r.type)).toEqual(['policy.get']);
    expect(s.items.get('xexec-sender')).toMatchObject({ visible: true });
    expect(s.items.get('xexec-sender-block')).toMatchObject({ visible: true, enabled: true, title: 'Block sender' });
  });

  it('an account not asked yet: the menu is answered at once (items hidden), discovery runs meanwhile and the open menu is refreshed after it', async () => {
    const s = setup();
    s.listeners.shown!(list(message(1, 'pest@spam.example')));
    await until(() => s.refreshed.mock.calls.length === 1);
    expect(s.items.get('xexec-sender-block')).toMatchObject({ visible: false });
    expect(s.sent.map((r) => r.type)).toContain('discover');
    s.openDiscovery();
    await until(() => s.refreshed.mock.calls.length === 2);
    expect(s.items.get('xexec-sender-block')).toMatchObject({ visible: true, enabled: true });
    expect(s.session.data.senderOffered).toEqual({ a1: ['blacklist', 'whitelist'] });
  });

  it('a discovery that timed out is not kept (the next menu asks again); a server without XEXEC is', async () => {
    for (const [discovery, kept] of [['timeout', undefined], ['unsupported', []]] as const) {
      const s = setup({ discovery });
      s.listeners.shown!(list(message(1, 'pest@spam.example')));
      await until(() => s.refreshed.mock.calls.length === 1);
      s.openDiscovery();
      await until(() => s.sent.filter((r) => r.type === 'discover').length === 1);
      await s.settle();
      expect((s.session.data.senderOffered as Record<string, unknown> | undefined)?.a1).toEqual(kept);
    }
  });

  it('a message without a sender: the items are disabled and say why', async () => {
    const s = setup();
    s.session.data.senderOffered = { a1: ['blacklist', 'whitelist'] };
    s.listeners.shown!(list(message(1, 'undisclosed-recipients:;')));
    await until(() => s.refreshed.mock.calls.length === 1);
    expect(s.items.get('xexec-sender-block')).toMatchObject({ visible: true, enabled: false, title: 'Block sender (the message has no sender address)' });
  });

  it('a click blocks every distinct sender of the selection once and opens the result window', async () => {
    const s = setup();
    s.listeners.clicked!({ menuItemId: 'xexec-sender-block', ...list(message(1, 'pest@spam.example'), message(2, 'PEST@spam.example'), message(3, 'x@other.example')) });
    await until(() => s.windows.length === 1);
    expect(s.sent.filter((r) => r.type === 'list.add')).toEqual([{ type: 'list.add', accountId: 'a1', list: 'blacklist', entries: ['pest@spam.example', 'x@other.example'] }]);
    expect(s.windows[0]).toMatch(/^moz-extension:\/\/x\/ui\/sender\/result\.html\?id=/);
  });
});

describe('the header button', () => {
  it('enabled for a message of an account with a usable list, disabled where neither list is offered or shown', async () => {
    const s = setup({ hidden: ['whitelist'] });
    s.session.data.senderOffered = { a1: ['whitelist'], a2: ['blacklist'] };
    s.listeners.displayed!({ id: 7 }, { id: null, messages: [message(1, 'pest@spam.example')] });
    await until(() => s.button.length === 1);
    s.listeners.displayed!({ id: 8 }, { id: null, messages: [{ ...message(2, 'pest@spam.example'), folder: { ...INBOX, accountId: 'a2' } }] });
    await until(() => s.button.length === 2);
    expect(s.button).toEqual(['disable 7', 'enable 8']);
    expect(s.sent.map((r) => r.type)).not.toContain('discover');
  });
});

describe('an allow', () => {
  it('takes the sender off the block list where the server has one; not where it has none', async () => {
    const both = setup();
    both.session.data.senderOffered = { a1: ['blacklist', 'whitelist'] };
    both.listeners.clicked!({ menuItemId: 'xexec-sender-allow', ...list(message(1, 'pest@spam.example')) });
    await until(() => both.windows.length === 1);
    expect(both.sent.filter((r) => r.type.startsWith('list.')).map((r) => `${r.type} ${'list' in r ? r.list : ''}`)).toEqual(['list.add whitelist', 'list.del blacklist']);

    const allowOnly = setup();
    allowOnly.session.data.senderOffered = { a1: ['whitelist'] };
    allowOnly.listeners.clicked!({ menuItemId: 'xexec-sender-allow', ...list(message(1, 'pest@spam.example')) });
    await until(() => allowOnly.windows.length === 1);
    expect(allowOnly.sent.filter((r) => r.type.startsWith('list.')).map((r) => r.type)).toEqual(['list.add']);
  });
});

describe('the keyboard shortcuts', () => {
  it('a command acts on the selected messages like its item', async () => {
    const s = setup({ selected: [1, 2], authors: { 1: 'pest@spam.example', 2: 'Pest <pest@spam.example>' } });
    s.session.data.senderOffered = { a1: ['blacklist', 'whitelist'] };
    s.listeners.command!('sender-block-domain', { id: 1 });
    await until(() => s.windows.length === 1);
    expect(s.sent.filter((r) => r.type === 'list.add')).toEqual([{ type: 'list.add', accountId: 'a1', list: 'blacklist', entries: ['@spam.example'] }]);
  });

  it('not where the item would be absent: a list the server lacks, or the policy hides', async () => {
    const s = setup({ selected: [1], authors: { 1: 'pest@spam.example' }, hidden: ['whitelist'] });
    s.session.data.senderOffered = { a1: ['blacklist', 'whitelist'] };
    s.listeners.command!('sender-allow', { id: 1 });
    const t = setup({ selected: [1], authors: { 1: 'pest@spam.example' } });
    t.session.data.senderOffered = { a1: ['whitelist'] };
    t.listeners.command!('sender-block', { id: 1 });
    await s.settle();
    await t.settle();
    expect([...s.sent, ...t.sent].filter((r) => r.type.startsWith('list.'))).toEqual([]);
  });
});

describe("Thunderbird's own junk mark", () => {
  /** Marks arrive, the debounce passes (fake time), then every promise the flush made settles. */
  const junk = async (s: ReturnType<typeof setup>, ...messages: MessageHeader[]) => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      for (const m of messages) s.listeners.updated!(m, { junk: true });
      await vi.advanceTimersByTimeAsync(1000);
    } finally {
      vi.useRealTimers();
    }
    await s.settle();
  };

  it('ask (the default): a question in the window, nothing sent', async () => {
    const s = setup({ selected: [1, 2] });
    s.session.data.senderOffered = { a1: ['blacklist'] };
    await junk(s, message(1, 'pest@spam.example'), message(2, 'pest@spam.example'));
    await until(() => s.windows.length === 1);
    expect(s.sent.filter((r) => r.type.startsWith('list.'))).toEqual([]);
    const record = Object.entries(s.local.data).find(([k]) => k.startsWith('senderRecord:'))![1] as { lines: string[]; question: unknown };
    expect(record.lines).toEqual(['Also block these senders on the server? pest@spam.example']);
    expect(record.question).toEqual({ entries: ['pest@spam.example'] });
  });

  it('never: nothing at all; always: the senders are blocked', async () => {
    const never = setup({ selected: [1] });
    never.session.data.senderOffered = { a1: ['blacklist'] };
    never.local.data.senderJunkOptIn = 'never';
    await junk(never, message(1, 'pest@spam.example'));
    expect(never.windows).toEqual([]);
    expect(never.sent).toEqual([]);

    const always = setup({ selected: [1] });
    always.session.data.senderOffered = { a1: ['blacklist'] };
    always.local.data.senderJunkOptIn = 'always';
    await junk(always, message(1, 'pest@spam.example'));
    await until(() => always.windows.length === 1);
    expect(always.sent.filter((r) => r.type === 'list.add')).toEqual([{ type: 'list.add', accountId: 'a1', list: 'blacklist', entries: ['pest@spam.example'] }]);
  });

  it('a mark on a message that is not selected (Thunderbird\'s classifier) is not asked about', async () => {
    const s = setup({ selected: [] });
    s.session.data.senderOffered = { a1: ['blacklist'] };
    await junk(s, message(1, 'pest@spam.example'));
    expect(s.windows).toEqual([]);
  });

  it('a server without the block list, or a policy hiding it: nothing', async () => {
    const s = setup({ selected: [1], hidden: ['blacklist'] });
    s.session.data.senderOffered = { a1: ['blacklist'] };
    await junk(s, message(1, 'pest@spam.example'));
    const t = setup({ selected: [1] });
    t.session.data.senderOffered = { a1: ['whitelist'] };
    await junk(t, message(1, 'pest@spam.example'));
    expect([...s.windows, ...t.windows]).toEqual([]);
  });
});

describe('the result window\'s requests', () => {
  const click = async (s: ReturnType<typeof setup>, author: string) => {
    const before = s.windows.length;
    s.listeners.clicked!({ menuItemId: 'xexec-sender-block', ...list(message(1, author)) });
    await until(() => s.windows.length === before + 1);
    return decodeURIComponent(/\?id=(.*)$/.exec(s.windows.at(-1)!)![1]!);
  };

  it('the record, then Undo once; a second Undo has nothing to do', async () => {
    const s = setup();
    const id = await click(s, 'pest@spam.example');
    expect(await handleSenderMessage(s.deps, { type: 'sender.record', id })).toMatchObject({ ok: true, canUndo: true, lines: ['Added to the block list: pest@spam.example.', 'Messages moved to Junk: 1.'] });
    expect(await handleSenderMessage(s.deps, { type: 'sender.undo', id })).toEqual({ ok: true, lines: ['Removed from the block list again: pest@spam.example.'] });
    expect(s.sent.filter((r) => r.type === 'list.del')).toEqual([{ type: 'list.del', accountId: 'a1', list: 'blacklist', entries: ['pest@spam.example'] }]);
    expect(await handleSenderMessage(s.deps, { type: 'sender.undo', id })).toEqual({ ok: false, lines: ['There is nothing to undo.'] });
    expect(await handleSenderMessage(s.deps, { type: 'sender.record', id })).toMatchObject({ ok: true, canUndo: false });
  });

  it('only the newest 20 results are kept', async () => {
    const s = setup();
    const ids: string[] = [];
    for (let i = 0; i < 22; i++) ids.push(await click(s, `pest${i}@spam.example`));
    expect(s.local.data.senderRecordIds).toEqual(ids.slice(-20));
    expect(Object.keys(s.local.data).filter((k) => k.startsWith('senderRecord:')).sort()).toEqual(ids.slice(-20).map((id) => `senderRecord:${id}`).sort());
    expect(await handleSenderMessage(s.deps, { type: 'sender.record', id: ids[0]! })).toEqual({ ok: false, lines: ['This result is no longer known.'] });
  });

  it('the junk question: "Block on the server" with "Remember my answer" blocks and makes the setting always', async () => {
    const s = setup({ selected: [1] });
    s.session.data.senderOffered = { a1: ['blacklist'] };
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      s.listeners.updated!(message(1, 'pest@spam.example'), { junk: true });
      await vi.advanceTimersByTimeAsync(1000);
    } finally {
      vi.useRealTimers();
    }
    await until(() => s.windows.length === 1);
    const id = decodeURIComponent(/\?id=(.*)$/.exec(s.windows[0]!)![1]!);
    expect(await handleSenderMessage(s.deps, { type: 'sender.junkAnswer', id, block: true, remember: true })).toEqual({
      ok: true, lines: ['Added to the block list: pest@spam.example.'], canUndo: true,
    });
    expect(s.local.data.senderJunkOptIn).toBe('always');
    expect(s.sent.filter((r) => r.type === 'list.add')).toHaveLength(1);
  });
});
