// The administrator's `sending` (docs/ADMIN.md): read from the managed settings, applied by the
// router when it reads an account's Sending state (which the background does for every IMAP
// account at start-up, applySendingPolicies), and a switch the other way refused.
import { describe, expect, it, vi } from 'vitest';
import type { SendingState } from '../../experiments/xexec/outgoing-api.js';
import { effectivePolicy, parsePolicy } from '../../src/background/policy.js';
import { createRouter } from '../../src/background/router.js';
import { applySendingPolicies } from '../../src/background/sending.js';
import type { BackgroundResponse } from '../../src/messages/messages.js';
import { DEFAULT_POLICY, type SendingPolicy } from '../../src/messages/policy.js';
import { failed, fakeOutgoing, fakeXexec, okLines, SENDING_OFF, SENDING_ON, translate, type Script } from './fakes.js';

const ACCOUNT = 'account1';
const ON = SENDING_ON;
const OFF = SENDING_OFF;

describe('parsing `sending`', () => {
  it('"on" and "off", globally and per host; a host entry wins', () => {
    const policy = parsePolicy({ sending: 'off', servers: { 'IMAP.example.com': { sending: 'on' }, 'other.example.com': {} } });
    expect(policy.problems).toEqual([]);
    expect(effectivePolicy(policy, 'imap.example.com').sending).toBe('on');
    expect(effectivePolicy(policy, 'other.example.com').sending).toBe('off');
    expect(effectivePolicy(policy, 'third.example.com').sending).toBe('off');
    expect(effectivePolicy(policy, null).sending).toBe('off');
  });

  it('absent: the user chooses (null)', () => {
    expect(effectivePolicy(parsePolicy({ disableConsole: true }), 'imap.example.com').sending).toBeNull();
    expect(DEFAULT_POLICY.sending).toBeNull();
  });

  it('a wrong value is left out with a problem line; the rest applies', () => {
    const policy = parsePolicy({ sending: true, disableConsole: true, servers: { 'imap.example.com': { sending: 'ON' }, 'b.example': { sending: ['on'] } } });
    expect(policy.problems).toEqual([
      'sending: expected "on" or "off", got boolean true; ignored',
      'servers["imap.example.com"].sending: expected "on" or "off", got string "ON"; ignored',
      'servers["b.example"].sending: expected "on" or "off", got a list; ignored',
    ]);
    expect(effectivePolicy(policy, 'imap.example.com')).toMatchObject({ sending: null, consoleDisabled: true });
  });
});

function setup(o: { fixed: SendingPolicy | null; modules?: Script; initial?: SendingState; online?: boolean }) {
  const xexec = fakeXexec(o.modules ?? (() => okLines('vacation', 'submit')));
  const outgoing = fakeOutgoing(o.initial ?? OFF);
  const warn = vi.fn();
  const router = createRouter({
    xexec: xexec.typed,
    translate,
    outgoing: outgoing.typed,
    policy: async () => ({ ...DEFAULT_POLICY, managed: true, sending: o.fixed }),
    online: () => o.online ?? true,
    warn,
  });
  const state = () => router.handle({ type: 'sending.state', accountId: ACCOUNT });
  return { router, outgoing: outgoing.api, xexec, warn, state };
}

describe('"on": turned on when the state is read, where the server offers submit', () => {
  it('asks the server first, then turns on; once on, asks nothing more', async () => {
    const s = setup({ fixed: 'on' });
    expect(await s.state()).toEqual({ ok: true, value: ON });
    expect(s.xexec.execute).toHaveBeenCalledTimes(1);
    expect(s.outgoing.enable).toHaveBeenCalledWith(ACCOUNT);
    expect(await s.state()).toEqual({ ok: true, value: ON });
    expect(s.outgoing.enable).toHaveBeenCalledTimes(1);
    expect(s.warn).not.toHaveBeenCalled();
  });

  it('a server without submit is left alone: the state as it is, no error for the user, a console line', async () => {
    const s = setup({ fixed: 'on', modules: () => okLines('vacation') });
    expect(await s.state()).toEqual({ ok: true, value: OFF });
    expect(s.outgoing.enable).not.toHaveBeenCalled();
    expect(s.warn).toHaveBeenCalledWith('XEXEC policy: sending "on" does not apply to account account1: its server offers no submit module; left alone');
  });

  it('a failed discovery turns nothing on', async () => {
    const s = setup({ fixed: 'on', modules: () => failed('disconnected', 'The server closed the connection.') });
    expect(await s.state()).toEqual({ ok: true, value: OFF });
    expect(s.outgoing.enable).not.toHaveBeenCalled();
    expect(s.warn).toHaveBeenCalledTimes(1);
    expect(s.warn.mock.calls[0]![0]).toMatch(/^XEXEC policy: sending "on" not applied to account account1 for now/);
  });

  it('offline: neither the server is asked nor anything turned on', async () => {
    const s = setup({ fixed: 'on', online: false });
    expect(await s.state()).toEqual({ ok: true, value: OFF });
    expect(s.xexec.execute).not.toHaveBeenCalled();
    expect(s.outgoing.enable).not.toHaveBeenCalled();
  });
});

describe('"off" and none', () => {
  it('"off" turns Sending off where it is on, without asking the server (even offline)', async () => {
    const s = setup({ fixed: 'off', initial: ON, online: false });
    expect(await s.state()).toEqual({ ok: true, value: OFF });
    expect(s.outgoing.disable).toHaveBeenCalledWith(ACCOUNT);
    expect(s.xexec.execute).not.toHaveBeenCalled();
  });

  it('"off" where it is off changes nothing', async () => {
    const s = setup({ fixed: 'off' });
    expect(await s.state()).toEqual({ ok: true, value: OFF });
    expect(s.outgoing.disable).not.toHaveBeenCalled();
  });

  it('no `sending`: the state is only read, whichever it is', async () => {
    for (const initial of [ON, OFF]) {
      const s = setup({ fixed: null, initial });
      expect(await s.state()).toEqual({ ok: true, value: initial });
      expect(s.outgoing.enable).not.toHaveBeenCalled();
      expect(s.outgoing.disable).not.toHaveBeenCalled();
      expect(s.xexec.execute).not.toHaveBeenCalled();
    }
  });
});

describe('a switch the other way is refused', () => {
  it('"on": turning off is refused with a sentence, nothing changed', async () => {
    const s = setup({ fixed: 'on', initial: ON });
    expect(await s.router.handle({ type: 'sending.set', accountId: ACCOUNT, on: false })).toEqual({
      ok: false,
      error: expect.objectContaining({
        kind: 'input',
        message: 'Your administrator has turned sending through the IMAP connection on for this account; it cannot be turned off here.',
      }),
    });
    expect(s.outgoing.disable).not.toHaveBeenCalled();
    // The way the policy says still works (the panel never offers it, but a request may come).
    expect(await s.router.handle({ type: 'sending.set', accountId: ACCOUNT, on: true })).toEqual({ ok: true, value: ON });
  });

  it('"off": turning on is refused before the server is asked', async () => {
    const s = setup({ fixed: 'off' });
    expect(await s.router.handle({ type: 'sending.set', accountId: ACCOUNT, on: true })).toEqual({
      ok: false,
      error: expect.objectContaining({
        kind: 'input',
        message: 'Your administrator has turned sending through the IMAP connection off for this account; it cannot be turned on here.',
      }),
    });
    expect(s.outgoing.enable).not.toHaveBeenCalled();
    expect(s.xexec.execute).not.toHaveBeenCalled();
  });
});

describe('at the background\'s start (applySendingPolicies)', () => {
  it('applies the policy to every IMAP account it fixes, through the router, and skips the others', async () => {
    const s = setup({ fixed: 'on' });
    const ask = vi.fn((request: { type: 'sending.state'; accountId: string }) => s.router.handle(request));
    const fixed = async (accountId: string) => (accountId === ACCOUNT ? 'on' as const : null);
    await applySendingPolicies(async () => [ACCOUNT, 'account2'], fixed, ask, s.warn);
    expect(ask.mock.calls).toEqual([[{ type: 'sending.state', accountId: ACCOUNT }]]);
    expect(s.outgoing.enable).toHaveBeenCalledWith(ACCOUNT);
    expect(s.warn).not.toHaveBeenCalled();
  });

  it('one account\'s failure is a console line, and the next account still gets its turn', async () => {
    const warn = vi.fn();
    const unavailable = { ok: false, error: { kind: 'internal', message: 'Sending through the IMAP connection is not available in this Thunderbird.' } } as BackgroundResponse;
    const ask = vi.fn(async (request: { type: 'sending.state'; accountId: string }) => (request.accountId === 'a' ? unavailable : { ok: true, value: ON } as BackgroundResponse));
    await applySendingPolicies(async () => ['a', 'b'], async () => 'on', ask, warn);
    expect(ask).toHaveBeenCalledTimes(2);
    expect(warn).toHaveBeenCalledWith('XEXEC policy: sending not applied to account a: Sending through the IMAP connection is not available in this Thunderbird.');
  });
});
