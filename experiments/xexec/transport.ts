/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

// Sends one XEXEC command text over Thunderbird's own, already authenticated
// IMAP session of an account and reports what Thunderbird says when it is
// done, as plain values: reading them is the background's job (src/protocol).
// The only way Thunderbird sends a custom IMAP command is
// nsIImapService.issueCommandOnMsgs(); on the wire it becomes
// `<tag> uid XEXEC <text>` (docs/THUNDERBIRD.md).
// One command at a time per account; a timeout; no alert dialogs.

import type { StoppedUrl, TransportFailureCode, TransportReport } from '../../src/protocol/execute-result.js';
import { AlertGuard } from './alerts.js';
import {
  Cc,
  Ci,
  ChromeUtils,
  MailServices,
  clearTimeout,
  setTimeout,
  type ExtensionContext,
  type IncomingServer,
  type MailUrl,
  type MsgFolder,
  type UrlListener,
} from './chrome.js';

interface Job {
  settled: boolean;
  cancelled: boolean;
  cancel: (() => void) | null;
}

/** One QueryInterface for every URL listener (made once: the experiment runs interpreted on Debian). */
const URL_LISTENER_QI = ChromeUtils.generateQI(['nsIUrlListener']);

function failed(code: TransportFailureCode, message: string): TransportReport {
  return { stopped: false, code, message };
}

export class Transport {
  /** accountId -> promise of the last queued command (one at a time per account). */
  private readonly queues = new Map<string, Promise<TransportReport>>();
  /** Commands that have not settled yet (queued or running). */
  private readonly jobs = new Set<Job>();
  /** Our URLs that Thunderbird has not stopped yet -> their listener. */
  private readonly running = new Map<MailUrl, UrlListener>();
  private readonly alerts = new AlertGuard();

  /**
   * Queues `text` (from buildCommandText: `<module> <args>`) for the account
   * and resolves when it is done; never rejects. A closed page or background
   * (`context`) does not wait for its commands: queued ones are never sent.
   */
  send(context: ExtensionContext, accountId: string, server: IncomingServer, text: string, timeoutMs: number): Promise<TransportReport> {
    const job: Job = { settled: false, cancelled: false, cancel: null };
    this.jobs.add(job);
    const closer = {
      close: () => {
        job.cancelled = true;
        if (job.cancel) job.cancel();
      },
    };
    context.callOnClose(closer);
    const previous = this.queues.get(accountId) ?? Promise.resolve(null);
    const done = previous.then(() => this.run(server, text, timeoutMs, job));
    this.queues.set(accountId, done);
    return done.finally(() => {
      context.forgetOnClose(closer);
      if (this.queues.get(accountId) === done) this.queues.delete(accountId);
    });
  }

  /** Sends `text` on the account's Inbox; `job.cancel()` ends the wait early. */
  private run(server: IncomingServer, text: string, timeoutMs: number, job: Job): Promise<TransportReport> {
    return new Promise((resolve) => {
      let timer: number | null = null;
      const settle = (report: TransportReport) => {
        if (job.settled) return;
        job.settled = true;
        this.jobs.delete(job);
        if (timer !== null) clearTimeout(timer);
        resolve(report);
      };
      job.cancel = () => settle(failed('disconnected', 'Cancelled.'));
      if (job.cancelled) {
        job.cancel();
        return;
      }

      const inbox = server.rootFolder.getFolderWithFlags(Ci.nsMsgFolderFlags.Inbox);
      if (!inbox) {
        settle(failed('disconnected', 'The account has no Inbox folder yet.'));
        return;
      }
      // Folder URIs carry no port: two accounts of the same user on the same
      // host share them, and the command would go to the other account's
      // server. Never send it there.
      if (inbox.server.key !== server.key) {
        settle(failed('unsupported', 'Thunderbird cannot tell this account from another account of the same user on the same host.'));
        return;
      }
      const url = this.issue(inbox, text);
      if (typeof url === 'string') {
        settle(failed('disconnected', `Thunderbird refused the command: ${url}`));
        return;
      }
      this.alerts.claim(url, server);
      const listener: UrlListener = {
        QueryInterface: URL_LISTENER_QI,
        OnStartRunningUrl() {},
        OnStopRunningUrl: (stoppedUrl, status) => {
          this.running.delete(url);
          this.alerts.releaseLater(url);
          settle({ stopped: true, ...readStoppedUrl(stoppedUrl, status) });
        },
      };
      this.running.set(url, listener);
      url.RegisterListener(listener);
      // Thunderbird cannot abort a running command: after the timeout the URL
      // stays ours (its late alert is swallowed) until it stops.
      timer = setTimeout(() => {
        timer = null;
        settle(failed('timeout', `No answer from the server within ${Math.round(timeoutMs / 1000)} s.`));
      }, timeoutMs);
    });
  }

  /** Issues the command; returns its URL, or why Thunderbird refused it. */
  private issue(inbox: MsgFolder, text: string): MailUrl | string {
    // issueCommandOnMsgs refuses a null window (NS_ERROR_ILLEGAL_VALUE).
    const msgWindow = Cc['@mozilla.org/messenger/msgwindow;1']!.createInstance(Ci.nsIMsgWindow);
    let url: MailUrl;
    try {
      // "XEXEC" is the command; `text` starts with the module name.
      url = MailServices.imap.issueCommandOnMsgs(inbox, msgWindow, 'XEXEC', text);
      url.QueryInterface(Ci.nsIMsgMailNewsUrl);
    } catch (e) {
      return String((e as Error).message ?? e);
    }
    // Without a window the failure alert is "silent": Thunderbird's alertHook
    // then shows no desktop notification, and the mail session no modal
    // dialog (the AlertGuard is the second guard).
    try {
      url.msgWindow = null;
    } catch {
      // keep the window; the AlertGuard still swallows the dialog
    }
    return url;
  }

  /** Ends every wait and forgets every URL (the add-on is shutting down). */
  shutdown(): void {
    for (const job of [...this.jobs]) {
      job.cancelled = true;
      if (job.cancel) job.cancel();
    }
    for (const [url, listener] of this.running) {
      try {
        url.UnRegisterListener(listener);
      } catch {
        // already stopped
      }
    }
    this.running.clear();
    this.alerts.clear();
    this.queues.clear();
  }
}

/** Copies what Thunderbird reports about a stopped URL into plain values. */
function readStoppedUrl(url: MailUrl, status: number): StoppedUrl {
  let customCommandResult = '';
  let errorCode = '';
  let errorMessage = '';
  try {
    customCommandResult = url.QueryInterface<MailUrl>(Ci.nsIImapUrl).customCommandResult || '';
  } catch {
    // no result
  }
  try {
    const mailUrl = url.QueryInterface<MailUrl>(Ci.nsIMsgMailNewsUrl);
    errorCode = mailUrl.errorCode || '';
    errorMessage = mailUrl.errorMessage || '';
  } catch {
    // not a mail URL: keep the defaults
  }
  return { status, customCommandResult, errorCode, errorMessage };
}
