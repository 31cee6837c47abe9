/**
 * The settings page. For now a placeholder: it lists the IMAP accounts and what each one's
 * server offers, through the background's message API. The panels (lists, password,
 * forwarding, vacation, console) come later.
 */

import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { callBackground } from '../../src/background/client.js';
import type { BackgroundResponse } from '../../src/background/messages.js';

interface MailAccount {
  readonly id: string;
  readonly name: string;
  readonly type: string;
}

/** Thunderbird's accounts API; the polyfill knows only the standard namespaces. */
const messenger = (globalThis as unknown as { messenger: { accounts: { list(includeSubFolders: boolean): Promise<MailAccount[]> } } }).messenger;

const msg = (key: string, substitutions?: string[]) => browser.i18n.getMessage(key, substitutions);

function Account({ account }: { account: MailAccount }) {
  const [answer, setAnswer] = useState<BackgroundResponse<'discover'> | null>(null);
  useEffect(() => {
    void callBackground({ type: 'discover', accountId: account.id }).then(setAnswer);
  }, [account.id]);
  let status: string;
  if (answer === null) status = msg('optionsLoading');
  else if (!answer.ok) status = answer.error.message;
  else if (answer.value.modules.length === 0) status = msg('optionsNoModules');
  else status = msg('optionsModules', [answer.value.modules.join(', ')]);
  return (
    <section class="account" data-account={account.id}>
      <h2>{account.name}</h2>
      <p class={answer !== null && !answer.ok ? 'error' : undefined}>{status}</p>
    </section>
  );
}

function Options() {
  const [accounts, setAccounts] = useState<MailAccount[] | null>(null);
  useEffect(() => {
    void messenger.accounts.list(false).then((all) => setAccounts(all.filter((a) => a.type === 'imap')));
  }, []);
  return (
    <>
      <h1>{msg('optionsTitle')}</h1>
      <p>{msg('optionsPlaceholder')}</p>
      {accounts !== null && accounts.length === 0 && <p>{msg('optionsNoAccounts')}</p>}
      {accounts?.map((account) => <Account key={account.id} account={account} />)}
    </>
  );
}

document.title = msg('optionsTitle');
const root = document.getElementById('app');
if (root) render(<Options />, root);
