// End-to-end: the administrator's `sending: "on"` (docs/ADMIN.md) in a real, headless
// Thunderbird whose policies.json says so for the test server's host, against a real Dovecot
// with the reference `submit` module (PROTOCOL.md §6.8; sendmail is the fixture's capture).
// Nobody clicks anything: the add-on's background, started by the install, finds submit and
// moves the identity to the xexec outgoing server; a message written with
// messenger.compose.beginNew + sendMessage reaches the capture (the account's SMTP server is at
// a closed loopback port, so whatever arrives came through XEXEC); the settings tab shows the
// switch on and read-only, and the background refuses to turn it off.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pw, referenceModules, startServer, submitModule, USERS, type TestServer } from '../server/fixture/index.js';
import { buildAddon, TEST_PAGE, type BuiltAddon } from './addon.js';
import { writePolicyFile, type PolicyFile } from './policy-file.js';
import { ADDON_ID, OPTIONS_PAGE, SettingsTab } from './settings-tab.js';
import { acquireExclusiveStartup } from './startup-lock.js';
import { freePort } from '../support/lifecycle.js';
import { stopAll } from './teardown.js';
import { delay, startThunderbird, thunderbirdAvailable, type ExtensionPage, type Thunderbird } from './thunderbird.js';

let built: BuiltAddon | null = null;
let server: TestServer | null = null;
let tb: Thunderbird | null = null;
let account: string;
let smtpKey: string;
/** The identity's outgoing server once the policy was applied (or the last seen, if never). */
let applied: { key: string; type: string };

/** The outgoing server Thunderbird's service gives the account's identity. */
function identityServer(): Promise<{ key: string; type: string }> {
  return tb!.chrome(`
    const identity = MailServices.accounts.getAccount(arguments[0]).identities[0];
    const server = MailServices.outgoingServer.getServerByIdentity(identity);
    return { key: server ? server.key : "", type: server ? server.type : "" };
  `, [account]);
}

beforeAll(async () => {
  if (!thunderbirdAvailable()) throw new Error('Thunderbird is missing: run `npm run deps` as root');
  built = await buildAddon();
  server = await startServer({ modules: (dir) => [...referenceModules(dir), submitModule(dir, ['--log=none'])] });
  // The staged test add-on (same id, so the same managed settings) may write and send messages.
  const manifestPath = path.join(built.testAddonDir, 'manifest.json');
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { permissions: string[] };
  manifest.permissions.push('compose', 'compose.send');
  fs.writeFileSync(manifestPath, JSON.stringify(manifest));

  // Thunderbird reads policies.json once, at start-up: the file exists only until the policy was applied.
  let release: (() => void) | null = await acquireExclusiveStartup();
  let policyFile: PolicyFile | null = null;
  try {
    policyFile = writePolicyFile({ '3rdparty': { Extensions: { [ADDON_ID]: { servers: { '127.0.0.1': { sending: 'on' } } } } } });
    tb = await startThunderbird();
    const created = await tb.createImapAccount({
      port: server.imapPort, user: USERS.alice, password: pw(USERS.alice), smtp: { port: await freePort() /* nothing listens: SMTP sends fail at once */ },
    });
    account = created.accountId;
    smtpKey = created.smtpKey!;
    // No copy to Sent: what this file checks is the way out, not the folder.
    await tb.chrome('MailServices.accounts.getAccount(arguments[0]).identities[0].doFcc = false;', [account]);
    // The install starts the background, which applies the policy by itself.
    if (await tb.installAddon(built.testAddonDir) !== ADDON_ID) throw new Error('the test add-on installed under another id');
    // Up to 60 s for the background to ask the server and switch; the checks below say what came of it.
    for (let i = 0; i < 600; i++) {
      applied = await identityServer();
      if (applied.type === 'xexec') break;
      await delay(100);
    }
  } finally {
    policyFile?.remove();
    release?.();
    release = null;
  }
}, 240_000);

afterAll(async () => {
  await stopAll({ tb, servers: [server], cleanLogs: [server], built });
}, 120_000);

describe('policy "sending": "on" for the server\'s host', () => {
  it('without any click, the identity sends through the xexec server; its SMTP server is remembered', async () => {
    expect(applied.type).toBe('xexec');
    expect(await identityServer()).toEqual(applied);
    expect(await tb!.chrome('return Services.prefs.getCharPref("extensions.xexec.sending-previous." + MailServices.accounts.getAccount(arguments[0]).identities[0].key);', [account])).toBe(smtpKey);
  });

  it('a message written with compose.beginNew and sent with sendMessage reaches the server\'s sendmail', async () => {
    const page: ExtensionPage = await tb!.openExtensionPage(ADDON_ID, TEST_PAGE);
    try {
      const sent = await page.run<{ ok: boolean; error?: string }>(`
        const account = await page.messenger.accounts.get(arguments[0]);
        const tab = await page.messenger.compose.beginNew({ identityId: account.identities[0].id, isPlainText: true,
          to: ["bob@example.com"], subject: "Sent by policy", plainTextBody: "Nobody switched this on." });
        return page.messenger.compose.sendMessage(tab.id).then(() => ({ ok: true }), (e) => ({ ok: false, error: String((e && e.message) || e) }));
      `, [account]);
      expect(sent).toEqual({ ok: true });
    } finally {
      await page.close();
    }
    const captured = server!.captured();
    expect(captured).toHaveLength(1);
    expect(captured[0]!.sender).toBe('alice@example.com');
    expect(captured[0]!.recipients).toEqual(['bob@example.com']);
    expect(captured[0]!.data).toMatch(/^Subject: Sent by policy\r?$/m);
    expect(captured[0]!.data).toContain('Nobody switched this on.');
  });

  it('the settings tab shows the switch on and read-only; the background refuses to turn it off', async () => {
    const tab = new SettingsTab(await tb!.openExtensionPage(ADDON_ID, `${OPTIONS_PAGE}?account=${account}`), account);
    try {
      await tab.waitReady();
      const shown = await tab.dom<{ checked: boolean; disabled: boolean; hint: string }>(`
        const tab = view().querySelector('[role="tab"][data-panel="sending"]');
        if (!tab) throw new Error("no Sending tab: " + [...view().querySelectorAll('[role="tab"]')].map((t) => norm(t.textContent)).join(", "));
        tab.click();
        const box = await until("the Sending switch", () => {
          try { return scope("sending").querySelector('input[type="checkbox"]'); } catch { return null; }
        });
        const hint = doc.getElementById(box.getAttribute("aria-describedby"));
        return { checked: box.checked, disabled: box.disabled, hint: norm(hint && hint.textContent) };
      `);
      expect(shown).toEqual({ checked: true, disabled: true, hint: 'Set by your administrator.' });
      const off = await tab.page.run<{ ok: boolean; error?: { message: string } }>(
        'return await page.browser.runtime.sendMessage({ type: "sending.set", accountId: arguments[0], on: false });', [account]);
      expect(off).toMatchObject({
        ok: false,
        error: { message: 'Your administrator has turned sending through the IMAP connection on for this account; it cannot be turned off here.' },
      });
      expect(await identityServer()).toEqual(applied);
    } finally {
      await tab.page.close();
    }
  });
});
