/**
 * The one `t`: `browser.i18n.getMessage`, typed by the keys of _locales/en/messages.json, for
 * the background and the pages alike.
 */

import browser from 'webextension-polyfill';
import type { Translate } from './errors.js';

export const t: Translate = (key, substitutions) =>
  browser.i18n.getMessage(key, substitutions === undefined ? undefined : [...substitutions]);
