/**
 * Thunderbird's address books as the background answers `contacts.books` and
 * `contacts.addresses` (router.ts), for the panels that use the trusted-contacts picker.
 */

import type { AddressBookInfo, BackgroundRequest, BackgroundResponse } from '../../../src/messages/messages.js';

export class FakeAddressBooks {
  books: AddressBookInfo[] = [{ id: 'book1', name: 'Personal' }, { id: 'book2', name: 'Work' }];
  /** The valid addresses per book. */
  bookAddresses: Record<string, string[]> = { book1: ['ann@example.org', 'bob@example.org'], book2: ['carl@example.com'] };
  /** Contacts with an address the module would refuse, in every answer. */
  skipped = 1;

  /** The answer to an address-book request; null for any other request. */
  handle(r: BackgroundRequest): BackgroundResponse | null {
    if (r.type === 'contacts.books') return { ok: true, value: { books: [...this.books] } };
    if (r.type !== 'contacts.addresses') return null;
    // As readContacts: only books that exist are read.
    const ids = (r.books ?? this.books.map((b) => b.id)).filter((id) => this.books.some((b) => b.id === id));
    const addresses = ids.flatMap((id) => this.bookAddresses[id] ?? []);
    return { ok: true, value: { addresses: [...new Set(addresses)].sort().join('\n'), skipped: this.skipped } };
  }
}
