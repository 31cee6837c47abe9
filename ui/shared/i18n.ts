/**
 * Every text of the settings page comes through `t` (src/messages/i18n.ts: browser.i18n.getMessage,
 * typed by the keys of _locales/en/messages.json, so a key missing there is a compile error), and so do
 * numbers and dates, formatted for Thunderbird's UI language (the background words its notices alike).
 */

import type { MessageKey, Translate } from '../../src/messages/errors.js';
import { formatDate, formatNumber, t, uiLanguage } from '../../src/messages/i18n.js';

export { formatDate, formatNumber, t, uiLanguage };
export type { MessageKey, Translate };

/** Today as `YYYY-MM-DD` in the user's time zone (the server compares days in its own). */
export function todayIso(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
