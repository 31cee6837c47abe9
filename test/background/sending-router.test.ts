// The Sending panel's requests (issue 15): sending.state reads the experiment's switch,
// sending.set turns it on only where the server's discovery lists submit, off always.
import { describe, expect, it } from 'vitest';
import { createRouter } from '../../src/background/router.js';
import { failed, fakeOutgoing, fakeXexec, okLines, SENDING_OFF, SENDING_ON, translate, type Script } from './fakes.js';

const ACCOUNT = 'account1';
const ON = SENDING_ON;
const OFF = SENDING_OFF;

function setup(modules: Script, withOutgoing = true) {
  const xexec = fakeXexec(modules);
  const outgoing = fakeOutgoing();
  const router = createRouter({ xexec: xexec.typed, translate, ...(withOutgoing ? { outgoing: outgoing.typed } : {}) });
  return { router, outgoing: outgoing.api, xexec };
}

describe('sending', () => {
  it('reads the state without asking the server', async () => {
    const { router, xexec } = setup(() => okLines('submit'));
    expect(await router.handle({ type: 'sending.state', accountId: ACCOUNT })).toEqual({ ok: true, value: OFF });
    expect(xexec.execute).not.toHaveBeenCalled();
  });

  it('turns on where the server has submit, and off again', async () => {
    const { router, outgoing } = setup(() => okLines('vacation', 'submit'));
    expect(await router.handle({ type: 'sending.set', accountId: ACCOUNT, on: true })).toEqual({ ok: true, value: ON });
    expect(outgoing.enable).toHaveBeenCalledWith(ACCOUNT);
    expect(await router.handle({ type: 'sending.set', accountId: ACCOUNT, on: false })).toEqual({ ok: true, value: OFF });
    expect(outgoing.disable).toHaveBeenCalledWith(ACCOUNT);
  });

  it('does not turn on where the server has no submit', async () => {
    const { router, outgoing } = setup(() => okLines('vacation'));
    expect(await router.handle({ type: 'sending.set', accountId: ACCOUNT, on: true })).toMatchObject({ ok: false, error: { kind: 'input' } });
    expect(outgoing.enable).not.toHaveBeenCalled();
  });

  it('reports a failed discovery instead of turning on', async () => {
    const { router, outgoing } = setup(() => failed('disconnected', 'The server closed the connection.'));
    expect(await router.handle({ type: 'sending.set', accountId: ACCOUNT, on: true })).toMatchObject({ ok: false, error: { code: 'disconnected' } });
    expect(outgoing.enable).not.toHaveBeenCalled();
  });

  it('turns off without asking the server', async () => {
    const { router, xexec } = setup(() => okLines());
    expect(await router.handle({ type: 'sending.set', accountId: ACCOUNT, on: false })).toEqual({ ok: true, value: OFF });
    expect(xexec.execute).not.toHaveBeenCalled();
  });

  it('says so when the experiment is missing', async () => {
    const { router } = setup(() => okLines('submit'), false);
    expect(await router.handle({ type: 'sending.state', accountId: ACCOUNT })).toMatchObject({ ok: false, error: { kind: 'internal' } });
  });

  it('refuses a malformed switch', async () => {
    const { router } = setup(() => okLines('submit'));
    expect(await router.handle({ type: 'sending.set', accountId: ACCOUNT, on: 'yes' })).toMatchObject({ ok: false });
  });
});
