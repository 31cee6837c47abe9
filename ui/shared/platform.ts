/**
 * What the settings page needs from Thunderbird besides the background: its IMAP accounts
 * and the add-on's own settings (storage.local).
 */

import browser from 'webextension-polyfill';

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

/** The add-on's settings, kept in storage.local. */
export interface UiSettings {
  /** Shows the raw console panel (off by default: it is for administrators). */
  readonly consoleEnabled: boolean;
}

export const DEFAULT_SETTINGS: UiSettings = { consoleEnabled: false };

export async function loadSettings(): Promise<UiSettings> {
  const stored = await browser.storage.local.get('consoleEnabled');
  return { consoleEnabled: stored.consoleEnabled === true };
}

export async function saveSettings(settings: Partial<UiSettings>): Promise<void> {
  await browser.storage.local.set({ ...settings });
}
