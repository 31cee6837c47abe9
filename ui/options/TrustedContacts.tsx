/**
 * "Trust my contacts" (PROTOCOL.md §6.5): the user chooses address books; their contacts'
 * addresses replace the trusted contacts on the server, which pass every filter like the
 * whitelist. The server's count is shown; Show lists them, Remove all clears them. Invalid
 * addresses are left out and counted.
 */

import { useEffect, useId, useState } from 'preact/hooks';
import { splitEntries, type AddressBookInfo } from '../../src/messages/messages.js';
import type { SpamState } from '../../src/modules/spam.js';
import { ActionButton } from '../shared/ActionButton.js';
import { ask } from '../shared/api.js';
import { formatNumber, t } from '../shared/i18n.js';
import { errorStatus, type StatusState } from '../shared/Status.js';
import { useAction } from '../shared/useAction.js';

export interface TrustedContactsProps {
  readonly accountId: string;
  readonly count: number;
  /** Every contacts change answers the whole state. */
  readonly onState: (state: SpamState) => void;
  /** The panel's one live region (so the panel has one place that says what happened). */
  readonly setStatus: (status: StatusState | null) => void;
}

type Books = { readonly state: 'loading' } | { readonly state: 'ready'; readonly books: readonly AddressBookInfo[] } | { readonly state: 'failed'; readonly message: string };

export function TrustedContacts({ accountId, count, onState, setStatus }: TrustedContactsProps) {
  const id = useId();
  const [books, setBooks] = useState<Books>({ state: 'loading' });
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [listed, setListed] = useState<readonly string[] | null>(null);
  const action = useAction<'trust' | 'show' | 'clear'>();

  useEffect(() => {
    let live = true;
    void ask({ type: 'contacts.books' }).then((r) => {
      if (live) setBooks(r.ok ? { state: 'ready', books: r.value.books } : { state: 'failed', message: r.error.message });
    });
    return () => {
      live = false;
    };
  }, []);

  async function trust() {
    await action.run('trust', async () => {
      setStatus({ kind: 'busy', text: t('spamContactsSending') });
      const found = await ask({ type: 'contacts.addresses', books: [...chosen] });
      if (!found.ok) {
        setStatus(errorStatus(found.error, () => void trust()));
        return;
      }
      const addresses = splitEntries(found.value.addresses);
      const skipped = found.value.skipped > 0 ? ` ${t('spamContactsSkipped', [formatNumber(found.value.skipped)])}` : '';
      if (addresses.length === 0) {
        setStatus({ kind: 'warning', text: t('spamContactsNoneFound') + skipped });
        return;
      }
      const response = await ask({ type: 'spam.contacts.set', accountId, addresses });
      if (!response.ok) {
        setStatus(errorStatus(response.error, () => void trust()));
        return;
      }
      onState(response.value);
      setListed(null);
      setStatus({ kind: 'success', text: t('spamContactsStored', [formatNumber(response.value.contacts)]) + skipped });
    });
  }

  async function show() {
    await action.run('show', async () => {
      setStatus({ kind: 'busy', text: t('spamContactsLoading') });
      const response = await ask({ type: 'spam.contacts.list', accountId });
      if (!response.ok) {
        setStatus(errorStatus(response.error, () => void show()));
        return;
      }
      const addresses = splitEntries(response.value.addresses);
      setListed(addresses);
      setStatus({ kind: 'info', text: t('spamContactsShown', [formatNumber(addresses.length)]) });
    });
  }

  async function clear() {
    await action.run('clear', async () => {
      setStatus({ kind: 'busy', text: t('spamContactsClearing') });
      const response = await ask({ type: 'spam.contacts.clear', accountId });
      if (!response.ok) {
        setStatus(errorStatus(response.error, () => void clear()));
        return;
      }
      onState(response.value);
      setListed(null);
      setStatus({ kind: 'success', text: t('spamContactsCleared') });
    });
  }

  const busy = action.busy;
  return (
    <section class="trusted-contacts" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>{t('spamContactsHeading')}</h3>
      <p class="hint">{t('spamContactsIntro')}</p>
      <p data-testid="spam-contacts-count">{count === 0 ? t('spamContactsCountNone') : t('spamContactsCount', [formatNumber(count)])}</p>
      <fieldset class="books">
        <legend>{t('spamContactsBooksLegend')}</legend>
        {books.state === 'loading' && <p class="hint">{t('uiLoading')}</p>}
        {books.state === 'failed' && <p class="field-error">{books.message}</p>}
        {books.state === 'ready' && books.books.length === 0 && <p class="hint">{t('spamContactsNoBooks')}</p>}
        {books.state === 'ready' && books.books.map((book) => (
          <label class="checkbox" key={book.id}>
            <input
              type="checkbox"
              value={book.id}
              checked={chosen.has(book.id)}
              onChange={(e) => {
                const next = new Set(chosen);
                if (e.currentTarget.checked) next.add(book.id);
                else next.delete(book.id);
                setChosen(next);
              }}
            />
            {book.name}
          </label>
        ))}
      </fieldset>
      <div class="buttons">
        <ActionButton busy={busy === 'trust'} blocked={busy !== null || chosen.size === 0} busyLabel={t('spamContactsSendBusy')} onClick={() => void trust()}>
          {t(count === 0 ? 'spamContactsTrust' : 'spamContactsRefresh')}
        </ActionButton>
        <ActionButton busy={busy === 'show'} blocked={busy !== null || count === 0} busyLabel={t('spamContactsLoading')} onClick={() => void show()}>
          {t('spamContactsShow')}
        </ActionButton>
        <ActionButton busy={busy === 'clear'} blocked={busy !== null || count === 0} busyLabel={t('spamContactsClearing')} onClick={() => void clear()}>
          {t('spamContactsClear')}
        </ActionButton>
      </div>
      {listed !== null && (
        <ul class="contact-list" aria-label={t('spamContactsListLabel')} data-testid="spam-contacts-list">
          {listed.map((address) => <li key={address}>{address}</li>)}
        </ul>
      )}
    </section>
  );
}
