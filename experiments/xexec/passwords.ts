/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

// updateSavedPassword(): after a successful password change, Thunderbird
// must log in with the new password. Updates the incoming server's saved
// (login manager) and in-memory password, and those of the account's
// outgoing servers that use the same user name and the old password.
// Nothing is created: a password the user never let Thunderbird save stays
// unsaved.

import type { SavedPasswordUpdate } from './api.js';
import {
  Ci,
  MailServices,
  Services,
  hostnameOf,
  type IncomingServer,
  type LoginInfo,
  type MsgAccount,
  type OutgoingServer,
} from './chrome.js';

/** Login-manager origins Thunderbird uses for a server: "<type>://<host>". */
function hostOrigins(type: 'imap' | 'smtp', host: string): string[] {
  const bracketed = host.includes(':') ? `[${host}]` : host;
  const origins = [`${type}://${bracketed}`];
  const encoded = `${type}://${encodeURIComponent(bracketed)}`;
  if (!origins.includes(encoded)) origins.push(encoded);
  return origins;
}

async function findLogin(origins: string[], username: string): Promise<LoginInfo | null> {
  for (const origin of origins) {
    const logins = await Services.logins.searchLoginsAsync({ origin, httpRealm: origin });
    const login = logins.find((l) => l.username === username);
    if (login) return login;
  }
  return null;
}

async function replaceLogin(login: LoginInfo, newPassword: string): Promise<void> {
  const changed = login.clone();
  changed.password = newPassword;
  // Thunderbird 153 has only modifyLoginAsync, 140 only the synchronous modifyLogin.
  if (Services.logins.modifyLoginAsync) await Services.logins.modifyLoginAsync(login, changed);
  else if (Services.logins.modifyLogin) Services.logins.modifyLogin(login, changed);
  else throw new Error('the login manager can change no login (no modifyLoginAsync, no modifyLogin)');
}

interface OutgoingChange {
  readonly smtp: OutgoingServer;
  /** Its saved login, when that holds the old password. */
  readonly login: LoginInfo | null;
  /** Whether its in-memory password is the old one. */
  readonly session: boolean;
}

/**
 * The account's SMTP servers that log in with the incoming server's user
 * name and the old password. Looked at before anything changes: an SMTP
 * server without a password of its own reports the incoming server's one.
 */
async function outgoingToChange(account: MsgAccount, server: IncomingServer, oldPassword: string): Promise<OutgoingChange[]> {
  const service = MailServices.outgoingServer ?? MailServices.smtp;
  if (!oldPassword || !service) return [];
  const outgoing: OutgoingChange[] = [];
  const seen = new Set<string>();
  for (const identity of account.identities) {
    let smtp: OutgoingServer | null = null;
    try {
      smtp = service.getServerByIdentity(identity);
    } catch {
      smtp = null;
    }
    if (!smtp || seen.has(smtp.key)) continue;
    seen.add(smtp.key);
    try {
      // hostname lives on nsISmtpServer; other outgoing types are left alone.
      smtp.QueryInterface(Ci.nsISmtpServer);
    } catch {
      continue;
    }
    const smtpHost = hostnameOf(smtp);
    if (!smtpHost || smtp.username !== server.username) continue;
    const smtpLogin = await findLogin(hostOrigins('smtp', smtpHost), smtp.username);
    outgoing.push({
      smtp,
      login: smtpLogin && smtpLogin.password === oldPassword ? smtpLogin : null,
      session: smtp.password === oldPassword,
    });
  }
  return outgoing;
}

export async function updateSavedPassword(account: MsgAccount, server: IncomingServer, newPassword: string): Promise<SavedPasswordUpdate> {
  const login = await findLogin(hostOrigins('imap', hostnameOf(server)), server.username);
  const sessionPassword = server.password;
  const oldPassword = sessionPassword || (login ? login.password : '');
  const outgoing = await outgoingToChange(account, server, oldPassword);

  const updated = { incomingSaved: false, incomingSession: false, outgoingSaved: false, outgoingSession: false };
  if (login) {
    await replaceLogin(login, newPassword);
    updated.incomingSaved = true;
  }
  if (sessionPassword) {
    server.password = newPassword;
    updated.incomingSession = true;
  }
  for (const o of outgoing) {
    if (o.login) {
      await replaceLogin(o.login, newPassword);
      updated.outgoingSaved = true;
    }
    if (o.session) {
      o.smtp.password = newPassword;
      updated.outgoingSession = true;
    }
  }
  return updated;
}
