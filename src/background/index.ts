/**
 * The background script: answers the settings pages' requests (src/messages/messages.ts) through the
 * router. Everything Thunderbird-specific is wired here and nowhere else.
 */

import browser from 'webextension-polyfill';
import type { XexecExperimentApi } from '../../experiments/xexec/api.js';
import type { XexecFiltersApi } from '../../experiments/xexec/filters-api.js';
import type { XexecOutgoingApi } from '../../experiments/xexec/outgoing-api.js';
import { t } from '../messages/i18n.js';
import { registerEntryPoints, type FolderPaneClick } from './entry-points.js';
import { KeepAlive } from './keepalive.js';
import { createPolicySource, type ManagedStorageArea } from './policy.js';
import { startReminder } from './reminder.js';
import { createRouter } from './router.js';
import { applySendingPolicies } from './sending.js';
import { startSenderActions } from './sender-wiring.js';

/** The experiment API; the polyfill knows only the standard namespaces. */
const messenger = (globalThis as unknown as { messenger: { xexec: XexecExperimentApi; xexecFilters: XexecFiltersApi; xexecOutgoing: XexecOutgoingApi } }).messenger;

/** An account's folders, depth first as Thunderbird's folder pane shows them (the rules panel's choice). */
interface FolderNode { readonly path: string; readonly subFolders?: readonly FolderNode[] }
const accountsApi = (globalThis as unknown as { messenger: { accounts: {
  get(accountId: string, includeSubFolders: boolean): Promise<{ rootFolder?: FolderNode } | null>;
  list(includeSubFolders: boolean): Promise<{ id: string; type: string }[]>;
} } }).messenger.accounts;
async function folderPaths(accountId: string): Promise<string[]> {
  const out: string[] = [];
  const walk = (node: FolderNode) => {
    out.push(node.path);
    for (const child of node.subFolders ?? []) walk(child);
  };
  const root = (await accountsApi.get(accountId, true))?.rootFolder;
  if (root !== undefined) walk(root);
  return out;
}

const keepAlive = new KeepAlive(() => browser.runtime.getPlatformInfo());

/** The administrator's policy: storage.managed (policies.json "3rdparty"), read on first use. */
const managed = (browser.storage as { managed?: ManagedStorageArea } | undefined)?.managed;
const policy = createPolicySource(managed, (accountId) => messenger.xexec.getServerHost(accountId), (m) => console.warn(m));

/** Manifest V3 contacts carry a vCard only; remote (LDAP) books cannot be listed whole. */
const addressBooks = (globalThis as unknown as { messenger: { addressBooks: {
  list(complete?: boolean): Promise<{ id: string; name: string; remote?: boolean }[]>;
  contacts: { list(parentId: string): Promise<{ vCard?: string }[]> };
} } }).messenger.addressBooks;
async function readContacts(books?: readonly string[]): Promise<string[]> {
  const vCards: string[] = [];
  for (const book of await addressBooks.list(false)) {
    if (book.remote === true || (books !== undefined && !books.includes(book.id))) continue;
    for (const contact of await addressBooks.contacts.list(book.id)) if (typeof contact.vCard === 'string') vCards.push(contact.vCard);
  }
  return vCards;
}

/** false while Thunderbird works offline: the policy's Sending "on" then waits. */
const online = () => globalThis.navigator?.onLine !== false;

// The "automatic reply is on" reminder asks through the router, which tells it every change.
const reminder = startReminder((request) => router.handle(request), t);

const router = createRouter({
  xexec: messenger.xexec,
  outgoing: messenger.xexecOutgoing,
  translate: t,
  keepAlive: (work) => keepAlive.during(work),
  policy,
  readContacts,
  listBooks: () => addressBooks.list(false),
  folderPaths,
  filters: messenger.xexecFilters,
  onVacationChange: (accountId, state) => reminder.changed(accountId, state),
  online,
});

// The administrator's `sending` (docs/ADMIN.md), applied at every start of the background and
// when Thunderbird is back online; the router's sending.state does it for one account.
const applySending = () => {
  applySendingPolicies(
    async () => (await accountsApi.list(false)).filter((a) => a.type === 'imap').map((a) => a.id),
    async (accountId) => (await policy(accountId)).sending,
    (request) => router.handle(request),
    (m) => console.warn(m),
  ).catch((e: unknown) => console.warn('XEXEC policy: sending:', e instanceof Error ? e.message : String(e)));
};
applySending();
globalThis.addEventListener?.('online', applySending);

// Block or allow a sender from the message list and the message header (issue 11).
const senderActions = startSenderActions((request) => router.handle(request));

// Registered synchronously at the top level, so that a message wakes a suspended background.
browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => {
  // Only the add-on's own pages talk to the background.
  if (sender.id !== browser.runtime.id) return undefined;
  return senderActions.handle(message) ?? router.handle(message);
});

// The toolbar button and the folder pane's "Mail server settings…" open the settings tab.
const menus = (browser as unknown as { menus: {
  removeAll(): Promise<void>;
  create(item: { id: string; title: string; contexts: string[] }): unknown;
  onClicked: { addListener(listener: (info: FolderPaneClick) => void): void };
} }).menus;
registerEntryPoints({
  onActionClicked: (listener) => browser.action.onClicked.addListener(listener),
  createMenu: async (item) => {
    await menus.removeAll();
    menus.create(item);
  },
  onMenuClicked: (listener) => menus.onClicked.addListener(listener),
  openTab: (url) => browser.tabs.create({ url }),
  getURL: (path) => browser.runtime.getURL(path),
  menuTitle: t('menuServerSettings'),
}).then(senderActions.createMenus, (e: unknown) => console.warn('menus:', e));
