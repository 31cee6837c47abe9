/**
 * "Reply only to my contacts" (issue 9): the primary e-mail address of every contact in the
 * user's local address books, read from the contacts' vCards (Manifest V3 contacts carry
 * only a vCard). The pages cannot read address books themselves; they ask the background.
 */

import { normalizeAddress } from '../modules/address.js';

export interface ContactAddresses {
  /** Valid addresses in normal form, sorted and unique. */
  readonly addresses: string[];
  /** Contacts with an e-mail address the module would refuse (kept out, counted for the user). */
  readonly skipped: number;
}

const EMAIL = /^(?:[A-Za-z0-9-]+\.)?EMAIL((?:;[^:]*)?):(.*)$/i;

/** The value of a vCard property: backslash escapes (`\,`, `\;`, `\\`) read back. */
function unescapeValue(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

/** Lower is preferred: vCard 4 `PREF=1..100`, vCard 3 `TYPE=pref`; none comes last. */
function preference(params: string): number {
  const pref = /;PREF=(\d+)/i.exec(params);
  if (pref) return Number(pref[1]);
  return /;TYPE=(?:[^;:]*,)?"?pref\b/i.test(params) ? 1 : Number.POSITIVE_INFINITY;
}

/** The contact's primary address, as Thunderbird shows it first: the preferred EMAIL, else the first. */
export function primaryEmail(vCard: string): string | null {
  // Unfold continuation lines (RFC 6350 §3.2) before reading properties.
  const lines = vCard.replace(/\r?\n[ \t]/g, '').split(/\r?\n/);
  let best: { value: string; pref: number } | null = null;
  for (const line of lines) {
    const m = EMAIL.exec(line);
    if (!m) continue;
    const value = unescapeValue(m[2] ?? '').trim();
    if (value === '') continue;
    const pref = preference(m[1] ?? '');
    if (best === null || pref < best.pref) best = { value, pref };
  }
  return best?.value ?? null;
}

/** The primary addresses of these contacts, checked as the module will check them. */
export function contactAddresses(vCards: readonly string[]): ContactAddresses {
  const found = new Set<string>();
  let skipped = 0;
  for (const vCard of vCards) {
    const email = primaryEmail(vCard);
    if (email === null) continue;
    const address = normalizeAddress(email);
    if (address.ok) found.add(address.value);
    else skipped++;
  }
  return { addresses: [...found].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), skipped };
}

/** An address book as `addressBooks.list` gives it (the fields used here). */
export interface AddressBookNode {
  readonly id: string;
  readonly name: string;
  readonly remote?: boolean;
}

/**
 * The books a user can choose from for "trust my contacts": local ones only, since a remote
 * (LDAP) book cannot be listed whole; sorted by name in the user's language.
 */
export function localBooks(books: readonly AddressBookNode[], language?: string): { id: string; name: string }[] {
  const collator = new Intl.Collator(language);
  return books.filter((b) => b.remote !== true).map((b) => ({ id: b.id, name: b.name })).sort((a, b) => collator.compare(a.name, b.name));
}
