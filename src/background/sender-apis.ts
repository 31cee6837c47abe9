/**
 * The parts of Thunderbird's WebExtension APIs that block/allow-from-the-message uses, typed
 * (the polyfill knows only Firefox's namespaces). Shapes as in Thunderbird 140 and 153, MV3.
 */

import type { ParsedMailbox } from '../modules/sender.js';

export interface MailFolder {
  readonly id: string;
  readonly accountId: string;
  readonly name?: string;
  readonly path?: string;
  readonly specialUse?: readonly string[];
}

export interface MessageHeader {
  readonly id: number;
  readonly author: string;
  readonly headerMessageId: string;
  readonly folder?: MailFolder;
  readonly junk?: boolean;
}

export interface MessageList {
  readonly id: string | null;
  readonly messages: readonly MessageHeader[];
}

/** menus.onShown / onClicked data of the message list and the message display action. */
export interface MenuInfo {
  readonly menuItemId?: string | number;
  readonly menuIds?: readonly (string | number)[];
  readonly contexts?: readonly string[];
  readonly selectedMessages?: MessageList;
}

export interface MenuItem {
  readonly id: string;
  readonly parentId?: string;
  readonly title: string;
  readonly contexts: readonly string[];
  readonly visible?: boolean;
  readonly enabled?: boolean;
}

export interface Tab {
  readonly id?: number;
}

export interface SenderApis {
  readonly menus: {
    create(item: MenuItem): unknown;
    update(id: string, props: { title?: string; visible?: boolean; enabled?: boolean }): Promise<void>;
    refresh(): Promise<void>;
    onShown: { addListener(listener: (info: MenuInfo, tab?: Tab) => void): void };
    onHidden: { addListener(listener: () => void): void };
    onClicked: { addListener(listener: (info: MenuInfo, tab?: Tab) => void): void };
  };
  readonly messages: {
    continueList(listId: string): Promise<MessageList>;
    update(id: number, props: { junk?: boolean }): Promise<void>;
    move(ids: number[], folderId: string): Promise<void>;
    query(query: { folderId?: string; headerMessageId?: string }): Promise<MessageList | readonly MessageHeader[]>;
    onUpdated: { addListener(listener: (message: MessageHeader, changed: { junk?: boolean }) => void): void };
  };
  readonly folders: {
    query(query: { accountId: string; specialUse?: string[]; name?: string; isRoot?: boolean }): Promise<readonly MailFolder[]>;
    create(parentId: string, name: string): Promise<MailFolder>;
    getFolderCapabilities(folderId: string): Promise<{ canDeleteMessages?: boolean }>;
  };
  readonly accounts: {
    get(accountId: string, includeSubFolders?: boolean): Promise<{ id: string; type: string; rootFolder?: MailFolder } | null>;
  };
  /** Keyboard shortcuts; absent where a test's fake has none. */
  readonly commands?: {
    onCommand: { addListener(listener: (command: string, tab?: Tab) => void): void };
  };
  readonly mailTabs: {
    query(query: object): Promise<readonly { readonly id: number }[]>;
    getSelectedMessages(tabId: number): Promise<MessageList | readonly MessageHeader[]>;
  };
  readonly messageDisplay: {
    getDisplayedMessages(tabId: number): Promise<MessageList | readonly MessageHeader[]>;
    onMessagesDisplayed?: { addListener(listener: (tab: Tab, messages: MessageList | readonly MessageHeader[]) => void): void };
  };
  /** The message header's button; absent where a test's fake has none. */
  readonly messageDisplayAction?: {
    enable(tabId: number): Promise<void>;
    disable(tabId: number): Promise<void>;
  };
  readonly messengerUtilities: {
    parseMailboxString(text: string): Promise<ParsedMailbox[]>;
  };
}

/** Both shapes a message list comes in (an array before MV3's paginated lists). */
export function asList(value: MessageList | readonly MessageHeader[]): MessageList {
  return Array.isArray(value) ? { id: null, messages: value as readonly MessageHeader[] } : (value as MessageList);
}
