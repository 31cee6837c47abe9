// The background entry point with the standard browser API mocked (webextension-polyfill
// throws outside an extension) and a fake messenger.xexec.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { fakeXexec, getMessage, okLines } from './fakes.js';

type Listener = (message: unknown, sender: { id?: string }) => Promise<unknown> | undefined;

const state = vi.hoisted(() => ({ listeners: [] as Listener[], pings: 0, menus: [] as string[] }));

vi.mock('webextension-polyfill', () => ({
  default: {
    runtime: {
      id: 'xexec@xexec.invalid',
      onMessage: { addListener: (listener: Listener) => state.listeners.push(listener) },
      getPlatformInfo: async () => {
        state.pings++;
        return { os: 'linux', arch: 'x86-64' };
      },
      // The reminder (reminder.ts) starts on these; not fired here.
      onStartup: { addListener: () => undefined },
      onInstalled: { addListener: () => undefined },
    },
    // The reminder's hourly alarm exists: no start-up read here.
    alarms: { onAlarm: { addListener: () => undefined }, get: async () => ({ name: 'xexec-reminder', periodInMinutes: 60 }) },
    i18n: { getMessage: (key: string, subs?: string[]) => getMessage(key, subs) },
    action: { onClicked: { addListener: () => undefined } },
    menus: {
      removeAll: async () => undefined,
      create: (item: { id: string }) => state.menus.push(item.id),
      update: async () => undefined,
      refresh: async () => undefined,
      onClicked: { addListener: () => undefined },
      // Block/allow from the message (sender-actions.ts) updates its items when a menu opens.
      onShown: { addListener: () => undefined },
      onHidden: { addListener: () => undefined },
    },
    storage: { session: {}, local: {} },
    tabs: { create: async () => ({}) },
  },
}));

const xexec = fakeXexec((module) => (module === '.modules' ? okLines('blacklist') : okLines('@spam.example')));

describe('background/index.ts', () => {
  beforeAll(async () => {
    (globalThis as Record<string, unknown>).messenger = {
      xexec: xexec.typed,
      xexecNotices: { onButtonClicked: { addListener: () => undefined } },
      messages: { onUpdated: { addListener: () => undefined } },
    };
    await import('../../src/background/index.js');
  });

  it('registers one runtime.onMessage listener at load', () => {
    expect(state.listeners.length).toBe(1);
  });

  it('adds the folder pane menu item at load, then the block/allow items', async () => {
    await vi.waitFor(() => expect(state.menus.length).toBeGreaterThan(1));
    const actions = ['block', 'block-domain', 'allow', 'allow-domain'];
    expect(state.menus).toEqual(['xexec-server-settings', 'xexec-sender', ...actions.flatMap((a) => [`xexec-sender-${a}`, `xexec-sender-${a}-header`])]);
  });

  it('answers the add-on\'s own pages through the router', async () => {
    const listener = state.listeners[0]!;
    expect(await listener({ type: 'list.show', accountId: 'account1', list: 'blacklist' }, { id: 'xexec@xexec.invalid' })).toEqual({
      ok: true, value: { entries: '@spam.example' },
    });
    expect(await listener({ type: 'discover', accountId: 'account1' }, { id: 'xexec@xexec.invalid' })).toEqual({
      ok: true, value: { modules: ['blacklist'] },
    });
    expect(await listener({ type: 'bogus' }, { id: 'xexec@xexec.invalid' })).toMatchObject({ ok: false, error: { kind: 'internal' } });
  });

  it('ignores messages from elsewhere', async () => {
    const calls = xexec.execute.mock.calls.length;
    expect(state.listeners[0]!({ type: 'list.show', accountId: 'account1', list: 'blacklist' }, { id: 'other@example.com' })).toBeUndefined();
    expect(xexec.execute.mock.calls.length).toBe(calls);
  });

  it('localizes through browser.i18n', async () => {
    xexec.execute.mockResolvedValueOnce({ ok: false, code: 'XEXEC-EXIT', detail: 2, message: 'nope', lines: [] });
    expect(await state.listeners[0]!({ type: 'forward.show', accountId: 'account1' }, { id: 'xexec@xexec.invalid' })).toMatchObject({
      ok: false, error: { message: 'The server refused: nope' },
    });
  });

  it('keeps the background alive during a long call', async () => {
    vi.useFakeTimers();
    try {
      let finish!: () => void;
      xexec.execute.mockImplementationOnce(() => new Promise((resolve) => {
        finish = () => resolve(okLines());
      }));
      const answer = state.listeners[0]!({ type: 'list.show', accountId: 'account1', list: 'whitelist' }, { id: 'xexec@xexec.invalid' });
      const before = state.pings;
      await vi.advanceTimersByTimeAsync(10_000);
      expect(state.pings - before).toBeGreaterThanOrEqual(5);
      finish();
      expect(await answer).toEqual({ ok: true, value: { entries: '' } });
    } finally {
      vi.useRealTimers();
    }
  });
});
