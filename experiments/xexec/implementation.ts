/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

// Experiment API "xexec" (schema.json): runs a server module through XEXEC
// over Thunderbird's own IMAP session of an account, and updates saved
// passwords after a password change.
//
// This file only moves bytes between Thunderbird and the typed codec of
// src/protocol, which encodes the arguments (PROTOCOL.md §3.1) and decodes
// the reply (§4). The build bundles it, unminified, into one script that
// defines the global `xexec` class Thunderbird looks for.

import './sandbox.js';
import { buildCommandText, interpretStoppedUrl, type ExecuteResult } from '../../src/protocol/codec.js';
import type { ExecuteArgument, SavedPasswordUpdate } from './api.js';
import {
  ExtensionCommon,
  ExtensionError,
  MailServices,
  Services,
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
        async execute(accountId: string, module: string, args: ExecuteArgument[]): Promise<ExecuteResult> {
          const { server } = imapAccount(accountId);
          // The codec checks the module name and encodes every argument so
          // that Thunderbird's custom-command path carries it unchanged.
          const text = buildCommandText({ module, args });
          if (!text.ok) {
            throw new ExtensionError(`xexec: ${text.error.message}`);
          }
          const outcome = await transport.send(context, accountId, server, text.value, timeoutMs());
          return outcome.kind === 'stopped' ? interpretStoppedUrl(outcome.url, module) : outcome.result;
        },

        async getServerHost(accountId: string): Promise<string> {
          const { server } = imapAccount(accountId);
          return server.hostname ?? server.hostName ?? '';
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
