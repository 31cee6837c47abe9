/**
 * The one `t`: `browser.i18n.getMessage`, typed by the keys of _locales/en/messages.json, and the
 * number and date formats of Thunderbird's UI language, for the background and the pages alike.
 */

import browser from 'webextension-polyfill';
import type { Translate } from './errors.js';

export const t: Translate = (key, substitutions) =>
  browser.i18n.getMessage(key, substitutions === undefined ? undefined : [...substitutions]);

/** Thunderbird's UI language ("en-US", "de", "fr"); "en" when it cannot be asked. */
export function uiLanguage(): string {
  try {
    return browser.i18n.getUILanguage() || 'en';
  } catch {
    return 'en';
  }
}

const numberFormats = new Map<string, Intl.NumberFormat>();

export function formatNumber(n: number): string {
  const lang = uiLanguage();
  let format = numberFormats.get(lang);
  if (format === undefined) {
    format = new Intl.NumberFormat(lang);
    numberFormats.set(lang, format);
  }
  return format.format(n);
}

/**
 * A `YYYY-MM-DD` calendar day in the user's words ("Tuesday, 1 July 2025"). Formatted as a
 * UTC day, so no time zone moves it to the day before.
 */
export function formatDate(isoDate: string, style: 'long' | 'medium' = 'medium'): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (match === null) return isoDate;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  const options: Intl.DateTimeFormatOptions = style === 'long'
    ? { timeZone: 'UTC', weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }
    : { timeZone: 'UTC', dateStyle: 'medium' };
  return new Intl.DateTimeFormat(uiLanguage(), options).format(date);
}
