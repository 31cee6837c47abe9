/**
 * The IMAP accounts, one radio button each, with what its server offers under the name: the
 * modules, that it has none, or why it cannot be asked.
 */

import { useId } from 'preact/hooks';
import { t } from '../shared/i18n.js';
import type { ImapAccount } from '../shared/platform.js';
import { moduleLabel, showsEmail, type Discovery } from './discovery.js';

export interface AccountPickerProps {
  readonly accounts: readonly ImapAccount[];
  readonly discoveries: ReadonlyMap<string, Discovery>;
  readonly selected: string | null;
  readonly onSelect: (accountId: string) => void;
}

export function discoverySummary(discovery: Discovery | undefined): string {
  if (discovery === undefined || discovery.state === 'loading') return t('optionsLoading');
  if (discovery.state === 'failed') return discovery.error.message;
  if (discovery.modules.length === 0) return t('optionsNoModules');
  return t('optionsModules', [discovery.modules.map(moduleLabel).join(', ')]);
}

export function AccountPicker({ accounts, discoveries, selected, onSelect }: AccountPickerProps) {
  const id = useId();
  return (
    <fieldset class="account-picker">
      <legend>{t('accountPickerLegend')}</legend>
      {accounts.map((account) => {
        const discovery = discoveries.get(account.id);
        const state = discovery?.state ?? 'loading';
        const offered = discovery?.state === 'ready' && discovery.modules.length > 0;
        return (
          <div key={account.id} class={`account-choice account-${state}${offered ? ' offered' : ''}`} data-account={account.id}>
            <input
              type="radio"
              name={`${id}-account`}
              id={`${id}-${account.id}`}
              value={account.id}
              checked={selected === account.id}
              aria-describedby={`${id}-${account.id}-status`}
              onChange={() => onSelect(account.id)}
            />
            <label for={`${id}-${account.id}`}>
              <span class="account-name">{account.name}</span>
              {!showsEmail(account.name, account.email) && <span class="account-email">{account.email}</span>}
            </label>
            <p id={`${id}-${account.id}-status`} class={state === 'failed' ? 'account-status error-text' : 'account-status'}>
              {state === 'loading' && <span class="spinner" aria-hidden="true" />}
              {discoverySummary(discovery)}
            </p>
          </div>
        );
      })}
    </fieldset>
  );
}
