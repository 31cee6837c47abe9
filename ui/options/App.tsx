/**
 * The settings tab: the IMAP accounts and what each one's server offers, the chosen account's
 * panels, and the add-on's Advanced settings. Each account's discovery runs once at start
 * (the background caches it); an account's view is kept once shown, so switching accounts
 * loses nothing typed.
 */

import { useCallback, useEffect, useState } from 'preact/hooks';
import { DEFAULT_POLICY, type EffectivePolicy } from '../../src/messages/policy.js';
import { userError } from '../../src/messages/errors.js';
import { ask } from '../shared/api.js';
import { t } from '../shared/i18n.js';
import { LoadFailed, Loading } from '../shared/LoadFailed.js';
import { listImapAccounts, type ImapAccount } from '../shared/platform.js';
import { useStoredSetting } from '../shared/useStoredSetting.js';
import { AccountPicker } from './AccountPicker.js';
import { AccountView } from './AccountView.js';
import { Advanced } from './Advanced.js';
import type { Discovery } from './discovery.js';

type Accounts = { state: 'loading' } | { state: 'ready'; accounts: ImapAccount[] } | { state: 'failed'; message: string };

/** `?account=<id>` opens that account (for links and tests), `&panel=<key>` one of its panels. */
function requested(name: 'account' | 'panel'): string | null {
  try {
    return new URLSearchParams(globalThis.location?.search ?? '').get(name);
  } catch {
    return null;
  }
}
const requestedAccount = () => requested('account');

export function App() {
  const [accounts, setAccounts] = useState<Accounts>({ state: 'loading' });
  const [discoveries, setDiscoveries] = useState<ReadonlyMap<string, Discovery>>(new Map());
  /** The administrator's policy per account (policy.get); the defaults when it cannot be read. */
  const [policies, setPolicies] = useState<ReadonlyMap<string, EffectivePolicy>>(new Map());
  const [selected, setSelected] = useState<string | null>(null);
  const [chosenByUser, setChosenByUser] = useState(false);
  const [visited, setVisited] = useState<readonly string[]>([]);
  /** The raw console is shown (off by default: it is for administrators). */
  const [consoleEnabled, chooseConsole] = useStoredSetting('consoleEnabled', (stored) => stored === true, false);

  const discover = useCallback((accountId: string, refresh: boolean) => {
    setDiscoveries((current) => new Map(current).set(accountId, { state: 'loading' }));
    void ask({ type: 'discover', accountId, refresh }).then((response) => {
      const discovery: Discovery = response.ok
        ? { state: 'ready', modules: response.value.modules }
        : { state: 'failed', error: response.error };
      setDiscoveries((current) => new Map(current).set(accountId, discovery));
    });
  }, []);

  const loadAccounts = useCallback(() => {
    setAccounts({ state: 'loading' });
    listImapAccounts().then(
      (list) => {
        setAccounts({ state: 'ready', accounts: list });
        const wanted = requestedAccount();
        const initial = list.find((account) => account.id === wanted) ?? list[0];
        if (initial !== undefined) {
          setSelected(initial.id);
          if (wanted === initial.id) setChosenByUser(true);
        }
        for (const account of list) {
          discover(account.id, false);
          void ask({ type: 'policy.get', accountId: account.id }).then((response) => {
            setPolicies((current) => new Map(current).set(account.id, response.ok ? response.value : DEFAULT_POLICY));
          });
        }
      },
      (e: unknown) => setAccounts({ state: 'failed', message: t('accountsFailed', [e instanceof Error ? e.message : String(e)]) }),
    );
  }, [discover]);

  useEffect(() => {
    loadAccounts();
  }, [loadAccounts]);

  // Until the user picks one, show the first account whose server offers something.
  useEffect(() => {
    if (chosenByUser || accounts.state !== 'ready' || selected === null) return;
    const current = discoveries.get(selected);
    if (current?.state === 'ready' && current.modules.length > 0) return;
    const better = accounts.accounts.find((account) => {
      const d = discoveries.get(account.id);
      return d?.state === 'ready' && d.modules.length > 0;
    });
    if (better !== undefined && better.id !== selected) setSelected(better.id);
  }, [accounts, discoveries, selected, chosenByUser]);

  useEffect(() => {
    if (selected !== null && !visited.includes(selected)) setVisited([...visited, selected]);
  }, [selected, visited]);

  // Locked when the administrator locked it for every account (a server entry may allow it).
  const consoleLocked = accounts.state === 'ready' && accounts.accounts.length > 0
    && accounts.accounts.every((account) => policies.get(account.id)?.consoleDisabled === true);

  let content;
  if (accounts.state === 'loading') {
    content = <Loading />;
  } else if (accounts.state === 'failed') {
    content = <LoadFailed error={userError('internal', accounts.message)} onRetry={loadAccounts} />;
  } else if (accounts.accounts.length === 0) {
    content = <p class="notice">{t('optionsNoAccounts')}</p>;
  } else {
    const list = accounts.accounts;
    content = (
      <div class="layout">
        <AccountPicker
          accounts={list}
          discoveries={discoveries}
          selected={selected}
          onSelect={(accountId) => {
            setChosenByUser(true);
            setSelected(accountId);
          }}
        />
        <div class="accounts">
          {list
            .filter((account) => visited.includes(account.id) || account.id === selected)
            .map((account) => (
              <div key={account.id} hidden={account.id !== selected}>
                <AccountView
                  account={account}
                  discovery={discoveries.get(account.id) ?? { state: 'loading' }}
                  policy={policies.get(account.id) ?? null}
                  consoleEnabled={consoleEnabled}
                  onRediscover={() => discover(account.id, true)}
                  initialPanel={account.id === requestedAccount() ? requested('panel') : null}
                />
              </div>
            ))}
        </div>
      </div>
    );
  }

  return (
    <>
      <header class="page-header">
        <h1>{t('optionsTitle')}</h1>
        <p class="panel-intro">{t('optionsIntro')}</p>
      </header>
      <main>{content}</main>
      <footer>
        <Advanced consoleEnabled={consoleEnabled} onConsoleChange={chooseConsole} consoleLocked={consoleLocked} />
      </footer>
    </>
  );
}
