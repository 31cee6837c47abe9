// End-to-end: the xexec Experiment API of the BUILT add-on (`npm run build`) in
// a real, headless Thunderbird (Debian's 153, or the 140 of
// scripts/other-thunderbird.sh through XEXEC_THUNDERBIRD), called from an
// extension page, against real Dovecots (one with the xexec plugin, one
// without). The experiment is a raw transport: the command text is built and
// the report read here with the background's own codec (src/protocol), so
// every check below goes through the same code as the add-on's requests.
// Run with `npx vitest run test/e2e`.
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SavedPasswordUpdate, TransportReport } from '../../experiments/xexec/api.js';
import { buildCommandText } from '../../src/protocol/command.js';
import { readReport, type ExecuteFailureCode } from '../../src/protocol/execute-result.js';
import { pw, startServer, USERS, type TestServer } from '../server/fixture/index.js';
import { vectors } from '../protocol/vectors.js';
import { listProcs, poll, type Proc } from '../support/procs.mjs';
import { buildAddon, TEST_PAGE, type BuiltAddon } from './addon.js';
import { stopAll } from './teardown.js';
import { startThunderbird, thunderbirdAvailable, delay, type ExtensionPage, type Thunderbird } from './thunderbird.js';

/** An argument or output line as it crosses Marionette (JSON): text, or bytes as hex. */
type Wire = string | { hex: string };

/** A command's result as the background reads it, with lines as they cross JSON. */
type ExecResult = { ok: boolean; code?: ExecuteFailureCode; detail?: number | null; message?: string; lines: Wire[] };

/** A value for one argv word: text or raw bytes. */
type Value = string | Uint8Array;

let built: BuiltAddon;
let xexecServer: TestServer;
let plainServer: TestServer;
let tb: Thunderbird;
let addonId: string;
let page: ExtensionPage;
let account: string;
let plainAccount: string;
let server2Account: string;

function toWire(v: Value): Wire {
  return typeof v === 'string' ? v : { hex: Buffer.from(v).toString('hex') };
}

/** messenger.xexec.send(acct, text) in the page: the report, or {error} when the call rejected. */
async function sendText(acct: string, text: string, on: ExtensionPage = page): Promise<TransportReport | { error: string }> {
  return on.run<TransportReport | { error: string }>(`
    const [acct, text] = arguments;
    try {
      return JSON.parse(page.JSON.stringify(await page.messenger.xexec.send(acct, text)));
    } catch (e) {
      return { error: String((e && e.message) || e) };
    }
  `, [acct, text]);
}

/** A module's result as the background reads a report: text lines, or bytes as hex. */
function asExecResult(report: TransportReport, module: string): ExecResult {
  const r = readReport(report, module);
  const lines = r.lines.map(toWire);
  return r.ok ? { ok: true, lines } : { ok: false, code: r.code, detail: r.detail, message: r.message, lines };
}

/**
 * Runs `module` with `args` as the background does: the codec builds the command text, the
 * experiment carries it, the codec reads the report. Resolves the result, or {error} when the
 * codec refused the request or the experiment rejected the call.
 */
async function call(acct: string, module: string, args: Value[] = [], on: ExtensionPage = page): Promise<ExecResult | { error: string }> {
  const text = buildCommandText({ module, args });
  if (!text.ok) return { error: text.error.message };
  const report = await sendText(acct, text.value, on);
  return 'error' in report ? report : asExecResult(report, module);
}

/** The command text of a request the codec accepts. */
function commandText(module: string, args: Value[]): string {
  const text = buildCommandText({ module, args });
  if (!text.ok) throw new Error(text.error.message);
  return text.value;
}

/** Like call(), but a rejection fails the test. */
async function xexec(acct: string, module: string, args: Value[] = [], on: ExtensionPage = page): Promise<ExecResult> {
  const r = await call(acct, module, args, on);
  if ('error' in r) throw new Error(`execute rejected: ${r.error}`);
  return r;
}

/** A line or value as bytes. */
function bytes(v: Value | Wire): Buffer {
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (v instanceof Uint8Array) return Buffer.from(v);
  return Buffer.from(v.hex, 'hex');
}

/** The output lines of a reply, as bytes. */
function lines(r: ExecResult): Buffer[] {
  return r.lines.map(bytes);
}

/** What echoargs received: one argv word per output line, as hex. */
function argv(r: ExecResult): Buffer[] {
  expect(r.ok, JSON.stringify(r).slice(0, 500)).toBe(true);
  return r.lines.map((l) => {
    expect(typeof l, 'echoargs prints hex, which is text').toBe('string');
    return Buffer.from(l as string, 'hex');
  });
}

/** How a line must arrive: as text when it is valid UTF-8, else as bytes. */
function expectedLine(b: Buffer): Wire {
  const text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(b);
  return Buffer.from(text, 'utf8').equals(b) ? text : { hex: b.toString('hex') };
}

/** A vector's value: its text when the bytes are UTF-8, else the bytes. */
function vectorValue(hex: string): Value {
  const b = Buffer.from(hex, 'hex');
  const line = expectedLine(b);
  return typeof line === 'string' ? line : new Uint8Array(b);
}

/** Texts of the warnings in Thunderbird's Activity Manager. */
function activityWarnings(): Promise<string[]> {
  return tb.chrome<string[]>(`
    const manager = Cc["@mozilla.org/activity-manager;1"].getService(Ci.nsIActivityManager);
    return manager.getActivities().filter(a => a instanceof Ci.nsIActivityWarning).map(a => a.displayText);
  `);
}

/** No alert is open, none was opened, and no failure was left in the Activity Manager. */
async function expectNoDialog(): Promise<void> {
  expect(await tb.alertText()).toBeNull();
  expect(await tb.openedDialogs()).toEqual([]);
  expect(await activityWarnings()).toEqual([]);
}

/** Processes whose command line contains `marker` (module processes of our Dovecot). */
function procsWith(marker: string): Proc[] {
  return listProcs().filter((p) => p.cmdline.includes(marker));
}

/**
 * The module process running for `marker` under an imap process not in `seen`. The parent must be
 * an imap process: a module's short-lived fork (before it execs its background child) has the
 * same command line, and one orphaned by an earlier kill has another parent.
 */
function moduleUnderImap(marker: string, seen: number[]): Proc | undefined {
  const procs = listProcs();
  const imap = new Set(procs.filter((p) => /imap/.test(p.cmdline) && !/imap-login/.test(p.cmdline)).map((p) => p.pid));
  return procs.find((p) => p.cmdline.includes(marker) && p.cmdline.includes('sleep.sh') && imap.has(p.ppid) && !seen.includes(p.ppid));
}

const HARD_VALUES: Value[] = [
  '?', '>', 'a?b>c', '%', '100%', '%41', '%25', '%00', '%0D%0Ax2 CREATE injected', '\t', 'a\tb', '\r', '\n', 'a\r\nb',
  '"', "'", '\\', 'a\\"b', '"quoted"', 'é', 'Grüße 日本 😀', '', ' ', '  two  spaces  ', '~', '~/notes', '~w6k',
  'NIL', '{5}', '[ALERT]', '#&;/=+', '* OK x', 'a b c', '\x01\x1f\x7f', new Uint8Array([0xff, 0xfe, 0x80]),
];

// No skipping: `npm test` installs Thunderbird (scripts/system-deps.sh), and a
// missing one must fail the run rather than pass it silently.
describe('xexec experiment in Thunderbird', () => {
  beforeAll(async () => {
    if (!thunderbirdAvailable()) throw new Error('Thunderbird is missing: run `npm run deps` as root');
    [xexecServer, plainServer] = await Promise.all([
      // A short server-side limit: the timeout tests wait for it.
      startServer({ timeout: '5s' }),
      startServer({ plugin: false }),
    ]);
    built = await buildAddon();
    tb = await startThunderbird();
    console.log(`Thunderbird started in ${tb.startupMs} ms`);
    addonId = await tb.installAddon(built.testAddonDir);
    account = (await tb.createImapAccount({ port: xexecServer.imapPort, user: USERS.alice, password: pw(USERS.alice) })).accountId;
    // Another user than on the first server: two accounts with the same user
    // and host share folder URIs in Thunderbird even when the ports differ.
    plainAccount = (await tb.createImapAccount({ port: plainServer.imapPort, user: USERS.bob, password: pw(USERS.bob) })).accountId;
    server2Account = (await tb.createImapAccount({ port: xexecServer.imapPort, user: USERS.carol, password: pw(USERS.carol) })).accountId;
    await tb.watchDialogs();
    page = await tb.openExtensionPage(addonId, TEST_PAGE);
  }, 180_000);

  afterAll(async () => {
    await stopAll({ tb, servers: [xexecServer, plainServer], built });
  }, 120_000);

  it('the page sees messenger.xexec and the accounts', async () => {
    const r = await page.run<[boolean, string[]]>(`
      const accounts = await page.messenger.accounts.list(false);
      return [page.xexecTestPage.ready, Array.from(accounts, a => a.id + ":" + a.type)];
    `);
    expect(r[0]).toBe(true);
    expect(r[1]).toEqual(expect.arrayContaining([`${account}:imap`, `${plainAccount}:imap`]));
  });

  it('every argument vector of test/vectors/protocol.json reaches echoargs byte for byte', async () => {
    const values = vectors.arguments.map((v) => vectorValue(v.hex));
    // Exactly one of them is not UTF-8, and goes as a Uint8Array.
    expect(values.filter((v) => v instanceof Uint8Array).length).toBe(1);
    expect(argv(await xexec(account, 'echoargs', values)).map((b) => b.toString('hex'))).toEqual(vectors.arguments.map((v) => v.hex));
    for (const v of vectors.arguments) {
      expect(argv(await xexec(account, 'echoargs', [vectorValue(v.hex)])).map((b) => b.toString('hex')), v.name).toEqual([v.hex]);
    }
  });

  it('hard values reach echoargs byte for byte, all in one command', async () => {
    const got = argv(await xexec(account, 'echoargs', HARD_VALUES));
    expect(got).toEqual(HARD_VALUES.map(bytes));
  });

  it('hard values reach echoargs byte for byte, one per command', async () => {
    for (const v of HARD_VALUES) {
      expect(argv(await xexec(account, 'echoargs', [v])), JSON.stringify(typeof v === 'string' ? v : [...v])).toEqual([bytes(v)]);
    }
  });

  it('10 kB values arrive exact (quoted and encoded)', async () => {
    const ascii = Array.from({ length: 10_240 }, (_, i) => String.fromCharCode(0x20 + (i * 7) % 95)).join('').replace(/[?>]/g, '.');
    const mixed = Array.from({ length: 9_000 }, (_, i) => ['é', '?', '>', '%', '\t', 'x', '日', '\n', '"'][i % 9]).join('');
    expect(bytes(mixed).length).toBeGreaterThan(10_000);
    expect(argv(await xexec(account, 'echoargs', [ascii]))).toEqual([bytes(ascii)]);
    expect(argv(await xexec(account, 'echoargs', [mixed]))).toEqual([bytes(mixed)]);
    expect(argv(await xexec(account, 'echoargs', [ascii, mixed, '']))).toEqual([bytes(ascii), bytes(mixed), Buffer.alloc(0)]);
  });

  it('every line vector of test/vectors/protocol.json comes back exact', async () => {
    const want = vectors.lines.map((v) => Buffer.from(v.hex, 'hex'));
    const r = await xexec(account, 'emit', want.map((b) => b.toString('hex')));
    expect(r.ok).toBe(true);
    expect(r.lines).toEqual(want.map(expectedLine));
    // The one line that is not UTF-8 arrives as bytes.
    expect(r.lines.filter((l) => typeof l !== 'string')).toEqual([{ hex: '61ff' }]);
  });

  it('output lines come back exact', async () => {
    const want = [
      'plain line', '  leading and trailing  ', 'a  b   c', '{5}', 'x {5}', '"quoted" \\ back', '', 'é 日本',
      '\t tab', 'cr\r', '[ALERT] no', '* OK injected?', '\x00nul', '\x7f', 'bad \xff utf8',
    ].map((s) => Buffer.from(s, s.includes('\xff') ? 'latin1' : 'utf8'));
    const r = await xexec(account, 'emit', want.map((b) => b.toString('hex')));
    expect(r.ok).toBe(true);
    expect(lines(r)).toEqual(want);
    expect(r.lines).toEqual(want.map(expectedLine));
  });

  it('100,000 output lines arrive complete', async () => {
    const t0 = Date.now();
    const r = await xexec(account, 'big', ['100000']);
    const ms = Date.now() - t0;
    expect(r.ok).toBe(true);
    const got = r.lines;
    expect(got.length).toBe(100_000);
    for (let i = 0; i < got.length; i++) if (got[i] !== `line ${i + 1}`) throw new Error(`line ${i + 1} is ${JSON.stringify(got[i])}`);
    console.log(`100,000 lines in ${ms} ms through the page`);
  });

  it('a failing module: its message arrives, no dialog opens', async () => {
    const r = await xexec(account, 'fail', ['3']);
    // The server's text without Dovecot's timing suffix.
    expect(r).toEqual({ ok: false, code: 'XEXEC-EXIT', detail: 3, message: 'fail stderr last', lines: ['fail stdout 1', 'fail stdout 2'] });
    const unknown = await xexec(account, 'nosuchmodule');
    expect(unknown).toEqual({ ok: false, code: 'XEXEC-UNKNOWN', detail: null, message: expect.any(String), lines: [] });
    expect(unknown.message).not.toMatch(/secs\)/);
    const crash = await xexec(account, 'crash');
    expect(crash).toMatchObject({ ok: false, code: 'XEXEC-SIGNAL', detail: 11 });
    await delay(500);
    await expectNoDialog();
  });

  it('control: the dialog check sees Thunderbird\'s alert for a failure that is not ours', async () => {
    // The same kind of failure, issued without the experiment: Thunderbird alerts,
    // and the experiment's listener (still registered for its own recent URLs)
    // must not swallow it.
    await xexec(account, 'fail', ['4']);
    await tb.chrome(`
      const server = MailServices.accounts.getAccount(arguments[0]).incomingServer;
      const inbox = server.rootFolder.getFolderWithFlags(Ci.nsMsgFolderFlags.Inbox);
      const msgWindow = Cc["@mozilla.org/messenger/msgwindow;1"].createInstance(Ci.nsIMsgWindow);
      MailServices.imap.issueCommandOnMsgs(inbox, msgWindow, "XEXEC", "fail 5");
    `, [account]);
    if (tb.major >= 153) {
      // 153 has no notification window of its own: with no system notification
      // service (headless) Thunderbird falls back to a modal alert.
      const text = await poll('the alert', () => tb.alertText(), 10_000);
      expect(text).toContain('[XEXEC-EXIT 5] fail stderr last');
      await tb.dismissAlert();
      const opened = await tb.openedDialogs();
      expect(opened.length).toBe(1);
      expect(opened[0]?.uri).toBe('chrome://global/content/commonDialog.xhtml');
    } else {
      // 140 shows it in toolkit's own notification window, which is not modal.
      // It only appears if the experiment's failure before did not leave
      // Thunderbird's per-server alert block behind (alerts.ts).
      await poll('the notification', async () => (await tb.openedDialogs()).length > 0, 10_000);
      const opened = await tb.openedDialogs();
      expect(await tb.alertText()).toBeNull();
      expect(opened.length).toBe(1);
      expect(opened[0]?.uri).toBe('chrome://global/content/alerts/alert.xhtml');
      expect(opened[0]?.text).toContain('[XEXEC-EXIT 5] fail stderr last');
      await tb.chrome(`
        for (const w of Services.wm.getEnumerator(null)) {
          if (w.document && w.document.documentURI === "chrome://global/content/alerts/alert.xhtml") w.close();
        }
      `);
    }
    // Thunderbird also logged it in the Activity Manager (the experiment removes these for its own URLs).
    const warnings = await activityWarnings();
    expect(warnings.length).toBe(1);
    expect(warnings[0]).toContain('[XEXEC-EXIT 5]');
    await tb.chrome(`
      Services.wm.getMostRecentWindow("mail:3pane").__xexecE2EDialogs.seen.length = 0;
      const manager = Cc["@mozilla.org/activity-manager;1"].getService(Ci.nsIActivityManager);
      for (const a of manager.getActivities()) manager.removeActivity(a.id);
    `);
    await expectNoDialog();
  });

  it('a server without the plugin: unsupported', async () => {
    const r = await xexec(plainAccount, '.modules');
    expect(r).toMatchObject({ ok: false, code: 'unsupported', detail: null, lines: [] });
    expect(r.message).toMatch(/^Error in IMAP command UID XEXEC: Unknown command/);
    await delay(300);
    await expectNoDialog();
  });

  it('.modules and an empty text', async () => {
    const r = await xexec(account, '.modules');
    expect(r.ok).toBe(true);
    expect(r.lines).toEqual(expect.arrayContaining(['echoargs', 'emit', 'fail', 'big', 'sleep']));
    expect(argv(await xexec(account, 'echoargs', []))).toEqual([]);
  });

  it('concurrent calls are queued per account and keep their own results', async () => {
    const values = Array.from({ length: 8 }, (_, i) => `value ${i} ${'é'.repeat(i)}`);
    const reports = await page.run<TransportReport[]>(`
      const [accounts, texts] = arguments;
      const calls = texts.map((text, i) => page.messenger.xexec.send(accounts[i % 2], text));
      const results = await Promise.all(calls);
      return JSON.parse(page.JSON.stringify(results));
    `, [[account, server2Account], values.map((v) => commandText('echoargs', [v]))]);
    expect(reports.map((r) => argv(asExecResult(r, 'echoargs')))).toEqual(values.map((v) => [bytes(v)]));
  });

  it('refuses (rejects) programmer errors: an unknown account, a text Thunderbird would change; no crash', async () => {
    const local = await tb.chrome<string>(`
      let server;
      try { server = MailServices.accounts.localFoldersServer; } catch (e) {}
      if (!server) { MailServices.accounts.createLocalMailAccount(); server = MailServices.accounts.localFoldersServer; }
      return MailServices.accounts.findAccountForServer(server).key;
    `);
    const unsafe = /not transport-safe/;
    const cases: [unknown[], RegExp][] = [
      [['nope', 'echoargs "a"'], /unknown account/],
      [[local, 'echoargs "a"'], /not an IMAP account/],
      // What Thunderbird would cut, strip or decode, and a NUL, which would crash it.
      [[account, 'echoargs "a\u0000b"'], unsafe],
      [[account, 'echoargs "%00"'], unsafe],
      [[account, 'echoargs "x"\r\nx2 CREATE injected'], unsafe],
      [[account, 'echoargs "x%0D%0Ax3 CREATE injected"'], unsafe],
      [[account, 'echoargs "a?b"'], unsafe],
      [[account, 'echoargs "a>b"'], unsafe],
      [[account, 'echoargs "\t"'], unsafe],
      [[account, 'echoargs "é"'], unsafe],
      [[account, ''], unsafe],
      // The schema: text must be a string.
      [[account, ['echoargs']], /Incorrect argument types/],
      [[account, 1], /Incorrect argument types/],
      [[account], /Incorrect argument types/],
    ];
    for (const [args, re] of cases) {
      const r = await page.call('xexec.send', args);
      expect(r.error, JSON.stringify(args)).toMatch(re);
    }
    // The codec refuses what no module can receive before anything reaches the experiment.
    expect(await call(account, 'echoargs', ['ok', 'a\u0000b'])).toEqual({ error: expect.stringMatching(/Argument 2 contains NUL/) });
    expect(await call(account, 'echo args', [])).toEqual({ error: expect.stringMatching(/module name/i) });
    // Values Thunderbird cannot carry are no programmer error: they are encoded.
    const injections = ['x%0D%0Ax2 CREATE injected', 'x\r\nx3 CREATE injected', '%0Ax4 CREATE injected', 'a?b', 'a>b', '%00'];
    expect(argv(await xexec(account, 'echoargs', injections))).toEqual(injections.map(bytes));
    // Nothing of it reached the server as a command: no mailbox was created.
    expect(fs.readdirSync(`${xexecServer.home(USERS.alice)}/Maildir`).filter((f) => /injected/i.test(f))).toEqual([]);
    expect(await tb.responsive()).toBe(true);
    expect(tb.crashDumps()).toEqual([]);
  });

  it('timeout: gives up after extensions.xexec.timeout_ms; the late failure raises no dialog', async () => {
    const marker = `tmo${process.pid}x${Date.now()}`;
    await tb.chrome('Services.prefs.setIntPref("extensions.xexec.timeout_ms", 1000);');
    const t0 = Date.now();
    const r = await xexec(account, 'sleep', [marker]).finally(() => tb.chrome('Services.prefs.clearUserPref("extensions.xexec.timeout_ms");'));
    const ms = Date.now() - t0;
    expect(r).toMatchObject({ ok: false, code: 'timeout', detail: null, lines: [] });
    // It waited for the pref's timeout (a lower bound only: no timed assertion on speed).
    expect(ms).toBeGreaterThanOrEqual(900);
    // The next command works, but Thunderbird itself queues it behind the
    // running one (same folder), so it completes only when the server gives up.
    const t1 = Date.now();
    expect(argv(await xexec(account, 'echoargs', ['after timeout']))).toEqual([bytes('after timeout')]);
    console.log(`a command after an experiment-side timeout waited ${Date.now() - t1} ms`);
    // The server kills the module after its own 5 s; Thunderbird then gets a NO for our URL.
    await poll('the server to kill the module', () => procsWith(marker).length === 0, 20_000);
    await delay(1000);
    await expectNoDialog();
  });

  it('a closed page: its queued command is never sent', async () => {
    // Commands on one account run one at a time: page 1 runs a long one, page 2
    // queues one behind it and is closed before its turn.
    const m1 = `run${process.pid}x${Date.now()}`;
    const m2 = `drop${process.pid}x${Date.now()}`;
    const page2 = await tb.openExtensionPage(addonId, TEST_PAGE);
    const start = 'page.xexecLong = page.messenger.xexec.send(arguments[0], arguments[1]); return true;';
    await page.run(start, [account, commandText('sleep', [m1])]);
    await poll('the first module to start', () => procsWith(m1).length > 0);
    await page2.run(start, [account, commandText('sleep', [m2])]);
    await page2.close();
    // The server kills the first module after 5 s; the queue moves on.
    const r = asExecResult(await page.run<TransportReport>('return JSON.parse(page.JSON.stringify(await page.xexecLong));', [], 30_000), 'sleep');
    expect(r).toMatchObject({ ok: false, code: 'XEXEC-TIMEOUT', detail: 5 });
    const deadline = Date.now() + 2000;
    while (Date.now() < deadline) {
      expect(procsWith(m2)).toEqual([]);
      await delay(50);
    }
    expect(argv(await xexec(account, 'echoargs', ['next']))).toEqual([bytes('next')]);
    await expectNoDialog();
  });

  it('disconnected: the connection drops twice (Thunderbird retries once)', async () => {
    const marker = `dis${process.pid}x${Date.now()}`;
    await page.run('page.xexecDrop = page.messenger.xexec.send(arguments[0], arguments[1]); return true;', [account, commandText('sleep', [marker])]);
    const imapPids: number[] = [];
    const starts = new Set<number>();
    // Kill the imap process serving the command; Thunderbird reconnects and
    // sends the command again once, so kill that one too.
    for (let round = 0; round < 3; round++) {
      // Thunderbird's reconnect can take seconds on a loaded machine: wait long for the first
      // two starts, briefly for a third (which must not come).
      const mod = await poll('the module to run', () => moduleUnderImap(marker, imapPids), round < 2 ? 20_000 : 3_000)
        .catch(() => null);
      if (!mod) break;
      starts.add(mod.pid);
      imapPids.push(mod.ppid);
      process.kill(mod.ppid, 'SIGKILL');
      for (const p of procsWith(marker)) { try { process.kill(p.pid, 'SIGKILL'); } catch {} }
    }
    const r = asExecResult(await page.run<TransportReport>('return JSON.parse(page.JSON.stringify(await page.xexecDrop));', [], 60_000), 'sleep');
    expect(r).toMatchObject({ ok: false, code: 'disconnected', detail: null, lines: [] });
    expect(r.message).toMatch(/disconnected/i);
    console.log(`dropped connection: the module was started ${starts.size} time(s) for one call`);
    expect(starts.size).toBe(2);
    await delay(500);
    await expectNoDialog();
    // The account works again.
    expect(argv(await xexec(account, 'echoargs', ['again']))).toEqual([bytes('again')]);
  });

  it('updateSavedPassword updates the saved and in-memory passwords, and the matching SMTP server', async () => {
    const user = USERS.dave;
    const oldPw = pw(user);
    const newPw = `new-${Date.now()}-pw`;
    const { accountId, smtpKey } = await tb.createImapAccount({
      port: xexecServer.imapPort, user, password: oldPw, smtp: { host: '127.0.0.1', user, password: oldPw },
    });
    // A second identity whose SMTP server uses another user name, and a third
    // whose SMTP server uses the same name but another saved password.
    const keys = await tb.chrome<{ other: string; differs: string; before: string[] }>(`
      const [accountId, user, oldPw] = arguments;
      const account = MailServices.accounts.getAccount(accountId);
      const service = MailServices.outgoingServer || MailServices.smtp;
      const mk = (host, name) => {
        const s = service.createServer("smtp");
        s.QueryInterface(Ci.nsISmtpServer);
        s.hostname = host; s.port = 2525; s.username = name;
        const id = MailServices.accounts.createIdentity();
        id.email = name; id.smtpServerKey = s.key; account.addIdentity(id);
        return s.key;
      };
      const other = mk("127.0.0.1", "someone.else@example.com");
      const differs = mk("localhost", user);
      const login = (origin, name, pw) => {
        const l = Cc["@mozilla.org/login-manager/loginInfo;1"].createInstance(Ci.nsILoginInfo);
        l.init(origin, null, origin, name, pw, "", "");
        return Services.logins.addLoginAsync(l);
      };
      await login("imap://127.0.0.1", user, oldPw);
      await login("smtp://127.0.0.1", user, oldPw);
      await login("smtp://127.0.0.1", "someone.else@example.com", oldPw);
      await login("smtp://localhost", user, "a-different-password");
      // Saving a login makes Thunderbird forget the in-memory passwords of the
      // servers concerned; set them again, as after a first login.
      const before = [account.incomingServer.password, service.getServerByIdentity(account.defaultIdentity).password];
      account.incomingServer.password = oldPw;
      service.getServerByIdentity(account.defaultIdentity).password = oldPw;
      return { other, differs, before };
    `, [accountId, user, oldPw]);
    console.log(`in-memory passwords after saving logins: ${JSON.stringify(keys.before.map((p) => p === oldPw ? 'old' : p === '' ? 'empty' : 'other'))}`);

    const r = await page.call<SavedPasswordUpdate>('xexec.updateSavedPassword', [accountId, newPw]);
    expect(r).toEqual({ value: { incomingSaved: true, incomingSession: true, outgoingSaved: true, outgoingSession: true } });

    const state = await tb.chrome<{ logins: string[]; session: string; smtp: string; other: string; differs: string }>(`
      const [accountId, smtpKey, keys] = arguments;
      const server = MailServices.accounts.getAccount(accountId).incomingServer;
      const service = MailServices.outgoingServer || MailServices.smtp;
      const logins = (await Services.logins.getAllLogins()).map(l => l.origin + " " + l.username + " " + l.password).sort();
      const session = server.password;
      server.password = arguments[3]; // back to what Dovecot knows, for later connections
      return { logins, session, smtp: service.getServerByKey(smtpKey).password,
        other: service.getServerByKey(keys.other).password, differs: service.getServerByKey(keys.differs).password };
    `, [accountId, smtpKey, keys, oldPw]);
    expect(state.session).toBe(newPw);
    expect(state.smtp).toBe(newPw);
    expect(state.logins).toEqual([
      `imap://127.0.0.1 ${user} ${newPw}`,
      `smtp://127.0.0.1 ${user} ${newPw}`,
      `smtp://127.0.0.1 someone.else@example.com ${oldPw}`,
      `smtp://localhost ${user} a-different-password`,
    ].sort());
    expect(state.differs).not.toBe(newPw);
    expect(state.other).not.toBe(newPw);
    // The password is never logged.
    expect(tb.readLog()).not.toContain(newPw);

    expect((await page.call('xexec.updateSavedPassword', [accountId, ''])).error).toMatch(/newPassword/);
    expect((await page.call('xexec.updateSavedPassword', ['nope', 'x'])).error).toMatch(/unknown account/);
  });

  it('reinstalling the add-on (experiment onShutdown) leaves a working API', async () => {
    await page.close();
    await tb.uninstallAddon(addonId);
    addonId = await tb.installAddon(built.testAddonDir);
    page = await tb.openExtensionPage(addonId, TEST_PAGE);
    expect(argv(await xexec(account, 'echoargs', ['reinstalled']))).toEqual([bytes('reinstalled')]);
    const failed = await xexec(account, 'fail', ['2']);
    expect(failed).toMatchObject({ ok: false, code: 'XEXEC-EXIT', detail: 2 });
    await delay(300);
    await expectNoDialog();
  });

  it('an account Thunderbird confuses with another (same user and host, other port): unsupported, nothing sent', async () => {
    // Folder URIs have no port: this account's Inbox is the first account's.
    const twin = (await tb.createImapAccount({ port: plainServer.imapPort, user: USERS.alice, password: pw(USERS.alice) })).accountId;
    const marker = `twin${process.pid}x${Date.now()}`;
    const r = await xexec(twin, 'sleep', [marker]);
    expect(r).toMatchObject({ ok: false, code: 'unsupported' });
    expect(r.message).toMatch(/same user on the same host/);
    await delay(500);
    expect(procsWith(marker)).toEqual([]);
    await expectNoDialog();
  });

  it('Thunderbird is still alive at the end', async () => {
    expect(await tb.responsive()).toBe(true);
    expect(tb.crashDumps()).toEqual([]);
    expect(argv(await xexec(account, 'echoargs', ['bye']))).toEqual([bytes('bye')]);
    await expectNoDialog();
  });
});
