/**
 * The entry grammar of PROTOCOL.md §6.1, checked before anything is sent so the user learns
 * which entry is wrong without a round trip, and with the same verdict the module gives.
 */

import { err, ok, type Result } from '../protocol/result.js';

export type EntryProblem = 'empty' | 'too-long' | 'missing-at' | 'local-part' | 'domain';

const LOCAL_CHAR = "A-Za-z0-9!#$%&'*+\\-/=^_`{|}~.";
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const ENTRY = new RegExp(`^(?:[${LOCAL_CHAR}]{1,64})?@${LABEL}(?:\\.${LABEL})+$`);
const LOCAL_PART = new RegExp(`^[${LOCAL_CHAR}]{1,64}$`);
const DOMAIN = new RegExp(`^${LABEL}(?:\\.${LABEL})+$`);
/** Entries already in normal form (lower case, trimmed), one per line, checked in one native search. */
const LOWER_LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const NORMAL_ENTRY = `(?=[^\\n]{1,254}(?![^\\n]))(?:[${LOCAL_CHAR.replace('A-Z', '')}]{1,64})?@${LOWER_LABEL}(?:\\.${LOWER_LABEL})+`;
const NORMAL_ENTRIES = new RegExp(`^${NORMAL_ENTRY}(?:\\n${NORMAL_ENTRY})*$`);
const MAX_ENTRY_BYTES = 254;

// The blanks the module trims (space, tab, CR, LF). A non-ASCII space such as U+00A0 must
// make the entry invalid here too, rather than vanish on one side only.
const EDGE_WHITESPACE = /^[ \t\r\n]+|[ \t\r\n]+$/g;

export function trimEntry(raw: string): string {
  return raw.replace(EDGE_WHITESPACE, '');
}

function diagnose(entry: string, requireLocal: boolean): EntryProblem {
  if (entry === '') return 'empty';
  if (entry.length > MAX_ENTRY_BYTES) return 'too-long';
  const at = entry.lastIndexOf('@');
  if (at < 0) return 'missing-at';
  const local = entry.slice(0, at);
  if ((local !== '' || requireLocal) && !LOCAL_PART.test(local)) return 'local-part';
  return DOMAIN.test(entry.slice(at + 1)) ? 'local-part' : 'domain';
}

export const ENTRY_PROBLEM_TEXT: Readonly<Record<EntryProblem, string>> = {
  'empty': 'is empty',
  'too-long': 'is longer than 254 bytes',
  'missing-at': 'has no @',
  'local-part': 'has an invalid part before the @',
  'domain': 'has an invalid domain',
};

/**
 * Validates and normalises a block/allow list entry: `local@domain` or `@domain`, trimmed and
 * lower-cased. Validation comes before lower-casing because String#toLowerCase maps some
 * non-ASCII letters (the Kelvin sign) to ASCII ones the module would never accept.
 */
export function normalizeEntry(raw: string): Result<string, EntryProblem> {
  const entry = trimEntry(raw);
  // ENTRY admits only ASCII, so the length in chars is the length in bytes.
  if (entry.length > MAX_ENTRY_BYTES || !ENTRY.test(entry)) return err(diagnose(entry, false));
  return ok(entry.toLowerCase());
}

/**
 * Whether every line is an entry that normalizeEntry would return unchanged, decided by one
 * regular expression over the joined lines instead of one call per line: Debian's Thunderbird
 * runs add-on code without a JIT, where 100,000 calls cost far more than one native search. A
 * line of bytes joins as digits and commas, never an entry, so it sends the caller to the slow
 * path too.
 */
export function allNormalEntries(lines: readonly (string | Uint8Array)[]): boolean {
  return lines.length > 0 && NORMAL_ENTRIES.test(lines.join('\n'));
}

/**
 * A full address (forwarding target): the entry grammar with a local part required,
 * trimmed and lower-cased like list entries, as the forwardmail module stores it.
 */
export function normalizeAddress(raw: string): Result<string, EntryProblem> {
  const address = trimEntry(raw);
  if (address.length > MAX_ENTRY_BYTES || address.startsWith('@') || !ENTRY.test(address)) {
    return err(diagnose(address, true));
  }
  return ok(address.toLowerCase());
}
