/**
 * The trusted contacts (PROTOCOL.md §6.5, §6.6): one list on the server that the spam and the
 * alerts modules share and both replace with `contacts set` / `contacts clear`. One builder, so
 * both panels send the same normal form and refuse the same oversized list before sending.
 */

import { commandLineBytes, MAX_LINE_BYTES } from '../protocol/line-size.js';
import { err, ok, type Result } from '../protocol/result.js';
import { normalizeAddress, type EntryProblem } from './address.js';

/** `contacts set` must fit in one IMAP line, as vacation's `only` (line-size.ts). */
export const MAX_CONTACTS_BYTES = MAX_LINE_BYTES;

/** Why a list cannot be sent; each module turns it into its own input error. */
export type ContactsProblem =
  | { readonly kind: 'invalid-address'; readonly index: number; readonly value: string; readonly problem: EntryProblem }
  | { readonly kind: 'too-long'; readonly count: number };

/** The modules sort bytewise (LC_ALL=C sort -u); addresses are ASCII, so code units agree. */
const bytewise = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);


/**
 * The arguments that make the server's list exactly these addresses: `contacts set` with each
 * address checked (one bad one changes nothing, as in the module), in normal form, sorted and
 * unique; `contacts clear` for none, since `set` needs an address.
 */
export function contactsArgs(addresses: readonly string[]): Result<string[], ContactsProblem> {
  const normal = new Set<string>();
  for (const [index, raw] of addresses.entries()) {
    const address = normalizeAddress(raw);
    if (!address.ok) return err({ kind: 'invalid-address', index, value: raw, problem: address.error });
    normal.add(address.value);
  }
  if (normal.size === 0) return ok(['contacts', 'clear']);
  const args = ['contacts', 'set', ...[...normal].sort(bytewise)];
  if (commandLineBytes(args) > MAX_CONTACTS_BYTES) return err({ kind: 'too-long', count: normal.size });
  return ok(args);
}
