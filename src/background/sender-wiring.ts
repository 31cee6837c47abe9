/**
 * Block/allow from the message, wired to Thunderbird: the one call the background makes
 * (index.ts). The logic is in sender-actions.ts and sender-run.ts, which see Thunderbird only
 * through `SenderApis`.
 */

import browser from 'webextension-polyfill';
import { t } from '../messages/i18n.js';
import type { BackgroundResponse } from '../messages/messages.js';
import { isSenderMessage } from '../messages/sender.js';
import { handleSenderMessage, registerSenderActions, type SenderDeps, type StorageArea } from './sender-actions.js';
import type { SenderApis } from './sender-apis.js';
import type { Ask } from './sender-run.js';

export interface SenderActions {
  /** The answer to a result page's message, or undefined when the message is not one of them. */
  handle(message: unknown): Promise<unknown> | undefined;
  /** Creates the menu items (after the add-on's items were replaced). */
  createMenus(): void;
}

/** `route` is the router's handle(): the lists change through the same code as the settings tab's. */
export function startSenderActions(route: (request: unknown) => Promise<BackgroundResponse>): SenderActions {
  const messenger = (globalThis as unknown as { messenger: Omit<SenderApis, 'menus'> & { windows: { create(o: object): Promise<unknown> } } }).messenger;
  const menus = (browser as unknown as { menus: SenderApis['menus'] }).menus;
  const storage = browser.storage as unknown as { session: StorageArea; local: StorageArea };
  const deps: SenderDeps = {
    apis: {
      menus,
      commands: (browser as unknown as { commands?: SenderApis['commands'] }).commands,
      messages: messenger.messages,
      folders: messenger.folders,
      accounts: messenger.accounts,
      mailTabs: messenger.mailTabs,
      messageDisplay: messenger.messageDisplay,
      messageDisplayAction: messenger.messageDisplayAction,
      messengerUtilities: messenger.messengerUtilities,
    },
    ask: route as Ask,
    t,
    session: storage.session,
    local: storage.local,
    openWindow: (url) => messenger.windows.create({ type: 'popup', url, width: 520, height: 320, allowScriptsToClose: true }),
    getURL: (path) => browser.runtime.getURL(path),
  };
  const createMenus = registerSenderActions(deps);
  return {
    handle: (message) => (isSenderMessage(message) ? handleSenderMessage(deps, message) : undefined),
    createMenus,
  };
}
