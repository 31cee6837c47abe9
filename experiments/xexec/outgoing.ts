/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

// Experiment API "xexecOutgoing" (outgoing.json): the outgoing server type
// "xexec" (outgoing-server.ts) and the switch that gives an account's
// identities such a server.
//
// Thunderbird makes every stored outgoing server from the contract
// @mozilla.org/messenger/outgoing/server;1?type=<mail.smtpserver.<key>.type>
// and throws for a type nobody registered, which breaks sending for every
// identity. So the factory is registered at start-up (manifest "events":
// ["startup"]), and when the add-on is disabled, removed or updated, and at
// app shutdown, its servers are deleted and each identity gets its previous
// server back before the factory goes. Start-up repairs what a crash left
// behind and turns the switch on again for the accounts that had it
// (extensions.xexec.sending.*).

import './outgoing-globals.js';
import { Ci, ChromeUtils, ExtensionCommon, ExtensionError, MailServices, Services, type ExtensionContext } from './chrome.js';
import { ACCOUNT_PREF, OUTGOING_TYPE, XexecOutgoingServer } from './outgoing-server.js';
import { Transport } from './transport.js';

const CONTRACT = `@mozilla.org/messenger/outgoing/server;1?type=${OUTGOING_TYPE}`;
const CLASS_ID = '{5d1f6c2e-8a47-4b0e-9c1d-7e3f2a9b6c41}';
/** extensions.xexec.sending.<accountKey> = the account's xexec server key: the switch is on. */
const WANTED = 'extensions.xexec.sending.';
/** extensions.xexec.sending-previous.<identityKey> = its outgoing server before the switch ("" = the default). */
const PREVIOUS = 'extensions.xexec.sending-previous.';
const TIMEOUT_PREF = 'extensions.xexec.timeout_ms';

interface Identity { readonly key: string; smtpServerKey: string }
interface OutgoingServerLike { readonly key: string; readonly type: string }
interface OutgoingService {
  readonly servers: OutgoingServerLike[];
  createServer(type: string): OutgoingServerLike;
  deleteServer(server: OutgoingServerLike): void;
  getServerByKey(key: string): OutgoingServerLike | undefined | null;
}
interface Prefs {
  getCharPref(name: string, fallback: string): string;
  setCharPref(name: string, value: string): void;
  getIntPref(name: string, fallback: number): number;
  clearUserPref(name: string): void;
  deleteBranch(name: string): void;
  getChildList(name: string): string[];
}
interface Registrar {
  registerFactory(cid: unknown, name: string, contract: string, factory: unknown): void;
  unregisterFactory(cid: unknown, factory: unknown): void;
}
interface ComponentsLike {
  readonly manager: { QueryInterface<T>(iid: unknown): T };
  ID(text: string): unknown;
}

const { Components } = globalThis as unknown as { Components: ComponentsLike };
const prefs = Services.prefs as unknown as Prefs;
const accounts = MailServices.accounts as unknown as {
  getAccount(key: string): { readonly key: string; readonly incomingServer: { readonly type: string; readonly prettyName: string } | null; readonly identities: Identity[] } | null;
  readonly allIdentities: Identity[];
};
const outgoing = (): OutgoingService => MailServices.outgoingServer as unknown as OutgoingService;

/** The keys of the stored outgoing servers of type xexec (read from prefs: no server object needed). */
function xexecKeys(): string[] {
  return prefs.getCharPref('mail.smtpservers', '').split(',').filter((key) => key !== '' && prefs.getCharPref(`mail.smtpserver.${key}.type`, '') === OUTGOING_TYPE);
}

function accountOf(serverKey: string): string {
  return prefs.getCharPref(`mail.smtpserver.${serverKey}.${ACCOUNT_PREF}`, '');
}

/** Gives every identity using `key` its previous server back and deletes the server. */
function removeServer(key: string): void {
  for (const identity of accounts.allIdentities) {
    if (identity.smtpServerKey !== key) continue;
    identity.smtpServerKey = prefs.getCharPref(PREVIOUS + identity.key, '');
    prefs.clearUserPref(PREVIOUS + identity.key);
  }
  const server = outgoing().getServerByKey(key);
  if (server) {
    outgoing().deleteServer(server);
  } else {
    prefs.setCharPref('mail.smtpservers', prefs.getCharPref('mail.smtpservers', '').split(',').filter((k) => k !== '' && k !== key).join(','));
  }
  prefs.deleteBranch(`mail.smtpserver.${key}.`);
  if (prefs.getCharPref('mail.smtp.defaultserver', '') === key) prefs.clearUserPref('mail.smtp.defaultserver');
}

function imapAccount(accountId: string) {
  const account = accounts.getAccount(accountId);
  if (!account || account.incomingServer?.type !== 'imap') throw new ExtensionError(`xexecOutgoing: "${accountId}" is not an IMAP account`);
  return account;
}

export interface SendingState {
  readonly enabled: boolean;
  /** The xexec outgoing server's key, "" when off. */
  readonly serverKey: string;
}

function state(accountId: string): SendingState {
  const key = xexecKeys().find((k) => accountOf(k) === accountId) ?? '';
  return { enabled: key !== '', serverKey: key };
}

/** Creates the account's xexec server (once) and gives it to each of its identities, remembering their previous one. */
function turnOn(accountId: string): SendingState {
  const account = imapAccount(accountId);
  let key = state(accountId).serverKey;
  if (key === '') {
    // 153's createServer adds the new server to the service's list without loading that list
    // first: at start-up the list would then hold only this one, and the SMTP servers would be
    // missing until Thunderbird restarts. Reading the list loads it.
    void outgoing().servers.length;
    key = outgoing().createServer(OUTGOING_TYPE).key;
    prefs.setCharPref(`mail.smtpserver.${key}.${ACCOUNT_PREF}`, accountId);
    prefs.setCharPref(`mail.smtpserver.${key}.description`, `${account.incomingServer?.prettyName ?? accountId} (XEXEC)`);
  }
  for (const identity of account.identities) {
    if (identity.smtpServerKey === key) continue;
    prefs.setCharPref(PREVIOUS + identity.key, identity.smtpServerKey ?? '');
    identity.smtpServerKey = key;
  }
  prefs.setCharPref(WANTED + accountId, key);
  return state(accountId);
}

function turnOff(accountId: string): SendingState {
  for (const key of xexecKeys()) if (accountOf(key) === accountId) removeServer(key);
  prefs.clearUserPref(WANTED + accountId);
  return state(accountId);
}

export class xexecOutgoing extends ExtensionCommon.ExtensionAPI {
  private readonly transport = new Transport();
  private readonly closers = new Set<{ close(): void }>();
  private factory: unknown = null;
  /** Sends run on behalf of Thunderbird, not of a page: they end with the add-on. */
  private readonly context: ExtensionContext = {
    callOnClose: (closer) => this.closers.add(closer),
    forgetOnClose: (closer) => this.closers.delete(closer),
  };

  onStartup(): void {
    const deps = {
      transport: this.transport,
      context: this.context,
      timeoutMs: () => {
        const ms = prefs.getIntPref(TIMEOUT_PREF, 60000);
        return ms > 0 ? ms : 60000;
      },
    };
    this.factory = {
      QueryInterface: ChromeUtils.generateQI(['nsIFactory']),
      createInstance: (iid: unknown) => new XexecOutgoingServer(deps).QueryInterface(iid),
    };
    const registrar = Components.manager.QueryInterface<Registrar>(Ci.nsIComponentRegistrar);
    registrar.registerFactory(Components.ID(CLASS_ID), 'XEXEC outgoing server', CONTRACT, this.factory);
    // Repair: servers of accounts that are gone or no longer switched on go; switched-on accounts get theirs.
    for (const key of xexecKeys()) {
      const accountId = accountOf(key);
      if (prefs.getCharPref(WANTED + accountId, '') !== key || accounts.getAccount(accountId)?.incomingServer?.type !== 'imap') removeServer(key);
    }
    for (const name of prefs.getChildList(WANTED)) {
      const accountId = name.slice(WANTED.length);
      if (accounts.getAccount(accountId)?.incomingServer?.type === 'imap') turnOn(accountId);
      else prefs.clearUserPref(name);
    }
  }

  override getAPI(_context: ExtensionContext) {
    return {
      xexecOutgoing: {
        async state(accountId: string): Promise<SendingState> {
          imapAccount(accountId);
          return state(accountId);
        },
        async enable(accountId: string): Promise<SendingState> {
          return turnOn(accountId);
        },
        async disable(accountId: string): Promise<SendingState> {
          imapAccount(accountId);
          return turnOff(accountId);
        },
      },
    };
  }

  override onShutdown(isAppShutdown: boolean): void {
    for (const closer of [...this.closers]) closer.close();
    this.transport.shutdown();
    // No stored server may outlive its factory: not when the add-on is disabled, removed or
    // updated, and not in a profile Thunderbird starts without it (troubleshoot mode, the add-on's
    // files gone), so also at app shutdown. The switch (WANTED) stays: start-up, an update or a
    // re-enable turns it on again.
    for (const key of xexecKeys()) removeServer(key);
    if (isAppShutdown) return;
    if (this.factory) {
      Components.manager.QueryInterface<Registrar>(Ci.nsIComponentRegistrar).unregisterFactory(Components.ID(CLASS_ID), this.factory);
      this.factory = null;
    }
    Services.obs.notifyObservers(null, 'startupcache-invalidate');
  }
}
