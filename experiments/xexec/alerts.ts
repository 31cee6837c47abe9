/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

// Keeps Thunderbird from showing its modal alert ("The current operation on
// 'Inbox' did not succeed ...") for a NO or BAD to one of our commands: the
// caller reports the failure itself. Alerts of other URLs are left alone.

import {
  Cc,
  Ci,
  ChromeUtils,
  MailServices,
  clearTimeout,
  setTimeout,
  type Activity,
  type IncomingServer,
  type MailUrl,
  type UserFeedbackListener,
} from './chrome.js';

/**
 * How long an alert for one of our URLs is still swallowed after the URL
 * stopped (Thunderbird raises the alert just before it stops the URL; the
 * margin covers a different order).
 */
const ALERT_GRACE_MS = 5000;

export class AlertGuard {
  /** Our URLs whose alerts are swallowed (running ones and, for a while, stopped ones) -> their server. */
  private readonly ownUrls = new Map<MailUrl, IncomingServer>();
  private readonly releaseTimers = new Set<number>();
  private listener: UserFeedbackListener | null = null;

  /** Swallows the alerts of `url` from now on. */
  claim(url: MailUrl, server: IncomingServer): void {
    this.ownUrls.set(url, server);
    if (this.listener) return;
    const ownUrls = this.ownUrls;
    this.listener = {
      QueryInterface: ChromeUtils.generateQI(['nsIMsgUserFeedbackListener']),
      // true: handled, Thunderbird shows no dialog. Only for our own URLs.
      onAlert(message, alertUrl) {
        if (!alertUrl) return false;
        const url = alertUrl;
        const owner = ownUrls.get(url);
        if (!owner) return false;
        // Thunderbird's own listener (alertHook) has logged the failure as an
        // Activity Manager warning: the caller reports it, so drop that entry.
        setTimeout(() => {
          if (removeActivityWarnings(message, owner) > 0) releaseAlertHookCookie(url);
        }, 0);
        return true;
      },
      onCertError() {
        return false;
      },
    };
    MailServices.mailSession.addUserFeedbackListener(this.listener);
  }

  /** The URL stopped: keep swallowing its alerts for a little while, then forget it. */
  releaseLater(url: MailUrl): void {
    const timer = setTimeout(() => {
      this.releaseTimers.delete(timer);
      this.ownUrls.delete(url);
      if (this.ownUrls.size === 0) this.removeListener();
    }, ALERT_GRACE_MS);
    this.releaseTimers.add(timer);
  }

  /** Forgets everything (the add-on is shutting down). */
  clear(): void {
    for (const timer of this.releaseTimers) clearTimeout(timer);
    this.releaseTimers.clear();
    this.ownUrls.clear();
    this.removeListener();
  }

  private removeListener(): void {
    if (this.listener) {
      MailServices.mailSession.removeUserFeedbackListener(this.listener);
      this.listener = null;
    }
  }
}

interface ActivityManager {
  getActivities(): Activity[];
  removeActivity(id: number): void;
}

/** Removes the Activity Manager warnings Thunderbird added for one of our alerts; returns how many. */
function removeActivityWarnings(message: string, server: IncomingServer): number {
  let removed = 0;
  try {
    const manager = Cc['@mozilla.org/activity-manager;1']!.getService<ActivityManager>(Ci.nsIActivityManager);
    for (const activity of manager.getActivities()) {
      if (activity instanceof Ci.nsIActivityWarning && activity.displayText === message
          && (!activity.contextObj || activity.contextObj === server)) {
        manager.removeActivity(activity.id);
        removed++;
      }
    }
  } catch {
    // no activity manager: nothing to clean up
  }
  return removed;
}

interface AlertHookModule {
  readonly alertHook?: { observe?(subject: unknown, topic: string, data: string): void };
}

/**
 * Thunderbird 140's alertHook blocks further alerts of a server (cookie
 * "<host:port> alert") until the alert it showed is finished; for an alert it
 * did not show (our URLs have no msgWindow) that never happens, so it would
 * silence every later alert of that server until Thunderbird restarts.
 * Finishing the cookie ourselves undoes that. Called only when alertHook
 * handled our alert (it logged the warning we removed), so the cookie is
 * ours. Thunderbird 153 releases the cookie itself and has no observe().
 */
function releaseAlertHookCookie(url: MailUrl): void {
  try {
    const { alertHook } = ChromeUtils.importESModule<AlertHookModule>('resource:///modules/activity/alertHook.sys.mjs');
    if (typeof alertHook?.observe === 'function') alertHook.observe(null, 'alertfinished', `${url.hostPort} alert`);
  } catch {
    // no such module: nothing blocks later alerts
  }
}
