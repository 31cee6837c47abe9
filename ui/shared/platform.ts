/**
 * What the settings page needs from Thunderbird besides the background: its IMAP accounts.
 * (The add-on's own settings are useStoredSetting's.)
 */

export interface ImapAccount {
  readonly id: string;
  readonly name: string;
  /** The default identity's address, to tell accounts apart and to preview replies. */
  readonly email: string | null;
}

interface MailAccount {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly identities?: readonly { readonly email?: string }[];
}

/** Thunderbird's accounts API; the polyfill knows only the standard namespaces. */
function accountsApi(): { list(includeSubFolders: boolean): Promise<MailAccount[]> } {
  return (globalThis as unknown as { messenger: { accounts: { list(includeSubFolders: boolean): Promise<MailAccount[]> } } }).messenger.accounts;
}

export async function listImapAccounts(): Promise<ImapAccount[]> {
  const all = await accountsApi().list(false);
  return all
    .filter((account) => account.type === 'imap')
    .map((account) => ({ id: account.id, name: account.name, email: account.identities?.[0]?.email ?? null }));
}
