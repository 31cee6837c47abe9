// End-to-end: sending mail through the IMAP connection (issue 15) in a real, headless
// Thunderbird against a real Dovecot with the reference `submit` module (PROTOCOL.md §6.8),
// whose sendmail is the fixture's capture. The account's only other outgoing server is an SMTP
// server at a closed loopback port, so anything that arrives came through XEXEC. Messages are
// written and sent as an add-on would: messenger.compose.beginNew + sendMessage (the staged
// test add-on gets the compose permissions; the shipped one has none).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pw, referenceModules, startServer, submitModule, USERS, type TestServer } from '../server/fixture/index.js';
import { buildAddon, TEST_PAGE, type BuiltAddon } from './addon.js';
import { freePort } from '../support/lifecycle.js';
import { stopAll } from './teardown.js';
import { delay, startThunderbird, thunderbirdAvailable, type ExtensionPage, type Thunderbird } from './thunderbird.js';

let built: BuiltAddon;
let server: TestServer;
let tb: Thunderbird;
let addonId: string;
let page: ExtensionPage;
let account: string;
let smtpKey: string;

interface Sent { readonly ok: boolean; readonly error?: string; readonly headerMessageId?: string | null; readonly folder?: string; readonly tabId: number }

/**
 * Writes a plain-text message in a compose window and starts sending it; the window's tab id.
 * The outcome comes from outcome(): a failed send waits for its alert to be closed.
 */
async function startSend(details: Record<string, unknown>): Promise<number> {
  return page.run<number>(`
    const [accountId, details] = arguments;
    const account = await page.messenger.accounts.get(accountId);
    const tab = await page.messenger.compose.beginNew({ identityId: account.identities[0].id, isPlainText: true, ...details });
    page.xexecSend = page.messenger.compose.sendMessage(tab.id).then(
      (sent) => ({ ok: true, tabId: tab.id, headerMessageId: sent.headerMessageId, folder: sent.messages[0] && sent.messages[0].folder.path }),
      (e) => ({ ok: false, tabId: tab.id, error: String((e && e.message) || e) }));
    return tab.id;
  `, [account, details]);
}

async function outcome(): Promise<Sent> {
  return page.run<Sent>('return page.xexecSend;');
}

/** The text of the alert dialogs Thunderbird shows (commonDialog), closing them; waits up to 30 s for one when `wait`. */
async function takeAlerts(wait = false): Promise<string[]> {
  return tb.chrome<string[]>(`
    const wait = arguments[0];
    for (let i = 0; ; i++) {
      const out = [];
      for (const w of Services.wm.getEnumerator(null)) {
        if (w.location.href !== "chrome://global/content/commonDialog.xhtml" || w.document.readyState !== "complete") continue;
        const body = w.document.getElementById("infoBody");
        // Filled in by the dialog's own load handler: an empty one is not ready yet.
        if (!body || !body.textContent) continue;
        out.push(body.textContent);
        const dialog = w.document.querySelector("dialog");
        if (dialog && dialog.getButton) dialog.getButton("accept").click();
        else w.close();
      }
      if (out.length || !wait || i >= 300) return out;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  `, [wait]);
}

/** What Thunderbird's outgoing-server service says about the account's identity. */
async function identityServer(): Promise<{ key: string; type: string; smtpServerKey: string; servers: string; xexecContract: boolean }> {
  return tb.chrome(`
    const identity = MailServices.accounts.getAccount(arguments[0]).identities[0];
    const server = MailServices.outgoingServer.getServerByIdentity(identity);
    return {
      key: server ? server.key : "", type: server ? server.type : "", smtpServerKey: identity.smtpServerKey,
      servers: MailServices.outgoingServer.servers.map((s) => s.key + ":" + s.type).join(","),
      xexecContract: "@mozilla.org/messenger/outgoing/server;1?type=xexec" in Cc,
    };
  `, [account]);
}

// One build for both Thunderbirds of this file.
beforeAll(async () => {
  if (!thunderbirdAvailable()) throw new Error('Thunderbird is missing: run `npm run deps` as root');
  built = await buildAddon();
}, 180_000);

afterAll(() => built?.remove());

describe('sending through the IMAP connection (outgoing server type xexec)', () => {
  beforeAll(async () => {
    // Three messages an hour: the fourth send below meets the server's own refusal.
    server = await startServer({ modules: (dir) => [...referenceModules(dir), submitModule(dir, ['--log=none', '--per-hour=3'])] });
    const manifestPath = path.join(built.testAddonDir, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { permissions: string[] };
    manifest.permissions.push('compose', 'compose.send');
    fs.writeFileSync(manifestPath, JSON.stringify(manifest));
    // The Sent folder the account wizard would have (Thunderbird 140 does not create a missing one here).
    const c = await server.login(USERS.alice);
    try {
      for (const command of ['CREATE "Sent"', 'SUBSCRIBE "Sent"']) expect((await c.command(command)).status).toBe('OK');
    } finally {
      await c.logout();
    }
    tb = await startThunderbird();
    addonId = await tb.installAddon(built.testAddonDir);
    const created = await tb.createImapAccount({
      port: server.imapPort, user: USERS.alice, password: pw(USERS.alice), smtp: { port: await freePort() /* nothing listens: SMTP sends fail at once */ },
    });
    account = created.accountId;
    smtpKey = created.smtpKey!;
    // The account wizard's Sent folder setting (createImapAccount leaves the identity without one).
    await tb.chrome(`
      const a = MailServices.accounts.getAccount(arguments[0]);
      const identity = a.identities[0];
      identity.fccFolderURI = a.incomingServer.serverURI + "/Sent";
      identity.doFcc = true;
      // Local Folders, whose "Unsent Messages" is the Outbox of Send Later (the wizard makes it).
      try { MailServices.accounts.localFoldersServer; } catch { MailServices.accounts.createLocalMailAccount(); }
    `, [account]);
    page = await tb.openExtensionPage(addonId, TEST_PAGE);
  }, 180_000);

  afterAll(async () => {
    await stopAll({ tb, servers: [server], cleanLogs: [server] });
  }, 120_000);

  it('turns on: the identity gets an xexec server, the SMTP one is remembered', async () => {
    expect(await page.run('return page.messenger.xexecOutgoing.state(arguments[0]);', [account])).toEqual({ enabled: false, serverKey: '' });
    const state = await page.run<{ enabled: boolean; serverKey: string }>('return page.messenger.xexecOutgoing.enable(arguments[0]);', [account]);
    expect(state.enabled).toBe(true);
    const now = await identityServer();
    expect(now).toMatchObject({ key: state.serverKey, type: 'xexec', smtpServerKey: state.serverKey });
    expect(await tb.chrome('return Services.prefs.getCharPref("extensions.xexec.sending-previous." + MailServices.accounts.getAccount(arguments[0]).identities[0].key);', [account])).toBe(smtpKey);
  });

  it('sends a plain message: it reaches the MTA with the right envelope, Bcc only in the envelope, a copy in Sent', async () => {
    await startSend({ to: ['bob@example.com'], cc: ['carol@example.com'], bcc: ['dave@example.com'], subject: 'Through IMAP', plainTextBody: 'Hello over XEXEC.' });
    const sent = await outcome();
    expect(sent).toMatchObject({ ok: true, folder: '/Sent' });
    const captured = server.captured();
    expect(captured).toHaveLength(1);
    const mail = captured[0]!;
    expect(mail.sender).toBe('alice@example.com');
    expect([...mail.recipients].sort()).toEqual(['bob@example.com', 'carol@example.com', 'dave@example.com']);
    expect(mail.data).toMatch(/^Subject: Through IMAP\r?$/m);
    expect(mail.data).toContain('Hello over XEXEC.');
    expect(mail.data).not.toMatch(/^Bcc:/im);
    expect(mail.data).toContain(`<${sent.headerMessageId}>`);
    // The staged copy is gone; Thunderbird's own copy is in Sent.
    expect(server.mailbox(USERS.alice, 'XEXEC Outbox')).toHaveLength(0);
    expect(server.mailbox(USERS.alice, 'Sent').some((m) => m.includes('Hello over XEXEC.'))).toBe(true);
    expect(await takeAlerts()).toEqual([]);
  });

  it('sends a message with a 10 MB attachment', async () => {
    const before = server.captured().length;
    const started = await page.run<number>(`
      const [accountId] = arguments;
      const account = await page.messenger.accounts.get(accountId);
      // 10 MiB of bytes that base64 cannot shorten; a fixed pattern so the test can check them.
      const bytes = new page.Uint8Array(10 * 1024 * 1024);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + (i >> 10)) & 0xff;
      const file = new page.File([bytes], "big.bin", { type: "application/octet-stream" });
      const tab = await page.messenger.compose.beginNew({ identityId: account.identities[0].id, isPlainText: true,
        to: ["bob@example.com"], subject: "Big one", plainTextBody: "Ten megabytes attached.", attachments: [{ file }] });
      page.xexecSend = page.messenger.compose.sendMessage(tab.id).then(
        (sent) => ({ ok: true, tabId: tab.id, headerMessageId: sent.headerMessageId }),
        (e) => ({ ok: false, tabId: tab.id, error: String((e && e.message) || e) }));
      return tab.id;
    `, [account]);
    expect(started).toBeGreaterThan(0);
    const sent = await outcome();
    expect(sent).toMatchObject({ ok: true });
    expect(sent.headerMessageId).toBeTruthy();
    const captured = server.captured();
    expect(captured).toHaveLength(before + 1);
    const mail = captured.at(-1)!;
    expect(mail.recipients).toEqual(['bob@example.com']);
    const part = /filename="?big\.bin"?[\s\S]*?\r?\n\r?\n([A-Za-z0-9+/=\r\n]+)/.exec(mail.data);
    expect(part).not.toBeNull();
    const decoded = Buffer.from(part![1]!.replace(/\s/g, ''), 'base64');
    expect(decoded.length).toBe(10 * 1024 * 1024);
    expect(decoded.every((b, i) => b === ((i * 7 + (i >> 10)) & 0xff))).toBe(true);
    expect(server.mailbox(USERS.alice, 'XEXEC Outbox')).toHaveLength(0);
  }, 120_000);

  it('Send Later puts the message in the Outbox, and sending the Outbox delivers it', async () => {
    const before = server.captured().length;
    const tabId = await page.run<number>(`
      const [accountId] = arguments;
      const account = await page.messenger.accounts.get(accountId);
      const tab = await page.messenger.compose.beginNew({ identityId: account.identities[0].id, isPlainText: true,
        to: ["bob@example.com"], subject: "Later", plainTextBody: "Sent from the Outbox." });
      const sent = await page.messenger.compose.sendMessage(tab.id, { mode: "sendLater" });
      return sent.mode === "sendLater" ? tab.id : -1;
    `, [account]);
    expect(tabId).toBeGreaterThan(0);
    expect(server.captured()).toHaveLength(before);
    // The Outbox ("Unsent Messages" of Local Folders) sent as File > Send Unsent Messages does.
    const result = await tb.chrome<{ status: number; sent: number }>(`
      const identity = MailServices.accounts.getAccount(arguments[0]).identities[0];
      const sendLater = Cc["@mozilla.org/messengercompose/sendlater;1"].getService(Ci.nsIMsgSendLater);
      return new Promise((resolve) => {
        const listener = {
          QueryInterface: ChromeUtils.generateQI(["nsIMsgSendLaterListener"]),
          onStartSending() {}, onMessageStartSending() {}, onMessageSendProgress() {}, onMessageSendError() {},
          onStopSending(status, msg, total, successful) { sendLater.removeListener(listener); resolve({ status, sent: successful }); },
        };
        sendLater.addListener(listener);
        sendLater.sendUnsentMessages(identity);
      });
    `, [account]);
    expect(result).toEqual({ status: 0, sent: 1 });
    const captured = server.captured();
    expect(captured).toHaveLength(before + 1);
    expect(captured.at(-1)!.data).toContain('Sent from the Outbox.');
    expect(captured.at(-1)!.sender).toBe('alice@example.com');
    expect(server.mailbox(USERS.alice, 'Sent').some((m) => m.includes('Sent from the Outbox.'))).toBe(true);
  }, 120_000);

  it('the server\'s refusal (its hourly limit) is shown in its words, the compose window stays open', async () => {
    const before = server.captured().length;
    await startSend({ to: ['bob@example.com'], subject: 'One too many', plainTextBody: 'Over the limit.' });
    const alerts = await takeAlerts(true);
    expect(alerts.join('\n')).toContain('The hourly sending limit is reached; try again later');
    expect((await outcome()).headerMessageId ?? null).toBeNull();
    expect(server.captured()).toHaveLength(before);
    expect(await tb.chrome<number>('return [...Services.wm.getEnumerator("msgcompose")].length;')).toBe(1);
    // The module kept its staged copy; the add-on removes it, since a new Send stages anew.
    for (let i = 0; i < 100 && server.mailbox(USERS.alice, 'XEXEC Outbox').length > 0; i++) await delay(100);
    expect(server.mailbox(USERS.alice, 'XEXEC Outbox')).toHaveLength(0);
    await tb.chrome(`
      for (const w of Services.wm.getEnumerator("msgcompose")) { w.SetContentAndBodyAsUnmodified(); w.close(); }
    `);
  });

  it('refuses a From that is not the user\'s: the sentence shown, the compose window still open, nothing sent', async () => {
    await startSend({ from: 'The Boss <boss@example.com>', to: ['bob@example.com'], subject: 'Not mine', plainTextBody: 'Should not go.' });
    const alerts = await takeAlerts(true);
    expect(alerts.join('\n')).toContain('may not send as boss@example.com');
    const sent = await outcome();
    // Thunderbird's compose API resolves a failed send without a Message-ID (140 and 153).
    expect(sent.ok ? sent.headerMessageId ?? null : null).toBeNull();
    // The window is still there, with what was written.
    const details = await page.run<{ subject: string }>('return page.messenger.compose.getComposeDetails(arguments[0]);', [sent.tabId]);
    expect(details.subject).toBe('Not mine');
    expect(server.captured().some((m) => m.data.includes('Should not go.'))).toBe(false);
    await tb.chrome(`
      // Unmodified, so closing asks nothing (140 and 153).
      for (const w of Services.wm.getEnumerator("msgcompose")) { w.SetContentAndBodyAsUnmodified(); w.close(); }
    `);
  });

  it('the settings tab offers Sending, and its switch (the background\'s sending.set) turns it off and on again', async () => {
    const settings = await tb.openExtensionPage(addonId, `ui/options/options.html?account=${account}`);
    try {
      const tabs = await settings.run<string[]>(`
        for (let i = 0; i < 300; i++) {
          const tabs = [...page.document.querySelectorAll('[role="tab"]')].map((e) => e.textContent.trim());
          if (tabs.includes('Sending')) return tabs;
          await new Promise((resolve) => page.setTimeout(resolve, 100));
        }
        return [...page.document.querySelectorAll('[role="tab"]')].map((e) => e.textContent.trim());
      `);
      expect(tabs).toContain('Sending');
    } finally {
      await settings.close();
    }
    const send = (on: boolean) => page.run<{ ok: boolean; value?: { enabled: boolean; serverKey: string } }>(
      'return await page.browser.runtime.sendMessage({ type: "sending.set", accountId: arguments[0], on: arguments[1] });', [account, on]);
    expect(await send(false)).toEqual({ ok: true, value: { enabled: false, serverKey: '' } });
    expect(await identityServer()).toMatchObject({ key: smtpKey, type: 'smtp', smtpServerKey: smtpKey, servers: `${smtpKey}:smtp` });
    const on = await send(true);
    expect(on).toMatchObject({ ok: true, value: { enabled: true } });
    expect(await identityServer()).toMatchObject({ key: on.value!.serverKey, type: 'xexec' });
  });

  it('removing the add-on gives the identity its SMTP server back, and Thunderbird starts and finds it', async () => {
    await tb.uninstallAddon(addonId);
    const after = await identityServer();
    expect(after).toEqual({ key: smtpKey, type: 'smtp', smtpServerKey: smtpKey, servers: `${smtpKey}:smtp`, xexecContract: false });
    expect(await tb.chrome('return Services.prefs.getCharPref("mail.smtpservers", "");')).toBe(smtpKey);
    await tb.restart();
    expect(await identityServer()).toEqual(after);
  });
});

// An account with no outgoing server at all, the case issue 15 is about.
describe('an installed (not temporary) add-on across a restart, no SMTP server at all', () => {
  let server2: TestServer;
  let tb2: Thunderbird;
  let account2: string;

  beforeAll(async () => {
    server2 = await startServer({ modules: (dir) => [...referenceModules(dir), submitModule(dir, ['--log=none'])] });
    tb2 = await startThunderbird();
    const id = await tb2.installAddon(built.xpi, false);
    // The password saved, as the account wizard does: Thunderbird logs in again after the restart.
    const created = await tb2.createImapAccount({
      port: server2.imapPort, user: USERS.alice, password: pw(USERS.alice), savePassword: true,
    });
    account2 = created.accountId;
    expect(await tb2.chrome('return MailServices.outgoingServer.servers.length;')).toBe(0);
    // Its own settings page turns sending through IMAP on, as the user would.
    const settings = await tb2.openExtensionPage(id, 'ui/options/options.html');
    const on = await settings.run<{ ok: boolean }>('return await page.browser.runtime.sendMessage({ type: "sending.set", accountId: arguments[0], on: true });', [account2]);
    expect(on.ok).toBe(true);
    await settings.close();
  }, 180_000);

  afterAll(async () => {
    await stopAll({ tb: tb2, servers: [server2], cleanLogs: [server2] });
  }, 120_000);

  /** Sends a finished message file as Send Later's queue does (nsIMsgSend.sendMessageFile): the status. */
  async function sendFile(subject: string): Promise<number> {
    return tb2.chrome<number>(`
      const [accountId, subject] = arguments;
      const identity = MailServices.accounts.getAccount(accountId).identities[0];
      identity.doFcc = false;
      const id = "<" + Services.uuid.generateUUID().toString().slice(1, -1) + "@example.com>";
      const text = "From: alice@example.com\\r\\nTo: bob@example.com\\r\\nSubject: " + subject + "\\r\\nMessage-ID: " + id +
        "\\r\\nDate: " + new Date().toUTCString() + "\\r\\n\\r\\nHello after a restart.\\r\\n";
      const path = PathUtils.join(PathUtils.tempDir, "xexec-e2e-" + Date.now() + ".eml");
      await IOUtils.writeUTF8(path, text);
      const file = Cc["@mozilla.org/file/local;1"].createInstance(Ci.nsIFile);
      file.initWithPath(path);
      const fields = Cc["@mozilla.org/messengercompose/composefields;1"].createInstance(Ci.nsIMsgCompFields);
      fields.from = "alice@example.com";
      fields.to = "bob@example.com";
      fields.subject = subject;
      fields.messageId = id;
      const send = Cc["@mozilla.org/messengercompose/send;1"].createInstance(Ci.nsIMsgSend);
      return new Promise((resolve) => {
        const listener = {
          QueryInterface: ChromeUtils.generateQI(["nsIMsgSendListener"]),
          onStartSending() {}, onProgress() {}, onStatus() {}, onGetDraftFolderURI() {}, onSendNotPerformed() {},
          onTransportSecurityError() {},
          onStopSending(msgId, status) { resolve(status); },
        };
        // 140 takes a status feedback before the password; 153 does not.
        const rest = parseInt(Services.appinfo.version, 10) >= 150 ? [listener, ""] : [listener, null, ""];
        send.sendMessageFile(identity, accountId, fields, file, true, false, Ci.nsIMsgSend.nsMsgDeliverNow, null, ...rest);
      });
    `, [account2, subject]);
  }

  it('sends before and after a restart through its IMAP connection; the add-on removed, no outgoing server is left', async () => {
    expect(await sendFile('Before restart')).toBe(0);
    const uid = () => tb2.chrome<string>(`
      const identity = MailServices.accounts.getAccount(arguments[0]).identities[0];
      return MailServices.outgoingServer.getServerByIdentity(identity).UID;
    `, [account2]);
    const uidBefore = await uid();
    await tb2.restart();
    const state = await tb2.chrome<{ type: string; servers: string }>(`
      const identity = MailServices.accounts.getAccount(arguments[0]).identities[0];
      return { type: MailServices.outgoingServer.getServerByIdentity(identity).type,
        servers: MailServices.outgoingServer.servers.map((s) => s.type).join(",") };
    `, [account2]);
    expect(state).toEqual({ type: 'xexec', servers: 'xexec' });
    // A new entry (its UID is new): the old one was removed at shutdown, so a Thunderbird started
    // without the add-on would have found none, and start-up made it again.
    expect(await uid()).not.toBe(uidBefore);
    expect(await sendFile('After restart')).toBe(0);
    const subjects = server2.captured().map((m) => /^Subject: (.*?)\r?$/m.exec(m.data)?.[1]);
    expect(subjects).toEqual(['Before restart', 'After restart']);

    await tb2.uninstallAddon('xexec@xexec.invalid');
    await tb2.restart();
    // No outgoing server again, as before; the service answers instead of throwing.
    expect(await tb2.chrome(`
      const identity = MailServices.accounts.getAccount(arguments[0]).identities[0];
      const server = MailServices.outgoingServer.getServerByIdentity(identity);
      return { server: server ? server.key : null, key: identity.smtpServerKey || "", servers: Services.prefs.getCharPref("mail.smtpservers", ""),
        defaultServer: Services.prefs.getCharPref("mail.smtp.defaultserver", "") };
    `, [account2])).toEqual({ server: null, key: '', servers: '', defaultServer: '' });
  }, 180_000);
});
