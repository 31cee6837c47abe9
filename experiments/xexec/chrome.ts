/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

// The privileged globals an experiment script finds in its sandbox (Cc, Ci,
// Services, ExtensionCommon, ...), typed as far as this experiment uses
// them. Taken from globalThis here, so no other file of the project sees
// them as globals.

/** An XPCOM object: anything else is reached through QueryInterface. */
export interface XPCOMObject {
  QueryInterface<T>(iid: unknown): T;
}

export interface MsgFolder extends XPCOMObject {
  readonly server: IncomingServer;
  getFolderWithFlags(flags: number): MsgFolder | null;
}

export interface IncomingServer extends XPCOMObject {
  readonly key: string;
  readonly type: string;
  readonly username: string;
  /** "hostname" since Thunderbird 153, "hostName" before. */
  readonly hostname?: string;
  readonly hostName?: string;
  /** The in-memory password ("" when Thunderbird has none). */
  password: string;
  readonly rootFolder: MsgFolder;
}

export interface OutgoingServer extends XPCOMObject {
  readonly key: string;
  readonly username: string;
  readonly hostname?: string;
  readonly hostName?: string;
  password: string;
}

export interface MsgIdentity {
  readonly key: string;
}

export interface MsgAccount {
  readonly key: string;
  readonly incomingServer: IncomingServer | null;
  readonly identities: MsgIdentity[];
}

/** An nsIURI that is also an nsIMsgMailNewsUrl and an nsIImapUrl. */
export interface MailUrl extends XPCOMObject {
  /** nsIURI's "host:port". */
  readonly hostPort: string;
  errorCode: string;
  errorMessage: string;
  msgWindow: unknown;
  customCommandResult: string;
  RegisterListener(listener: UrlListener): void;
  UnRegisterListener(listener: UrlListener): void;
}

export interface UrlListener {
  QueryInterface: unknown;
  OnStartRunningUrl(url: MailUrl): void;
  OnStopRunningUrl(url: MailUrl, status: number): void;
}

export interface UserFeedbackListener {
  QueryInterface: unknown;
  onAlert(message: string, url: MailUrl | null): boolean;
  onCertError(): boolean;
}

export interface LoginInfo {
  readonly username: string;
  password: string;
  clone(): LoginInfo;
}

export interface MailServicesModule {
  readonly accounts: { getAccount(key: string): MsgAccount | null };
  readonly imap: { issueCommandOnMsgs(folder: MsgFolder, msgWindow: unknown, command: string, text: string): MailUrl };
  readonly mailSession: {
    addUserFeedbackListener(listener: UserFeedbackListener): void;
    removeUserFeedbackListener(listener: UserFeedbackListener): void;
  };
  /** "outgoingServer" since Thunderbird 128-ish, "smtp" before. */
  readonly outgoingServer?: { getServerByIdentity(identity: MsgIdentity): OutgoingServer | null };
  readonly smtp?: { getServerByIdentity(identity: MsgIdentity): OutgoingServer | null };
}

export interface Activity {
  readonly id: number;
  readonly displayText: string;
  readonly contextObj: unknown;
}

export interface ExtensionContext {
  callOnClose(closer: { close(): void }): void;
  forgetOnClose(closer: { close(): void }): void;
}

export declare class ExtensionAPIBase {
  constructor(extension: unknown);
  readonly extension: unknown;
  getAPI(context: ExtensionContext): Record<string, unknown>;
  onShutdown(isAppShutdown: boolean): void;
}

interface ChromeGlobals {
  readonly Cc: Record<string, { createInstance<T>(iid: unknown): T; getService<T>(iid: unknown): T }>;
  readonly Ci: Record<string, unknown> & {
    readonly nsMsgFolderFlags: { readonly Inbox: number };
    readonly nsIActivityWarning: abstract new () => object;
  };
  readonly Cu: { importGlobalProperties(names: string[]): void };
  readonly ChromeUtils: {
    importESModule<T>(url: string): T;
    generateQI(interfaces: string[]): unknown;
  };
  readonly Services: {
    readonly obs: { notifyObservers(subject: unknown, topic: string, data?: string): void };
    readonly prefs: { getIntPref(name: string, fallback: number): number };
    readonly logins: {
      searchLoginsAsync(query: { origin: string; httpRealm: string }): Promise<LoginInfo[]>;
      /** Thunderbird 153 (the synchronous modifyLogin is gone there). */
      modifyLoginAsync?(oldLogin: LoginInfo, newLogin: LoginInfo): Promise<void>;
      /** Thunderbird 140 (it has no modifyLoginAsync). */
      modifyLogin?(oldLogin: LoginInfo, newLogin: LoginInfo): void;
    };
  };
  readonly ExtensionCommon: { readonly ExtensionAPI: typeof ExtensionAPIBase };
  readonly ExtensionUtils: { readonly ExtensionError: new (message: string) => Error };
}

const chrome = globalThis as unknown as ChromeGlobals;

export const { Cc, Ci, Cu, ChromeUtils, Services, ExtensionCommon } = chrome;

/** The error an API function throws so that the extension sees its message (a programmer error). */
export const ExtensionError = chrome.ExtensionUtils.ExtensionError;

export const { MailServices } = ChromeUtils.importESModule<{ MailServices: MailServicesModule }>(
  'resource:///modules/MailServices.sys.mjs',
);

export const { setTimeout, clearTimeout } = ChromeUtils.importESModule<{
  setTimeout(callback: () => void, ms: number): number;
  clearTimeout(id: number): void;
}>('resource://gre/modules/Timer.sys.mjs');

/** "hostname" since Thunderbird 153, "hostName" before. */
export function hostnameOf(server: { hostname?: string; hostName?: string }): string {
  return server.hostname ?? server.hostName ?? '';
}
