/**
 * The Sending panel's messages (issue 15): whether the account's identities send through its
 * IMAP connection, and the switch. The experiment (xexecOutgoing) makes or removes the
 * outgoing server of type xexec and remembers each identity's previous server.
 */

import type { SendingState, XexecOutgoingApi } from '../../experiments/xexec/outgoing-api.js';
import { userError, type Translate, type UserError } from '../messages/errors.js';
import { SUBMIT } from '../modules/submit.js';
import { sameModule } from '../protocol/module-name.js';
import { err, ok, type Result } from '../protocol/result.js';

function unavailable(t: Translate): { ok: false; error: UserError } {
  return err(userError('internal', t('sendingUnavailable')));
}

export async function sendingState(outgoing: XexecOutgoingApi | undefined, t: Translate, accountId: string): Promise<Result<SendingState, UserError>> {
  if (outgoing === undefined) return unavailable(t);
  return ok(await outgoing.state(accountId));
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
