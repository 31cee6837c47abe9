/**
 * For the settings pages: sends one request to the background and gets its typed answer.
 */

import browser from 'webextension-polyfill';
import type { BackgroundResponse, RequestOf, RequestType } from './messages.js';

export async function callBackground<T extends RequestType>(request: RequestOf<T>): Promise<BackgroundResponse<T>> {
  return (await browser.runtime.sendMessage(request)) as BackgroundResponse<T>;
}
