/**
 * "Trust my contacts" (PROTOCOL.md §6.5, §6.6), the one picker of the Spam and the Alerts panel:
 * the user chooses address books; their contacts' addresses replace the trusted contacts on the
 * server, one file both modules read (allow entries for spam, "from my contacts" for alerts).
 * Each panel talks to its own module, so a panel works when the administrator hid the other.
 * The chosen books are remembered per account (storage.local), so Refresh is one click; a book
 * that is gone by then is dropped from the choice and named. Show lists the addresses, each with
 * its own Remove; Remove all clears them. Invalid addresses are left out and counted.
 */

import { useEffect, useId, useRef, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import type { UserError } from '../../src/messages/errors.js';
import { splitEntries, type AddressBookInfo } from '../../src/messages/messages.js';
import type { AlertsState } from '../../src/modules/alerts.js';
import type { SpamState } from '../../src/modules/spam.js';
import { ActionButton } from '../shared/ActionButton.js';
import { ask } from '../shared/api.js';
import { formatNumber, t } from '../shared/i18n.js';
import { errorStatus, type StatusState } from '../shared/Status.js';
import { useAction } from '../shared/useAction.js';
import { useStoredSetting } from '../shared/useStoredSetting.js';

interface Common {
  readonly accountId: string;
  /** The panel's one live region (so the panel has one place that says what happened). */
  readonly setStatus: (status: StatusState | null) => void;
}

/** Which module's requests the picker uses; each answers its own state. */
export type TrustedContactsProps = Common & (
  /** Spam's state counts the stored contacts. */
  | { readonly module: 'spam'; readonly count: number; readonly onState: (state: SpamState) => void }
  /** Alerts' state does not: the count is known once the picker sent or listed them. */
  | { readonly module: 'alerts'; readonly onState: (state: AlertsState) => void }
);

/** A remembered book: its name too, to say which one is gone. */
export type BookChoice = AddressBookInfo;

/** Where the choice of an account is kept (one key for both panels: they share the server file). */
export const bookChoiceKey = (accountId: string) => `trustedBooks.${accountId}`;

/** The stored choice, whatever storage holds (an older or broken value is no choice). */
export function readBookChoice(stored: unknown): readonly BookChoice[] {
  if (!Array.isArray(stored)) return [];
  return stored
    .filter((b): b is BookChoice => typeof b === 'object' && b !== null && typeof (b as BookChoice).id === 'string' && typeof (b as BookChoice).name === 'string')
    .map(({ id, name }) => ({ id, name }));
}

/** The remembered books that still exist (under their current names) and those that do not. */
export function splitChoice(remembered: readonly BookChoice[], books: readonly AddressBookInfo[]): { present: BookChoice[]; gone: BookChoice[] } {
  const byId = new Map(books.map((b) => [b.id, b]));
  const present: BookChoice[] = [];
  const gone: BookChoice[] = [];
  for (const book of remembered) {
    const now = byId.get(book.id);
    if (now) present.push({ id: now.id, name: now.name });
    else gone.push(book);
  }
  return { present, gone };
}

type Books = { readonly state: 'loading' } | { readonly state: 'ready'; readonly books: readonly AddressBookInfo[] } | { readonly state: 'failed'; readonly message: string };
type Stored = { readonly ok: true; readonly count: number } | { readonly ok: false; readonly error: UserError };
type ActionName = 'trust' | 'refresh' | 'show' | 'clear' | 'remove';

export function TrustedContacts(props: TrustedContactsProps) {
  const { accountId, setStatus } = props;
  const id = useId();
  const [books, setBooks] = useState<Books>({ state: 'loading' });
  const [stored, remember] = useStoredSetting<readonly BookChoice[]>(bookChoiceKey(accountId), readBookChoice, []);
  /** The choice as storage holds it since it last changed: the other panel, kept mounted, may have changed it. */
  const [latest, setLatest] = useState<readonly BookChoice[] | null>(null);
  const remembered = latest ?? stored;
  /** null until the user ticks a box: the remembered books are shown ticked. */
  const [ticked, setTicked] = useState<ReadonlySet<string> | null>(null);
  const [listed, setListed] = useState<readonly string[] | null>(null);
  const [known, setKnown] = useState<number | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const action = useAction<ActionName>();
  const count = props.module === 'spam' ? props.count : known;

  useEffect(() => {
    let live = true;
    void ask({ type: 'contacts.books' }).then((r) => {
      if (live) setBooks(r.ok ? { state: 'ready', books: r.value.books } : { state: 'failed', message: r.error.message });
    });
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    const key = bookChoiceKey(accountId);
    const changed = (changes: Record<string, browser.Storage.StorageChange>, area: string) => {
      if (area === 'local' && key in changes) setLatest(readBookChoice(changes[key]?.newValue));
    };
    // (Absent only in the unit tests' fake browser.)
    browser.storage.onChanged?.addListener(changed);
    return () => browser.storage.onChanged?.removeListener(changed);
  }, [accountId]);

  const available = books.state === 'ready' ? books.books : [];
  const chosen = ticked ?? new Set(remembered.map((b) => b.id).filter((b) => available.some((a) => a.id === b)));

  /** Replaces the stored contacts with `addresses` (none: clears them) through the panel's module. */
  async function store(addresses: readonly string[]): Promise<Stored> {
    const p = props;
    if (p.module === 'spam') {
      const r = addresses.length === 0 ? await ask({ type: 'spam.contacts.clear', accountId }) : await ask({ type: 'spam.contacts.set', accountId, addresses });
      if (!r.ok) return r;
      p.onState(r.value);
      return { ok: true, count: r.value.contacts };
    }
    const r = await ask({ type: 'alerts.contacts.set', accountId, addresses });
    if (!r.ok) return r;
    p.onState(r.value);
    return { ok: true, count: addresses.length };
  }

  /** Reads these books and sends their addresses; `notes` go with the outcome. Stores the choice. */
  async function send(from: readonly BookChoice[], retry: () => void, notes: readonly string[] = []) {
    setStatus({ kind: 'busy', text: t('spamContactsSending') });
    const found = await ask({ type: 'contacts.addresses', books: from.map((b) => b.id) });
    if (!found.ok) {
      setStatus(errorStatus(found.error, retry));
      return;
    }
    const addresses = splitEntries(found.value.addresses);
    const skipped = found.value.skipped > 0 ? ` ${t('spamContactsSkipped', [formatNumber(found.value.skipped)])}` : '';
    if (addresses.length === 0) {
      setStatus({ kind: 'warning', text: t('spamContactsNoneFound') + skipped, details: notes });
      return;
    }
    const stored = await store(addresses);
    if (!stored.ok) {
      setStatus(errorStatus(stored.error, retry));
      return;
    }
    setKnown(stored.count);
    setListed((shown) => (shown === null ? null : addresses));
    const details = [...notes];
    await remember(from).catch((e: unknown) => details.push(t('trustedRememberFailed', [e instanceof Error ? e.message : String(e)])));
    setTicked(null);
    setStatus({ kind: 'success', text: t('spamContactsStored', [formatNumber(stored.count)]) + skipped, details });
  }

  async function trust() {
    await action.run('trust', () => send(available.filter((b) => chosen.has(b.id)), () => void trust()));
  }

  /** The remembered books again, as they are now: one that is gone is dropped and named. */
  async function refresh() {
    await action.run('refresh', async () => {
      setStatus({ kind: 'busy', text: t('trustedRefreshReading') });
      const current = await ask({ type: 'contacts.books' });
      if (!current.ok) {
        setStatus(errorStatus(current.error, () => void refresh()));
        return;
      }
      setBooks({ state: 'ready', books: current.value.books });
      // Read again: what storage holds now is the choice, whatever this page showed.
      const now = readBookChoice((await browser.storage.local.get(bookChoiceKey(accountId)))[bookChoiceKey(accountId)]);
      const { present, gone } = splitChoice(now, current.value.books);
      const names = gone.map((b) => b.name).join(', ');
      if (present.length === 0) {
        await remember([]).catch(() => undefined);
        setStatus({ kind: 'warning', text: t('trustedBooksAllGone', [names]) });
        return;
      }
      await send(present, () => void refresh(), gone.length > 0 ? [t('trustedBooksGone', [names])] : []);
    });
  }

  async function show() {
    await action.run('show', async () => {
      setStatus({ kind: 'busy', text: t('spamContactsLoading') });
      const response = await ask({ type: props.module === 'spam' ? 'spam.contacts.list' : 'alerts.contacts.list', accountId });
      if (!response.ok) {
        setStatus(errorStatus(response.error, () => void show()));
        return;
      }
      const addresses = splitEntries(response.value.addresses);
      setListed(addresses);
      setKnown(addresses.length);
      setStatus({ kind: 'info', text: t('spamContactsShown', [formatNumber(addresses.length)]) });
    });
  }

  async function clear() {
    await action.run('clear', async () => {
      setStatus({ kind: 'busy', text: t('spamContactsClearing') });
      const response = await store([]);
      if (!response.ok) {
        setStatus(errorStatus(response.error, () => void clear()));
        return;
      }
      setKnown(0);
      setListed(null);
      setStatus({ kind: 'success', text: t('spamContactsCleared') });
    });
  }

  /** The shown list without this address (the server's `set` replaces all of them). */
  async function remove(address: string) {
    if (listed === null) return;
    const index = listed.indexOf(address);
    const rest = listed.filter((a) => a !== address);
    setRemoving(address);
    await action.run('remove', async () => {
      setStatus({ kind: 'busy', text: t('trustedRemoving', [address]) });
      const response = await store(rest);
      if (!response.ok) {
        setStatus(errorStatus(response.error, () => void remove(address)));
        return;
      }
      setKnown(response.count);
      setListed(rest);
      setStatus({ kind: 'success', text: t('trustedRemoved', [address]) });
      // The focused button is gone: the next one takes the focus, else the heading.
      requestAnimationFrame(() => {
        const buttons = listRef.current?.querySelectorAll('button');
        const next = buttons?.[Math.min(index, buttons.length - 1)];
        (next ?? headingRef.current)?.focus();
      });
    });
    setRemoving(null);
  }

  const busy = action.busy;
  const rememberedHint = `${id}-remembered`;
  return (
    <section class="trusted-contacts" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`} ref={headingRef} tabIndex={-1}>{t('spamContactsHeading')}</h3>
      <p class="hint">{t(props.module === 'spam' ? 'spamContactsIntro' : 'trustedAlertsIntro')}</p>
      {count !== null && (
        <p data-testid="trusted-contacts-count">{count === 0 ? t('spamContactsCountNone') : t('spamContactsCount', [formatNumber(count)])}</p>
      )}
      <fieldset class="books">
        <legend>{t('spamContactsBooksLegend')}</legend>
        {books.state === 'loading' && <p class="hint">{t('uiLoading')}</p>}
        {books.state === 'failed' && <p class="field-error">{books.message}</p>}
        {books.state === 'ready' && books.books.length === 0 && <p class="hint">{t('spamContactsNoBooks')}</p>}
        {available.map((book) => (
          <label class="checkbox" key={book.id}>
            <input
              type="checkbox"
              value={book.id}
              checked={chosen.has(book.id)}
              onChange={(e) => {
                const next = new Set(chosen);
                if (e.currentTarget.checked) next.add(book.id);
                else next.delete(book.id);
                setTicked(next);
              }}
            />
            {book.name}
          </label>
        ))}
      </fieldset>
      {remembered.length > 0 && (
        <p id={rememberedHint} class="hint" data-testid="trusted-remembered">
          {t('trustedRemembered', [remembered.map((b) => b.name).join(', ')])}
        </p>
      )}
      <div class="buttons">
        <ActionButton busy={busy === 'trust'} blocked={busy !== null || chosen.size === 0} busyLabel={t('spamContactsSendBusy')} onClick={() => void trust()}>
          {t('spamContactsTrust')}
        </ActionButton>
        {remembered.length > 0 && (
          <ActionButton busy={busy === 'refresh'} blocked={busy !== null} busyLabel={t('spamContactsSendBusy')} describedBy={rememberedHint} onClick={() => void refresh()}>
            {t('trustedRefresh')}
          </ActionButton>
        )}
        <ActionButton busy={busy === 'show'} blocked={busy !== null || count === 0} busyLabel={t('spamContactsLoading')} onClick={() => void show()}>
          {t('spamContactsShow')}
        </ActionButton>
        <ActionButton busy={busy === 'clear'} blocked={busy !== null || count === 0} busyLabel={t('spamContactsClearing')} onClick={() => void clear()}>
          {t('spamContactsClear')}
        </ActionButton>
      </div>
      {listed !== null && (
        <ul class="contact-list" ref={listRef} aria-label={t('spamContactsListLabel')} data-testid="trusted-contacts-list">
          {listed.map((address) => (
            <li key={address}>
              <span class="contact-address">{address}</span>
              <ActionButton
                class="contact-remove"
                busy={busy === 'remove' && removing === address}
                blocked={busy !== null}
                busyLabel={t('trustedRemoveBusy')}
                ariaLabel={t('trustedRemoveLabel', [address])}
                onClick={() => void remove(address)}
              >
                {t('trustedRemove')}
              </ActionButton>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
