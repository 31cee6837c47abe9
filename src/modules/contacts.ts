/**
 * The trusted contacts (PROTOCOL.md §6.5, §6.6): one list on the server that the spam and the
 * alerts modules share and both replace with `contacts set` / `contacts clear`. One builder, so
 * both panels send the same normal form and refuse the same oversized list before sending.
 */

import { encodeArgument } from '../protocol/command.js';
import { err, ok, type Result } from '../protocol/result.js';
import { normalizeAddress, type EntryProblem } from './address.js';

/**
 * `contacts set` must fit in one IMAP line (servers cut near 64 kB), as vacation's `only`:
 * encoded arguments, `%` counted as Thunderbird's `%25`, plus the command's own words.
 */
export const MAX_CONTACTS_BYTES = 60_000;
/** Tag, `XEXEC`, the module's name and the line end: the words around the arguments. */
const LINE_OVERHEAD = 128;

/** Why a list cannot be sent; each module turns it into its own input error. */
export type ContactsProblem =
  | { readonly kind: 'invalid-address'; readonly index: number; readonly value: string; readonly problem: EntryProblem }
  | { readonly kind: 'too-long'; readonly count: number };

/** The modules sort bytewise (LC_ALL=C sort -u); addresses are ASCII, so code units agree. */
const bytewise = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The bytes these arguments take on the command line (what Thunderbird sends, not the string length). */
function lineBytes(args: readonly string[]): number {
  let bytes = LINE_OVERHEAD;
  for (const arg of args) {
    const encoded = encodeArgument(arg);
    const text = encoded.ok ? encoded.value : arg;
    bytes += 1 + text.length + 2 * (text.split('%').length - 1);
  }
  return bytes;
}

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
  if (lineBytes(args) > MAX_CONTACTS_BYTES) return err({ kind: 'too-long', count: normal.size });
  return ok(args);
}
