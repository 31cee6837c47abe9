/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

// The nsIMsgOutgoingServer of type "xexec" (docs/THUNDERBIRD.md, "Outgoing
// server type xexec"): Thunderbird's Send and Send Later hand it the finished
// message file; it stages the file with Thunderbird's own IMAP APPEND into the
// mailbox the server's `submit` module names and then runs `submit send` over
// the same connection (PROTOCOL.md §6.8). What to send and what the answers
// mean is src/modules/submit.ts; this file only moves bytes and reports to
// Thunderbird's listener as SMTP does.

import { buildCommandText, type XexecRequest } from '../../src/protocol/command.js';
import { readReport, type ExecuteResult } from '../../src/protocol/execute-result.js';
import { checkSend, readSendResult, readSubmitInfo, submitInfoRequest, submitSendRequest, submitToken, type SubmitInfo } from '../../src/modules/submit.js';
import { Cc, Ci, ChromeUtils, MailServices, Services, hostnameOf, setTimeout, type ExtensionContext, type IncomingServer, type MsgFolder } from './chrome.js';
import type { Transport } from './transport.js';

export const OUTGOING_TYPE = 'xexec';
/** mail.smtpserver.<key>.account: the IMAP account whose connection sends. */
export const ACCOUNT_PREF = 'account';

interface XFile { readonly fileSize: number }
interface AddressObject { readonly email: string }
interface Identity { readonly key: string; readonly email: string }
interface Listener {
  onSendStart(request: unknown): void;
  onSendStop(serverURI: unknown, status: number, secInfo: null, errorMessage: string | null): unknown;
}
/** 153 passes an nsIMsgProgress (an nsIWebProgressListener), 140 an nsIMsgStatusFeedback. */
interface StatusSink { QueryInterface<T>(iid: unknown): T }
interface Folder extends MsgFolder {
  readonly name: string;
  readonly subFolders: Folder[];
  createSubfolder(name: string, msgWindow: unknown): void;
}

interface Chrome {
  readonly Components: { readonly results: { readonly NS_OK: number; readonly NS_ERROR_FAILURE: number; readonly NS_ERROR_ABORT: number } };
}
const Cr = (globalThis as unknown as Chrome).Components.results;
const prefs = Services.prefs as unknown as {
  getCharPref(name: string, fallback: string): string;
  setCharPref(name: string, value: string): void;
};
const io = (Services as unknown as { io: { newURI(spec: string): unknown } }).io;
const headerParser = (MailServices as unknown as { headerParser: { parseEncodedHeaderW(text: string): AddressObject[] } }).headerParser;
const copyService = (MailServices as unknown as {
  copy: { copyFileMessage(file: XFile, folder: Folder, replace: null, draft: boolean, flags: number, keywords: string, listener: unknown, window: null): void };
}).copy;

/** What the server object needs from the API that made it (one Transport for all its servers). */
export interface OutgoingDeps {
  readonly transport: Transport;
  readonly context: ExtensionContext;
  timeoutMs(): number;
}

const COPY_QI = ChromeUtils.generateQI(['nsIMsgCopyServiceListener']);
const FOLDER_WAIT_MS = 30000;

function sha256(data: Uint8Array): Promise<ArrayBuffer> {
  const hash = Cc['@mozilla.org/security/hash;1']!.createInstance<{ init(algorithm: number): void; update(data: Uint8Array, length: number): void; finish(base64: boolean): string; readonly SHA256: number }>(Ci.nsICryptoHash);
  hash.init(hash.SHA256);
  hash.update(data, data.length);
  const binary = hash.finish(false);
  return Promise.resolve(Uint8Array.from(binary, (c) => c.charCodeAt(0)).buffer);
}

/** Progress text into the compose window's status line, whichever kind Thunderbird gave. */
function showStatus(sink: StatusSink | null, text: string): void {
  if (!sink) return;
  try {
    sink.QueryInterface<{ onStatusChange(p: null, r: null, s: number, m: string): void }>(Ci.nsIWebProgressListener).onStatusChange(null, null, 0, text);
    return;
  } catch {
    // not an nsIMsgProgress (Thunderbird 140)
  }
  try {
    sink.QueryInterface<{ showStatusString(m: string): void }>(Ci.nsIMsgStatusFeedback).showStatusString(text);
  } catch {
    // no status line to show it in
  }
}

const URL_LISTENER_QI = ChromeUtils.generateQI(['nsIUrlListener']);
/** imapMessageFlagsType's \\Deleted (kImapMsgDeletedFlag). */
const IMAP_DELETED = 0x0008;
const imapService = MailServices.imap as unknown as {
  addMessageFlags(folder: Folder, listener: unknown, uids: string, flags: number, areUids: boolean): void;
  expunge(folder: Folder, listener: unknown, msgWindow: unknown): void;
};

/** `UID STORE <uid> +FLAGS (\\Deleted)`, then EXPUNGE of the staging mailbox; best effort, in the background. */
function removeStaged(folder: Folder, uid: number): void {
  const listener = {
    QueryInterface: URL_LISTENER_QI,
    OnStartRunningUrl() {},
    OnStopRunningUrl(_url: unknown, status: number) {
      if (status !== 0) return;
      try {
        imapService.expunge(folder, null, null);
      } catch (e) {
        console.warn('xexec: could not expunge the staging mailbox', e);
      }
    },
  };
  try {
    imapService.addMessageFlags(folder, listener, String(uid), IMAP_DELETED, true);
  } catch (e) {
    console.warn('xexec: could not remove the staged message', e);
  }
}

class SendFailure extends Error {
  constructor(message: string, readonly status: number = Cr.NS_ERROR_FAILURE) {
    super(message);
  }
}

export class XexecOutgoingServer {
  readonly QueryInterface = ChromeUtils.generateQI(['nsIMsgOutgoingServer']) as (iid: unknown) => unknown;
  private serverKey = '';
  private cancelled = false;

  constructor(private readonly deps: OutgoingDeps) {}

  get key(): string { return this.serverKey; }
  set key(value: string) { this.serverKey = value; }
  get type(): string { return OUTGOING_TYPE; }
  private pref(name: string): string { return prefs.getCharPref(`mail.smtpserver.${this.serverKey}.${name}`, ''); }
  get UID(): string {
    let uid = this.pref('uid');
    if (uid === '') {
      uid = String((Services as unknown as { uuid: { generateUUID(): object } }).uuid.generateUUID()).slice(1, -1);
      prefs.setCharPref(`mail.smtpserver.${this.serverKey}.uid`, uid);
    }
    return uid;
  }
  set UID(value: string) { prefs.setCharPref(`mail.smtpserver.${this.serverKey}.uid`, value); }
  get description(): string { return this.pref('description'); }
  set description(value: string) { prefs.setCharPref(`mail.smtpserver.${this.serverKey}.description`, value); }
  private get incoming(): IncomingServer | null {
    return MailServices.accounts.getAccount(this.pref(ACCOUNT_PREF))?.incomingServer ?? null;
  }
  get username(): string { return this.incoming?.username ?? ''; }
  set username(_value: string) { /* the IMAP account's login is used */ }
  // The IMAP connection is already logged in: this server keeps no password.
  get password(): string { return ''; }
  set password(_value: string) {}
  get displayname(): string { return `${hostnameOf(this.incoming ?? {})} (IMAP)`; }
  get authMethod(): number { return (Ci.nsMsgAuthMethod as { none: number }).none; }
  set authMethod(_value: number) {}
  get socketType(): number { return 0; }
  set socketType(_value: number) {}
  get serverURI(): unknown { return io.newURI(`imap://${hostnameOf(this.incoming ?? {}) || 'localhost'}`); }
  get maximumConnectionsNumber(): number { return 1; }
  set maximumConnectionsNumber(_value: number) {}
  closeCachedConnections(): void {}
  getPasswordWithUI(): string { return ''; }
  forgetPassword(): void {}
  verifyLogon(): unknown { return this.serverURI; }
  clearAllValues(): void {
    (Services.prefs as unknown as { deleteBranch(name: string): void }).deleteBranch(`mail.smtpserver.${this.serverKey}.`);
  }

  /**
   * The same arguments in 140 and 153; only the status sink's interface differs (showStatus).
   * 140 waits for onSendStart before it goes on, 153 for onSendStop: both are called, once each.
   */
  sendMailMessage(file: XFile, visible: AddressObject[], bcc: AddressObject[], identity: Identity, sender: string,
    _password: string, status: StatusSink | null, _dsn: boolean, messageId: string, listener: Listener | null): void {
    this.cancelled = false;
    const request = {
      QueryInterface: ChromeUtils.generateQI(['nsIRequest']),
      cancel: () => { this.cancelled = true; },
    };
    listener?.onSendStart(request);
    this.send(file, [...visible, ...bcc].map((r) => r.email), identity, sender, status, messageId).then(
      () => listener?.onSendStop(this.serverURI, Cr.NS_OK, null, null),
      (e: unknown) => {
        const failure = e instanceof SendFailure ? e : new SendFailure(String((e as Error)?.message ?? e));
        // The browser console keeps what the compose window's alert showed (never the message).
        console.warn(`xexec: sending through the IMAP connection failed: ${failure.message}`, e);
        listener?.onSendStop(this.serverURI, this.cancelled ? Cr.NS_ERROR_ABORT : failure.status, null, failure.message);
      },
    );
  }

  private async run(server: IncomingServer, request: XexecRequest): Promise<ExecuteResult> {
    if (this.cancelled) throw new SendFailure('Cancelled.', Cr.NS_ERROR_ABORT);
    const text = buildCommandText(request);
    if (!text.ok) throw new SendFailure(text.error.message);
    const report = await this.deps.transport.send(this.deps.context, this.pref(ACCOUNT_PREF), server, text.value, this.deps.timeoutMs());
    return readReport(report, request.module);
  }

  private async send(file: XFile, recipients: string[], identity: Identity, sender: string, status: StatusSink | null, messageId: string): Promise<void> {
    const server = this.incoming;
    if (!server || server.type !== 'imap') throw new SendFailure('The IMAP account this outgoing server sends through is gone.');
    showStatus(status, `Sending through ${hostnameOf(server)} (XEXEC)…`);
    const info = readSubmitInfo(await this.run(server, submitInfoRequest()));
    if (!info.ok) {
      const why = info.error.kind === 'failed' ? info.error.result.message : info.error.error.message;
      throw new SendFailure(`The server cannot send mail over IMAP: ${why}`);
    }
    const token = await submitToken(messageId, sha256);
    if (!token.ok) throw new SendFailure(token.error);
    const headerFrom = headerParser.parseEncodedHeaderW(sender)[0]?.email;
    const input = { uid: 0, token: token.value, from: identity.email, recipients, size: file.fileSize, ...(headerFrom ? { headerFrom } : {}) };
    // Refused before staging: nothing is left in the server's mailbox.
    const checked = checkSend(input, info.value, false);
    if (!checked.ok) throw new SendFailure(checked.error.message);

    const folder = await this.stagingFolder(server, info.value);
    showStatus(status, 'Uploading the message…');
    const uid = await this.stage(file, folder);
    const request = submitSendRequest({ ...input, uid }, info.value);
    if (!request.ok) throw new SendFailure(request.error.message);
    showStatus(status, 'Handing the message to the server…');
    const outcome = readSendResult(await this.run(server, request.value));
    if (outcome.kind === 'sent') return;
    // Refused or failed, the module sent nothing and keeps the staged copy: a new Send stages a
    // new one, so this one goes. With an unknown outcome it may still be sent: it stays.
    if (outcome.kind === 'refused' || outcome.kind === 'failed') removeStaged(folder, uid);
    throw new SendFailure(outcome.message);
  }

  /** The mailbox `submit` names, created (CREATE through Thunderbird) when the account has none. */
  private async stagingFolder(server: IncomingServer, info: SubmitInfo): Promise<Folder> {
    const root = server.rootFolder as Folder;
    const find = () => root.subFolders.find((f) => f.name === info.mailbox) ?? null;
    let folder = find();
    if (folder) return folder;
    root.createSubfolder(info.mailbox, null);
    for (let waited = 0; waited < FOLDER_WAIT_MS; waited += 100) {
      await new Promise<void>((resolve) => setTimeout(resolve, 100));
      if (this.cancelled) throw new SendFailure('Cancelled.', Cr.NS_ERROR_ABORT);
      folder = find();
      if (folder) return folder;
    }
    throw new SendFailure(`Thunderbird could not create the mailbox "${info.mailbox}" on the server.`);
  }

  /** APPENDs the file into `folder` with Thunderbird's copy service; resolves the new UID (APPENDUID). */
  private stage(file: XFile, folder: Folder): Promise<number> {
    return new Promise((resolve, reject) => {
      let uid = 0;
      const listener = {
        QueryInterface: COPY_QI,
        onStartCopy() {},
        onProgress() {},
        setMessageKey(key: number) { uid = key; },
        getMessageId() { return ''; },
        onStopCopy(status: number) {
          if (status !== 0) reject(new SendFailure(`The server did not take the message into "${folder.name}" (0x${(status >>> 0).toString(16)}).`));
          else if (!(uid > 0)) reject(new SendFailure('The server did not tell the staged message\'s UID (no UIDPLUS).'));
          else resolve(uid);
        },
      };
      copyService.copyFileMessage(file, folder, null, false, 0, '', listener, null);
    });
  }
}
