/**
 * The Sending panel's messages (issue 15): whether the account's identities send through its
 * IMAP connection, and the switch. The experiment (xexecOutgoing) makes or removes the
 * outgoing server of type xexec and remembers each identity's previous server.
 *
 * The administrator's `sending` (docs/ADMIN.md) fixes the switch: "off" is applied wherever
 * it is on (no server needed), "on" only where the server's discovery lists submit, never
 * while offline or when discovery failed. It is applied whenever the state is read, which
 * the background does for every IMAP account when it starts (applySendingPolicies).
 */

import type { SendingState, XexecOutgoingApi } from '../../experiments/xexec/outgoing-api.js';
import { userError, type Translate, type UserError } from '../messages/errors.js';
import type { BackgroundResponse } from '../messages/messages.js';
import type { SendingPolicy } from '../messages/policy.js';
import { SUBMIT } from '../modules/submit.js';
import { sameModule } from '../protocol/module-name.js';
import { err, ok, type Result } from '../protocol/result.js';
import type { Discovery } from './discovery-cache.js';

function unavailable(t: Translate): { ok: false; error: UserError } {
  return err(userError('internal', t('sendingUnavailable')));
}

/** What applying the administrator's `sending` to one account needs. */
export interface SendingPolicyContext {
  /** The account's effective `sending`; null: the user chooses. */
  readonly fixed: SendingPolicy | null;
  /** false while Thunderbird works offline. */
  readonly online: () => boolean;
  /** The account's discovery (cached by the router). */
  readonly discover: () => Promise<Discovery>;
  /** For administrators: the background's console. */
  readonly warn: (message: string) => void;
}

/** Turns the switch the way the policy says, where it can; the state afterwards. */
async function applyPolicy(outgoing: XexecOutgoingApi, accountId: string, policy: SendingPolicyContext): Promise<SendingState> {
  const state = await outgoing.state(accountId);
  if (policy.fixed === null) return state;
  if (policy.fixed === 'off') return state.enabled ? outgoing.disable(accountId) : state;
  if (state.enabled) return state;
  // The server is asked first: an identity must never be moved to a server that cannot send.
  if (!policy.online()) return state;
  const found = await policy.discover();
  if (!found.ok) {
    policy.warn(`XEXEC policy: sending "on" not applied to account ${accountId} for now, its server's modules are unknown: ${found.error.message}`);
    return state;
  }
  if (!found.modules.some((m) => sameModule(m, SUBMIT))) {
    policy.warn(`XEXEC policy: sending "on" does not apply to account ${accountId}: its server offers no submit module; left alone`);
    return state;
  }
  return outgoing.enable(accountId);
}

/** The switch's state, after applying the administrator's `sending` when there is one. */
export async function sendingState(
  outgoing: XexecOutgoingApi | undefined,
  t: Translate,
  accountId: string,
  policy?: SendingPolicyContext,
): Promise<Result<SendingState, UserError>> {
  if (outgoing === undefined) return unavailable(t);
  return ok(policy === undefined ? await outgoing.state(accountId) : await applyPolicy(outgoing, accountId, policy));
}

/** The refusal of a switch the other way than the administrator fixed it; null: allowed. */
export function sendingLocked(t: Translate, fixed: SendingPolicy | null, on: boolean): UserError | null {
  if (fixed === null || (fixed === 'on') === on) return null;
  return userError('input', t(fixed === 'on' ? 'sendingPolicyLockedOn' : 'sendingPolicyLockedOff'));
}

/** `modules`: what the server offers (discovery); turning on needs its `submit`. */
export async function sendingSet(
  outgoing: XexecOutgoingApi | undefined,
  t: Translate,
  accountId: string,
  on: boolean,
  modules: readonly string[],
): Promise<Result<SendingState, UserError>> {
  if (outgoing === undefined) return unavailable(t);
  if (!on) return ok(await outgoing.disable(accountId));
  if (!modules.some((m) => sameModule(m, SUBMIT))) return err(userError('input', t('sendingNoSubmit')));
  return ok(await outgoing.enable(accountId));
}

/**
 * At the background's start (and back online): for every IMAP account the policy fixes,
 * reads its Sending state through the router, which applies the administrator's `sending`.
 * One account's failure does not keep the others from theirs.
 */
export async function applySendingPolicies(
  imapAccounts: () => Promise<readonly string[]>,
  fixed: (accountId: string) => Promise<SendingPolicy | null>,
  ask: (request: { type: 'sending.state'; accountId: string }) => Promise<BackgroundResponse>,
  warn: (message: string) => void,
): Promise<void> {
  for (const accountId of await imapAccounts()) {
    if ((await fixed(accountId)) === null) continue;
    const response = await ask({ type: 'sending.state', accountId });
    if (!response.ok) warn(`XEXEC policy: sending not applied to account ${accountId}: ${response.error.message}`);
  }
}
