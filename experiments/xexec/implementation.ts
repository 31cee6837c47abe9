/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

// Experiment API "xexec" (schema.json): a raw transport. It carries an XEXEC
// command text over Thunderbird's own IMAP session of an account and hands
// back what Thunderbird reported, and it updates saved passwords after a
// password change.
//
// This file only moves text between the background and Thunderbird: the
// background's codec (src/protocol) builds the command text (PROTOCOL.md
// §3.1) and reads the reply (§4); here the text is only checked against the
// one rule that keeps Thunderbird from changing it (isTransportSafe). The
// build bundles this file, unminified, into one script that defines the
// global `xexec` class Thunderbird looks for.

import type { TransportReport } from '../../src/protocol/execute-result.js';
import { isTransportSafe } from '../../src/protocol/transport-safe.js';
import type { SavedPasswordUpdate } from './api.js';
import {
  ExtensionCommon,
  ExtensionError,
  MailServices,
  Services,
  hostnameOf,
  type ExtensionContext,
  type IncomingServer,
  type MsgAccount,
} from './chrome.js';
import { updateSavedPassword } from './passwords.js';
import { Transport } from './transport.js';

/** How long execute() waits for the server; a pref so that tests and administrators can change it. */
const TIMEOUT_PREF = 'extensions.xexec.timeout_ms';
const DEFAULT_TIMEOUT_MS = 60000;

/** The IMAP account `accountId`, or an ExtensionError: asking for another is a programmer error. */
function imapAccount(accountId: string): { account: MsgAccount; server: IncomingServer } {
  const account = MailServices.accounts.getAccount(accountId);
  const server = account && account.incomingServer;
  if (!account || !server) {
    throw new ExtensionError(`xexec: unknown account "${accountId}"`);
  }
  if (server.type !== 'imap') {
    throw new ExtensionError(`xexec: account "${accountId}" is not an IMAP account`);
  }
  return { account, server };
}

function timeoutMs(): number {
  const ms = Services.prefs.getIntPref(TIMEOUT_PREF, DEFAULT_TIMEOUT_MS);
  return ms > 0 ? ms : DEFAULT_TIMEOUT_MS;
}

export class xexec extends ExtensionCommon.ExtensionAPI {
  private readonly transport = new Transport();

  override getAPI(context: ExtensionContext) {
    const transport = this.transport;
    return {
      xexec: {
        async send(accountId: string, text: string): Promise<TransportReport> {
          const { server } = imapAccount(accountId);
          // Thunderbird would cut, strip or decode anything else (a NUL would
          // crash it); the codec never builds such a text.
          if (text === '' || !isTransportSafe(text)) {
            throw new ExtensionError('xexec: the command text is empty or not transport-safe (printable ASCII without "?" and ">", "%" only as "%25")');
          }
          return transport.send(context, accountId, server, text, timeoutMs());
        },

        async getServerHost(accountId: string): Promise<string> {
          const { server } = imapAccount(accountId);
          return hostnameOf(server);
        },

        async updateSavedPassword(accountId: string, newPassword: string): Promise<SavedPasswordUpdate> {
          const { account, server } = imapAccount(accountId);
          if (newPassword === '') {
            throw new ExtensionError('xexec: newPassword must be a non-empty string');
          }
          return updateSavedPassword(account, server, newPassword);
        },
      },
    };
  }

  override onShutdown(isAppShutdown: boolean): void {
    this.transport.shutdown();
    if (isAppShutdown) return;
    // Without this an updated add-on keeps running the old experiment code.
    Services.obs.notifyObservers(null, 'startupcache-invalidate');
  }
}
