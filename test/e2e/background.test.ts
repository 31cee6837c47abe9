// End-to-end: the shipped .xpi, and the background's message API of the built
// add-on in a real, headless Thunderbird 153, with Thunderbird suspending the
// idle background after 1.5 s (instead of 30 s) so that the tests see it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackgroundResponse, RequestType } from '../../src/messages/messages.js';
import { pw, startServer, USERS, type TestServer } from '../server/fixture/index.js';
import { poll } from '../support/procs.mjs';
import { buildAddon, TEST_PAGE, zipEntries, type BuiltAddon } from './addon.js';
import { stopAll } from './teardown.js';
import { delay, startThunderbird, thunderbirdAvailable, type ExtensionPage, type Thunderbird } from './thunderbird.js';
import { ADDON_ID } from '../support/constants.js';

const IDLE_MS = 1500;

let built: BuiltAddon;
let xexecServer: TestServer;
let plainServer: TestServer;
let tb: Thunderbird;
let page: ExtensionPage;
let account: string;
let plainAccount: string;

/** runtime.sendMessage(request) from the test page: what the settings pages will do. */
function send<T extends RequestType>(request: { type: T } & Record<string, unknown>, on: ExtensionPage = page): Promise<BackgroundResponse<T>> {
  return on.run<BackgroundResponse<T>>('return await page.browser.runtime.sendMessage(page.JSON.parse(arguments[0]));', [JSON.stringify(request)]);
}

/** Thunderbird's state of the add-on's background: running, stopped (suspended), ... */
function backgroundState(): Promise<string> {
  return tb.chrome<string>('return WebExtensionPolicy.getByID(arguments[0]).extension.backgroundState;', [ADDON_ID]);
}

/** The blacklist as the server has it, through a raw IMAP session. */
async function serverBlacklist(): Promise<string[]> {
  const c = await xexecServer.login(USERS.alice);
  try {
    const r = await c.command('XEXEC blacklist list');
    expect(r.status).toBe('OK');
    return r.untagged.map((l) => l.toString('utf8')).filter((l) => l.startsWith('* OK ')).map((l) => l.slice(5).trim());
  } finally {
    c.close();
  }
}

describe('the built add-on: .xpi and background', () => {
  beforeAll(async () => {
    if (!thunderbirdAvailable()) throw new Error('Thunderbird is missing: run `npm run deps` as root');
    built = await buildAddon();
    [xexecServer, plainServer] = await Promise.all([startServer({ timeout: '5s' }), startServer({ plugin: false })]);
    tb = await startThunderbird({ prefs: { 'extensions.background.idle.timeout': IDLE_MS } });
    account = (await tb.createImapAccount({ port: xexecServer.imapPort, user: USERS.alice, password: pw(USERS.alice) })).accountId;
    plainAccount = (await tb.createImapAccount({ port: plainServer.imapPort, user: USERS.bob, password: pw(USERS.bob) })).accountId;
  }, 180_000);

  afterAll(async () => {
    await stopAll({ tb, servers: [xexecServer, plainServer], built });
  }, 120_000);

  it('the .xpi holds the built add-on and no test page; its code is readable', () => {
    expect(path.basename(built.xpi)).toMatch(/^xexec-\d+\.\d+\.\d+\.xpi$/);
    const entries = zipEntries(built.xpi);
    expect(entries).toEqual(expect.arrayContaining([
      'manifest.json', '_locales/en/messages.json', 'background/background.js', 'experiments/xexec/schema.json',
      'experiments/xexec/implementation.js', 'ui/options/options.html', 'ui/options/options.js',
    ]));
    expect(entries.filter((e) => /(^|\/)(e2e|test)|page\.(html|js)$|\.ts$|\.map$/.test(e))).toEqual([]);
    const experiment = fs.readFileSync(path.join(built.testAddonDir, 'experiments/xexec/implementation.js'), 'utf8');
    // Unminified: one statement a line, the names of the sources, a marker per source file
    // (esbuild keeps no comments but legal ones).
    expect(experiment.split('\n').length).toBeGreaterThan(300);
    expect(Math.max(...experiment.split('\n').map((l) => l.length))).toBeLessThan(400);
    expect(experiment).toContain('// experiments/xexec/transport.ts');
    // A raw transport: of the codec only the transport-safe rule is in it; the background builds and reads.
    expect(experiment).toContain('// src/protocol/transport-safe.ts');
    expect(experiment).not.toMatch(/\/\/ src\/protocol\/(?!transport-safe\.ts)/);
    expect(experiment).not.toContain('TextEncoder');
    expect(experiment).toContain('function readStoppedUrl(url, status)');
    expect(experiment).toMatch(/^var xexec = xexecExperimentBundle\.xexec;$/m);
  });

  it('the .xpi installs and works: its settings page lists what the server offers', async () => {
    const id = await tb.installAddon(built.xpi);
    expect(id).toBe(ADDON_ID);
    const options = await tb.openExtensionPage(id, 'ui/options/options.html');
    const text = await poll('the settings page to show the modules', async () => {
      const t = await options.run<string>('return page.document.body.textContent;');
      return /Offered: Block list, Allow list/.test(t) && /cannot be managed/.test(t) ? t : '';
    });
    expect(text).toContain('Mail server settings');
    expect(text).toContain("This account's server cannot be managed from Thunderbird: Error in IMAP command UID XEXEC: Unknown command");
    await options.close();
    await tb.uninstallAddon(id);
    // From here on: the same build plus the test page.
    expect(await tb.installAddon(built.testAddonDir)).toBe(ADDON_ID);
    page = await tb.openExtensionPage(ADDON_ID, TEST_PAGE);
  });

  it('a block list round trip through the background', async () => {
    expect(await send({ type: 'list.show', accountId: account, list: 'blacklist' })).toEqual({ ok: true, value: { entries: '' } });
    expect(await send({ type: 'list.add', accountId: account, list: 'blacklist', entries: [' Spam@Example.COM', '@spam.example', 'spam@example.com'] }))
      .toEqual({ ok: true, value: { changes: [{ entry: 'spam@example.com', outcome: 'added' }, { entry: '@spam.example', outcome: 'added' }] } });
    expect(await serverBlacklist()).toEqual(['@spam.example', 'spam@example.com']);
    expect(await send({ type: 'list.show', accountId: account, list: 'blacklist' })).toEqual({ ok: true, value: { entries: '@spam.example\nspam@example.com' } });
    expect(await send({ type: 'list.del', accountId: account, list: 'blacklist', entries: ['spam@example.com', 'other@example.com'] }))
      .toEqual({ ok: true, value: { changes: [{ entry: 'spam@example.com', outcome: 'removed' }, { entry: 'other@example.com', outcome: 'absent' }] } });
    expect(await serverBlacklist()).toEqual(['@spam.example']);
  });

  it('failures arrive as sentences, with the server\'s own text', async () => {
    expect(await send({ type: 'list.add', accountId: account, list: 'blacklist', entries: ['spam@'] })).toEqual({
      ok: false, error: { kind: 'input', code: null, field: 'entries.0', serverMessage: null, message: '“spam@” has an invalid domain.' },
    });
    const own = await send({ type: 'forward.set', accountId: account, address: USERS.alice, keepCopy: false });
    expect(own.ok).toBe(false);
    if (own.ok) return;
    expect(own.error).toMatchObject({ kind: 'server', code: 'XEXEC-EXIT' });
    expect(own.error.serverMessage).toBeTruthy();
    expect(own.error.serverMessage).not.toMatch(/secs\)/);
    expect(own.error.message).toBe(`The server refused: ${own.error.serverMessage}`);
    expect(await send({ type: 'discover', accountId: plainAccount })).toMatchObject({
      ok: false, error: { kind: 'server', code: 'unsupported', serverMessage: 'Error in IMAP command UID XEXEC: Unknown command' },
    });
    // What no module can receive is refused by the background's codec, before the experiment.
    expect(await send({ type: 'console', accountId: account, module: 'echoargs', args: ['ok', 'a\u0000b'] })).toEqual({
      ok: false, error: { kind: 'input', code: null, field: 'args.1', serverMessage: null, message: expect.stringContaining('2') },
    });
    const unknown = await send({ type: 'console', accountId: account, module: 'nosuch', args: [] });
    expect(unknown).toMatchObject({ ok: true, value: { result: { ok: false, code: 'XEXEC-UNKNOWN' }, error: { message: 'The server does not offer “nosuch” to this account.' } } });
  });

  it('a password change reaches the server and Thunderbird\'s own copy of the password', async () => {
    const user = USERS.dave;
    const { accountId } = await tb.createImapAccount({ port: xexecServer.imapPort, user, password: pw(user) });
    const short = await send({ type: 'password.change', accountId, newPassword: 'short' });
    expect(short).toMatchObject({ ok: false, error: { kind: 'server', code: 'XEXEC-EXIT' } });
    const newPassword = `dave-new-${process.pid}`;
    expect(await send({ type: 'password.change', accountId, newPassword })).toEqual({
      ok: true,
      value: {
        // Set in memory by the test, never saved: nothing is created in the login manager.
        updated: { incomingSaved: false, incomingSession: true, outgoingSaved: false, outgoingSession: false },
        updateError: null,
      },
    });
    expect(await tb.chrome<string>('return MailServices.accounts.getAccount(arguments[0]).incomingServer.password;', [accountId])).toBe(newPassword);
    // Dovecot re-reads its passwd-file at most once a second: log in a second later.
    await delay(1100);
    const c = await xexecServer.login(user, newPassword);
    expect(c.loginResponse.status).toBe('OK');
    c.close();
  });

  it('the idle background is suspended, and a message wakes it', async () => {
    await poll('Thunderbird to suspend the idle background', async () => (await backgroundState()) === 'stopped', 30_000);
    expect(await send({ type: 'discover', accountId: account })).toMatchObject({ ok: true, value: { modules: expect.arrayContaining(['blacklist']) } });
  });

  it('a call that lasts longer than the idle timeout still gets its answer', async () => {
    // The module sleeps until the server kills it after 5 s: more than three idle timeouts.
    const t0 = Date.now();
    const r = await send({ type: 'console', accountId: account, module: 'sleep', args: [`idle${process.pid}`] });
    const ms = Date.now() - t0;
    expect(ms).toBeGreaterThan(3 * IDLE_MS);
    expect(r).toMatchObject({ ok: true, value: { result: { ok: false, code: 'XEXEC-TIMEOUT', detail: 5 } } });
    expect(await send({ type: 'list.show', accountId: account, list: 'blacklist' })).toEqual({ ok: true, value: { entries: '@spam.example' } });
  });

  it('Thunderbird is still alive at the end', async () => {
    expect(await tb.responsive()).toBe(true);
    expect(tb.crashDumps()).toEqual([]);
  });
});
