/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

// Experiment API "xexec": sends one XEXEC command over Thunderbird's own,
// already authenticated IMAP session of an account, and updates saved
// passwords. It only moves bytes: the caller encodes the arguments as
// docs/PROTOCOL.md §3.1 says and parses the reply itself.
//
// The only way Thunderbird 153 sends a custom IMAP command is
// nsIImapService.issueCommandOnMsgs(); on the wire it becomes
// `<tag> uid XEXEC <module> <text>` (see shared notes/thunderbird.md).

"use strict";

(function (exports) {
  const { ExtensionUtils } = ChromeUtils.importESModule("resource://gre/modules/ExtensionUtils.sys.mjs");
  const { MailServices } = ChromeUtils.importESModule("resource:///modules/MailServices.sys.mjs");
  const { setTimeout, clearTimeout } = ChromeUtils.importESModule("resource://gre/modules/Timer.sys.mjs");
  const { ExtensionError } = ExtensionUtils;

  const DEFAULT_TIMEOUT_MS = 60000;
  // How long an alert for one of our URLs is still swallowed after the URL
  // stopped (Thunderbird raises the alert just before it stops the URL; the
  // margin covers a different order).
  const ALERT_GRACE_MS = 5000;
  const NS_BASE_STREAM_CLOSED = 0x80470002;

  // PROTOCOL.md §2, plus the built-in ".modules".
  const MODULE_RE = /^(?:[A-Za-z0-9][A-Za-z0-9_-]{0,63}|\.modules)$/;

  /**
   * Throws unless `text` is safe to put into issueCommandOnMsgs(): printable
   * ASCII only (a control byte can cut the command, %0D%0A / %0A injects a
   * second IMAP command), no `?` or `>` (they cut the text), and every `%`
   * written as `%25` (Thunderbird decodes %XX once).
   */
  function checkText(text) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw new ExtensionError(`xexec: text has a character outside 0x20-0x7E at offset ${i}`);
      }
      if (c === 0x3f || c === 0x3e) {
        throw new ExtensionError(`xexec: text has "${text[i]}" at offset ${i}, which Thunderbird cannot send`);
      }
      if (c === 0x25 && text.substr(i + 1, 2) !== "25") {
        throw new ExtensionError(`xexec: text has a "%" not written as "%25" at offset ${i}`);
      }
    }
  }

  function imapServer(accountId) {
    if (typeof accountId !== "string" || !accountId) {
      throw new ExtensionError("xexec: accountId must be a non-empty string");
    }
    const account = MailServices.accounts.getAccount(accountId);
    const server = account && account.incomingServer;
    if (!server) {
      throw new ExtensionError(`xexec: unknown account "${accountId}"`);
    }
    if (server.type !== "imap") {
      throw new ExtensionError(`xexec: account "${accountId}" is not an IMAP account`);
    }
    return { account, server };
  }

  function hostnameOf(server) {
    return server.hostname !== undefined ? server.hostname : server.hostName;
  }

  function hex(status) {
    return "0x" + (status >>> 0).toString(16);
  }

  /** Maps a failed URL to the result of execute(). */
  function failure(status, url, result) {
    let errorCode = "";
    let message = "";
    try {
      const mailUrl = url.QueryInterface(Ci.nsIMsgMailNewsUrl);
      errorCode = mailUrl.errorCode || "";
      message = mailUrl.errorMessage || "";
    } catch (e) {
      // not a mail URL: keep the defaults
    }
    let code = "disconnected";
    if (errorCode === "imap-server-error") {
      // A tagged NO or BAD. A server without the plugin answers
      // "BAD Error in IMAP command UID XEXEC: Unknown command".
      code = !message.startsWith("[") && /\bUnknown command\b/i.test(message) ? "unsupported" : "server";
    } else if (!message) {
      message = status === NS_BASE_STREAM_CLOSED
        ? "The server closed the connection."
        : `The command failed before the server answered: no connection or no login (${hex(status)}).`;
    }
    return { ok: false, code, message, result };
  }

  var xexec = class extends ExtensionCommon.ExtensionAPI {
    constructor(extension) {
      super(extension);
      /** accountId -> promise of the last queued command (one at a time per account). */
      this.queues = new Map();
      /** Commands that have not settled yet (queued or running). */
      this.jobs = new Set();
      /** Our URLs that Thunderbird has not stopped yet -> their nsIUrlListener. */
      this.running = new Map();
      /** Our URLs whose alerts are swallowed (running ones and, for a while, stopped ones) -> their server. */
      this.ownUrls = new Map();
      this.releaseTimers = new Set();
      this.feedbackListener = null;
    }

    // --- alert suppression -------------------------------------------------

    claimUrl(url, server) {
      this.ownUrls.set(url, server);
      if (this.feedbackListener) return;
      const ownUrls = this.ownUrls;
      this.feedbackListener = {
        QueryInterface: ChromeUtils.generateQI(["nsIMsgUserFeedbackListener"]),
        // true: handled, Thunderbird shows no dialog. Only for our own URLs.
        onAlert(message, alertUrl) {
          const server = alertUrl ? ownUrls.get(alertUrl) : undefined;
          if (!server) return false;
          // Thunderbird's own listener (alertHook) has logged the failure as
          // an Activity Manager warning ("The current operation on 'Inbox'
          // did not succeed..."): the caller reports it, so drop that entry.
          setTimeout(() => removeActivityWarnings(message, server), 0);
          return true;
        },
        onCertError() {
          return false;
        },
      };
      MailServices.mailSession.addUserFeedbackListener(this.feedbackListener);
    }

    releaseUrlLater(url) {
      const timer = setTimeout(() => {
        this.releaseTimers.delete(timer);
        this.ownUrls.delete(url);
        if (this.ownUrls.size === 0) this.removeFeedbackListener();
      }, ALERT_GRACE_MS);
      this.releaseTimers.add(timer);
    }

    removeFeedbackListener() {
      if (this.feedbackListener) {
        MailServices.mailSession.removeUserFeedbackListener(this.feedbackListener);
        this.feedbackListener = null;
      }
    }

    // --- one command -------------------------------------------------------

    /**
     * Sends `command` on the account's Inbox and resolves with the result
     * object; never rejects. `job.cancel()` ends the wait early.
     */
    run(server, command, timeoutMs, job) {
      return new Promise(resolve => {
        let timer = null;
        const settle = value => {
          if (job.settled) return;
          job.settled = true;
          this.jobs.delete(job);
          if (timer) clearTimeout(timer);
          resolve(value);
        };
        job.cancel = () => settle({ ok: false, code: "disconnected", message: "Cancelled.", result: "" });
        if (job.cancelled) {
          job.cancel();
          return;
        }

        const inbox = server.rootFolder.getFolderWithFlags(Ci.nsMsgFolderFlags.Inbox);
        if (!inbox) {
          settle({ ok: false, code: "disconnected", message: "The account has no Inbox folder yet.", result: "" });
          return;
        }
        // Folder URIs carry no port: two accounts of the same user on the same
        // host share them, and the command would go to the other account's
        // server. Never send it there.
        if (inbox.server.key !== server.key) {
          settle({
            ok: false,
            code: "unsupported",
            message: "Thunderbird cannot tell this account from another account of the same user on the same host.",
            result: "",
          });
          return;
        }
        // issueCommandOnMsgs refuses a null window (NS_ERROR_ILLEGAL_VALUE).
        const msgWindow = Cc["@mozilla.org/messenger/msgwindow;1"].createInstance(Ci.nsIMsgWindow);
        let url;
        try {
          url = MailServices.imap.issueCommandOnMsgs(inbox, msgWindow, "XEXEC", command);
          url.QueryInterface(Ci.nsIMsgMailNewsUrl);
        } catch (e) {
          settle({ ok: false, code: "disconnected", message: `Thunderbird refused the command: ${e.message || e}`, result: "" });
          return;
        }
        // Without a window the failure alert is "silent": Thunderbird's
        // alertHook then shows no desktop notification, and the mail session
        // no modal dialog (the feedback listener below is the second guard).
        try {
          url.msgWindow = null;
        } catch (e) {
          // keep the window; the feedback listener still swallows the dialog
        }
        this.claimUrl(url, server);
        const running = this.running;
        const listener = {
          QueryInterface: ChromeUtils.generateQI(["nsIUrlListener"]),
          OnStartRunningUrl() {},
          OnStopRunningUrl: (stoppedUrl, status) => {
            running.delete(url);
            this.releaseUrlLater(url);
            let result = "";
            try {
              result = stoppedUrl.QueryInterface(Ci.nsIImapUrl).customCommandResult || "";
            } catch (e) {
              // no result
            }
            settle(status === 0 ? { ok: true, result } : failure(status, stoppedUrl, result));
          },
        };
        running.set(url, listener);
        url.RegisterListener(listener);
        // Thunderbird cannot abort a running command: after the timeout the
        // URL stays ours (its late alert is swallowed) until it stops.
        timer = setTimeout(() => {
          timer = null;
          settle({
            ok: false,
            code: "timeout",
            message: `No answer from the server within ${Math.round(timeoutMs / 1000)} s.`,
            result: "",
          });
        }, timeoutMs);
      });
    }

    /** Queues a command for an account: one at a time per account. */
    enqueue(context, accountId, server, command, timeoutMs) {
      const job = { settled: false, cancelled: false, cancel: null };
      this.jobs.add(job);
      // A closed page or background does not wait for its commands.
      const closer = {
        close: () => {
          job.cancelled = true;
          if (job.cancel) job.cancel();
        },
      };
      context.callOnClose(closer);
      const previous = this.queues.get(accountId) || Promise.resolve();
      const done = previous.then(() => this.run(server, command, timeoutMs, job));
      this.queues.set(accountId, done);
      return done.finally(() => {
        context.forgetOnClose(closer);
        if (this.queues.get(accountId) === done) this.queues.delete(accountId);
      });
    }

    // --- passwords ---------------------------------------------------------

    async findLogin(origins, username) {
      for (const origin of origins) {
        const logins = await Services.logins.searchLoginsAsync({ origin, httpRealm: origin });
        const login = logins.find(l => l.username === username);
        if (login) return login;
      }
      return null;
    }

    async replaceLogin(login, newPassword) {
      const changed = login.clone();
      changed.password = newPassword;
      await Services.logins.modifyLoginAsync(login, changed);
    }

    /**
     * Updates the saved password of the account's incoming server (login
     * manager, and the in-memory one Thunderbird uses for new connections),
     * and of each outgoing server of its identities that logs in with the same
     * user name and the same old password. Nothing is created: a password the
     * user never let Thunderbird save stays unsaved.
     */
    async updateSavedPassword(accountId, newPassword) {
      const { account, server } = imapServer(accountId);
      if (typeof newPassword !== "string" || !newPassword) {
        throw new ExtensionError("xexec: newPassword must be a non-empty string");
      }
      const login = await this.findLogin(hostOrigins("imap", hostnameOf(server)), server.username);
      const sessionPassword = server.password;
      const oldPassword = sessionPassword || (login ? login.password : "");

      // Look at the outgoing servers before anything changes: an SMTP server
      // without a password of its own reports the incoming server's one.
      const outgoing = [];
      const service = MailServices.outgoingServer || MailServices.smtp;
      if (oldPassword && service) {
        const seen = new Set();
        for (const identity of account.identities) {
          let smtp = null;
          try {
            smtp = service.getServerByIdentity(identity);
          } catch (e) {
            smtp = null;
          }
          if (!smtp || seen.has(smtp.key)) continue;
          seen.add(smtp.key);
          try {
            // hostname lives on nsISmtpServer; other outgoing types are left alone.
            smtp.QueryInterface(Ci.nsISmtpServer);
          } catch (e) {
            continue;
          }
          const smtpHost = hostnameOf(smtp);
          if (!smtpHost || smtp.username !== server.username) continue;
          const smtpLogin = await this.findLogin(hostOrigins("smtp", smtpHost), smtp.username);
          outgoing.push({
            smtp,
            login: smtpLogin && smtpLogin.password === oldPassword ? smtpLogin : null,
            session: smtp.password === oldPassword,
          });
        }
      }

      const updated = { incomingSaved: false, incomingSession: false, outgoingSaved: false, outgoingSession: false };
      if (login) {
        await this.replaceLogin(login, newPassword);
        updated.incomingSaved = true;
      }
      if (sessionPassword) {
        server.password = newPassword;
        updated.incomingSession = true;
      }
      for (const o of outgoing) {
        if (o.login) {
          await this.replaceLogin(o.login, newPassword);
          updated.outgoingSaved = true;
        }
        if (o.session) {
          o.smtp.password = newPassword;
          updated.outgoingSession = true;
        }
      }
      return updated;
    }

    // --- the API -----------------------------------------------------------

    getAPI(context) {
      const api = this;
      return {
        xexec: {
          async execute(accountId, module, text, timeoutMs) {
            const { server } = imapServer(accountId);
            if (typeof module !== "string" || !MODULE_RE.test(module)) {
              throw new ExtensionError("xexec: module must be a module name (PROTOCOL.md §2) or \".modules\"");
            }
            if (typeof text !== "string") {
              throw new ExtensionError("xexec: text must be a string");
            }
            checkText(text);
            let timeout = DEFAULT_TIMEOUT_MS;
            if (timeoutMs !== undefined && timeoutMs !== null) {
              if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
                throw new ExtensionError("xexec: timeoutMs must be a positive integer");
              }
              timeout = timeoutMs;
            }
            const command = text === "" ? module : `${module} ${text}`;
            return api.enqueue(context, accountId, server, command, timeout);
          },

          async updateSavedPassword(accountId, newPassword) {
            return api.updateSavedPassword(accountId, newPassword);
          },
        },
      };
    }

    onShutdown(isAppShutdown) {
      for (const job of [...this.jobs]) {
        job.cancelled = true;
        if (job.cancel) job.cancel();
      }
      for (const [url, listener] of this.running) {
        try {
          url.UnRegisterListener(listener);
        } catch (e) {
          // already stopped
        }
      }
      this.running.clear();
      for (const timer of this.releaseTimers) clearTimeout(timer);
      this.releaseTimers.clear();
      this.ownUrls.clear();
      this.removeFeedbackListener();
      this.queues.clear();
      if (isAppShutdown) return;
      // Without this an updated add-on keeps running the old experiment code.
      Services.obs.notifyObservers(null, "startupcache-invalidate");
    }
  };

  /** Removes the Activity Manager warnings Thunderbird added for one of our alerts. */
  function removeActivityWarnings(message, server) {
    try {
      const manager = Cc["@mozilla.org/activity-manager;1"].getService(Ci.nsIActivityManager);
      for (const activity of manager.getActivities()) {
        if (activity instanceof Ci.nsIActivityWarning && activity.displayText === message
            && (!activity.contextObj || activity.contextObj === server)) {
          manager.removeActivity(activity.id);
        }
      }
    } catch (e) {
      // no activity manager: nothing to clean up
    }
  }

  /** Login-manager origins Thunderbird uses for a server: "<type>://<host>". */
  function hostOrigins(type, host) {
    const bracketed = host.includes(":") ? `[${host}]` : host;
    const origins = [`${type}://${bracketed}`];
    const encoded = `${type}://${encodeURIComponent(bracketed)}`;
    if (!origins.includes(encoded)) origins.push(encoded);
    return origins;
  }

  exports.xexec = xexec;
})(this);
