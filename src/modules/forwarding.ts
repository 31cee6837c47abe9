/** `forwardmail` (PROTOCOL.md §6.3). */

import type { XexecRequest } from '../protocol/command.js';
import type { XexecReply } from '../protocol/data-line.js';
import { err, ok, type Result } from '../protocol/result.js';
import { ENTRY_PROBLEM_TEXT, normalizeAddress, type EntryProblem } from './address.js';
import { badValue, missingKey, readState, type ReplyError } from './reply.js';

export const FORWARDMAIL = 'forwardmail';

/** An address is kept while forwarding is off, so turning it on again needs no retyping. */
export type ForwardState =
  | { readonly status: 'on'; readonly address: string; readonly keepCopy: boolean }
  | { readonly status: 'off'; readonly address: string | null; readonly keepCopy: boolean };

export interface AddressInputError {
  readonly kind: 'invalid-address';
  readonly value: string;
  readonly problem: EntryProblem;
  readonly message: string;
}

export function forwardShowRequest(module: string = FORWARDMAIL): XexecRequest {
  return { module, args: ['show'] };
}

export function forwardOffRequest(module: string = FORWARDMAIL): XexecRequest {
  return { module, args: ['off'] };
}

export function forwardSetRequest(address: string, keepCopy: boolean, module: string = FORWARDMAIL): Result<XexecRequest, AddressInputError> {
  const normalized = normalizeAddress(address);
  if (!normalized.ok) {
    return err({
      kind: 'invalid-address',
      value: address,
      problem: normalized.error,
      message: `${JSON.stringify(address)} ${ENTRY_PROBLEM_TEXT[normalized.error]}`,
    });
  }
  return ok({ module, args: keepCopy ? ['set', normalized.value, 'keep'] : ['set', normalized.value] });
}

const KEYS: ReadonlySet<string> = new Set(['status', 'address', 'keepcopy']);

/** The reply to show, set and off alike. */
export function parseForwardState(reply: XexecReply, module: string = FORWARDMAIL): Result<ForwardState, ReplyError> {
  const state = readState(reply, module, KEYS, KEYS);
  if (!state.ok) return state;
  const { values } = state.value;

  const status = values.get('status');
  if (status === undefined) return missingKey('status');
  if (status.value !== 'on' && status.value !== 'off') return badValue(status, 'is not on or off');

  const keep = values.get('keepcopy');
  if (keep === undefined) return missingKey('keepcopy');
  if (keep.value !== 'yes' && keep.value !== 'no') return badValue(keep, 'is not yes or no');
  const keepCopy = keep.value === 'yes';

  const addressLine = values.get('address');
  let address: string | null = null;
  if (addressLine !== undefined) {
    const normalized = normalizeAddress(addressLine.value);
    if (!normalized.ok) return badValue(addressLine, ENTRY_PROBLEM_TEXT[normalized.error]);
    address = normalized.value;
  }
  if (status.value === 'off') return ok({ status: 'off', address, keepCopy });
  if (address === null) return missingKey('address');
  return ok({ status: 'on', address, keepCopy });
}
