// Client benchmark: XEXEC through the real headless Thunderbird with the built
// add-on, next to the same commands over a raw IMAP socket, in one run against
// one throwaway Dovecot. Run with `npm run bench:client` (it builds the add-on
// first); it prints markdown tables and asserts nothing about time. Results go
// into docs/PERFORMANCE.md by hand.
//
// Measured, each after a warm-up:
//   - a small XEXEC (`tiny` = /bin/echo ok): p50/p95 of
//       raw socket (Node: send, read the reply, decode the data line),
//       Thunderbird's custom-command round trip alone (chrome script, no add-on),
//       the add-on's path as the background runs it (codec + messenger.xexec.send,
//       timed in an extension page), and the whole path from a settings page
//       through the background (runtime.sendMessage, the console request),
//       the extension API round trip alone (send() rejected for an unknown account);
//     and the add-on's overhead over Thunderbird's own path, next to its target;
//   - a 100,000-entry blacklist `list`, decoded and parsed into entries with
//     src/modules (raw socket; Thunderbird alone; the add-on as the background runs it).
// Environment: BENCH_ITERATIONS (1000), BENCH_LIST_RUNS (7), BENCH_JIT=1 (see JIT).
import { execFileSync } from 'node:child_process';
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseListReply } from '../../src/modules/lists.js';
import { decodeDataLine } from '../../src/protocol/data-line.js';
import { ADDON_ID, defaultModules, type ExtensionPage, startServer, startThunderbird, type TestServer, type Thunderbird, USERS } from '../../test/support/harness.js';
import { copyBuiltAddon, median, percentile } from '../common.js';
import { Session } from '../imap-session.js';

const BENCH_DIR = path.dirname(new URL(import.meta.url).pathname);
const REPO_DIR = path.resolve(BENCH_DIR, '../..');
const PAGE = 'bench/page.html';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 1000);
const WARMUP = Math.max(20, Math.round(ITERATIONS / 10));
const ROUNDS = 5;
/**
 * Debian's Thunderbird package turns the baseline JIT off (/etc/thunderbird/pref/thunderbird.js:
 * javascript.options.baselinejit false), so add-on code runs interpreted there. BENCH_JIT=1 turns
 * it back on for this run, as upstream Thunderbird has it.
 */
const JIT = process.env.BENCH_JIT === '1';
const LIST_ENTRIES = 100_000;
const LIST_RUNS = Number(process.env.BENCH_LIST_RUNS ?? 7);
const USER = USERS.dave;

interface Small {
  label: string;
  times: number[];
}

function stats(times: number[]): { p50: number; p95: number } {
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

const ms = (v: number) => v.toFixed(2);

/** dist/addon (from `npm run build`) plus the benchmark page, in a temp dir. */
async function stageAddon(): Promise<{ dir: string; remove: () => void }> {
  const staged = copyBuiltAddon('bench:client');
  const { dir } = staged;
  fs.mkdirSync(path.join(dir, 'bench'));
  fs.copyFileSync(path.join(BENCH_DIR, 'page.html'), path.join(dir, 'bench', 'page.html'));
  await esbuild.build({
    entryPoints: [path.join(BENCH_DIR, 'page.ts')],
    outfile: path.join(dir, 'bench', 'page.js'),
    bundle: true, format: 'iife', target: 'firefox128', logLevel: 'warning', absWorkingDir: REPO_DIR,
  });
  return staged;
}

/** The `* XEXEC ...` line of a raw reply (latin1: one char per byte, as the codec reads it). */
function dataLine(reply: Buffer): string {
  const text = reply.toString('latin1');
  const start = text.indexOf('\r\n* XEXEC ') + 2;
  if (start < 2) throw new Error(`no data line in: ${text.slice(-300)}`);
  return text.slice(start, text.indexOf('\r\n', start));
}

function checkOk(reply: Buffer, what: string): void {
  const tail = reply.subarray(Math.max(0, reply.length - 300)).toString('latin1');
  if (!/\r?\n?\S+ OK [^\r\n]*\r\n$/.test(tail)) throw new Error(`${what} failed: ${tail}`);
}

async function rawSmall(s: Session, warmup: number, iterations: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < warmup + iterations; i++) {
    const t0 = performance.now();
    const reply = await s.run('UID XEXEC tiny');
    const decoded = decodeDataLine(dataLine(reply));
    const t1 = performance.now();
    checkOk(reply, 'UID XEXEC tiny');
    if (!decoded.ok || decoded.value.lines.length !== 1) throw new Error('tiny: unexpected reply');
    if (i >= warmup) times.push(t1 - t0);
  }
  return times;
}

/** Thunderbird's custom-command round trip without the add-on: issueCommandOnMsgs from a chrome script. */
function thunderbirdAlone(tb: Thunderbird, accountId: string, text: string, warmup: number, iterations: number) {
  return tb.chrome<{ times: number[]; length: number }>(`
    const [accountId, text, warmup, iterations] = arguments;
    const server = MailServices.accounts.getAccount(accountId).incomingServer;
    const inbox = server.rootFolder.getFolderWithFlags(Ci.nsMsgFolderFlags.Inbox);
    const once = () => new Promise((resolve, reject) => {
      const msgWindow = Cc["@mozilla.org/messenger/msgwindow;1"].createInstance(Ci.nsIMsgWindow);
      const url = MailServices.imap.issueCommandOnMsgs(inbox, msgWindow, "XEXEC", text);
      url.QueryInterface(Ci.nsIMsgMailNewsUrl).RegisterListener({
        QueryInterface: ChromeUtils.generateQI(["nsIUrlListener"]),
        OnStartRunningUrl() {},
        OnStopRunningUrl(u, status) {
          if (status) reject(new Error("custom command failed: 0x" + (status >>> 0).toString(16)));
          else resolve(u.QueryInterface(Ci.nsIImapUrl).customCommandResult.length);
        },
      });
    });
    const clock = Services.wm.getMostRecentWindow("mail:3pane").performance;
    const times = [];
    let length = 0;
    for (let i = 0; i < warmup + iterations; i++) {
      const t0 = clock.now();
      length = await once();
      const t1 = clock.now();
      if (i >= warmup) times.push(t1 - t0);
    }
    return { times, length };
  `, [accountId, text, warmup, iterations]);
}

async function inPage<T>(page: ExtensionPage, call: string, args: unknown[]): Promise<T> {
  const json = await page.run<string>(`
    const [call, argsJson] = arguments;
    return await page.xexecBench[call](...page.JSON.parse(argsJson));
  `, [call, JSON.stringify(args)], 600_000);
  return JSON.parse(json) as T;
}

async function populate(server: TestServer): Promise<number> {
  const s = await Session.open(server.imapPort, USER, server.passwords[USER]!);
  const t0 = performance.now();
  const batch = 1000;
  for (let i = 0; i < LIST_ENTRIES; i += batch) {
    const entries = Array.from({ length: batch }, (_, j) => `sender${i + j}@bulk${(i + j) % 97}.example`);
    checkOk(await s.run(`XEXEC blacklist add ${entries.join(' ')}`), 'populating the blacklist');
  }
  s.close();
  return performance.now() - t0;
}

interface RawList { reply: number; decode: number; parse: number; bytes: number; entries: number }

async function rawList(s: Session): Promise<RawList[]> {
  const out: RawList[] = [];
  for (let i = 0; i < LIST_RUNS + 1; i++) {
    const t0 = performance.now();
    const reply = await s.run('UID XEXEC blacklist list');
    const t1 = performance.now();
    const decoded = decodeDataLine(dataLine(reply));
    const t2 = performance.now();
    if (!decoded.ok) throw new Error(`decoding the list failed: ${decoded.error.message}`);
    const parsed = parseListReply(decoded.value);
    const t3 = performance.now();
    checkOk(reply, 'blacklist list');
    if (!parsed.ok) throw new Error(`parsing the list failed: ${parsed.error.message}`);
    if (i > 0) out.push({ reply: t1 - t0, decode: t2 - t1, parse: t3 - t2, bytes: reply.length, entries: parsed.value.length });
  }
  return out;
}

async function main(): Promise<void> {
  const staged = await stageAddon();
  const server = await startServer({
    modules: (dir) => [...defaultModules(dir), { name: 'tiny', command: '/bin/echo ok' }],
  });
  let tb: Thunderbird | null = null;
  try {
    // Full-resolution performance.now() in the page (Firefox rounds it to 1 ms by default).
    tb = await startThunderbird({
      prefs: { 'privacy.reduceTimerPrecision': false, ...(JIT ? { 'javascript.options.baselinejit': true } : {}) },
    });
    const { accountId } = await tb.createImapAccount({ port: server.imapPort, user: USER, password: server.passwords[USER]! });
    if (await tb.installAddon(staged.dir) !== ADDON_ID) throw new Error('unexpected add-on id');
    const page = await tb.openExtensionPage(ADDON_ID, PAGE);
    const tbVersion = await tb.chrome<string>('return Services.appinfo.version;');
    const baselineJit = await tb.chrome<boolean>('return Services.prefs.getBoolPref("javascript.options.baselinejit", true);');
    const dovecot = execFileSync('dovecot', ['--version'], { encoding: 'utf8' }).trim();
    const resolution = await inPage<number>(page, 'timerResolution', []);
    console.log(`XEXEC client benchmark: ${os.cpus().length} cores (${os.cpus()[0]?.model}), Thunderbird ${tbVersion}, ` +
      `Dovecot ${dovecot}, Node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; JavaScript baseline JIT ${baselineJit ? 'on' : 'off'}; ` +
      `${ROUNDS * Math.ceil(ITERATIONS / ROUNDS)} calls per figure in ${ROUNDS} interleaved rounds, ${WARMUP} warm-up calls first; ` +
      `page timer resolution ${(resolution * 1000).toFixed(0)} µs`);

    // Small calls. The raw session SELECTs INBOX and sends the UID form, as Thunderbird does.
    const raw = await Session.open(server.imapPort, USER, server.passwords[USER]!);
    checkOk(await raw.run('SELECT INBOX'), 'SELECT INBOX');
    // Interleaved rounds, so that a busy moment of the machine hits every path alike.
    const small: Small[] = [
      { label: 'raw IMAP socket (Node: send, reply, decode)', times: [] },
      { label: "Thunderbird's custom command alone (chrome script, no add-on)", times: [] },
      { label: 'add-on, as the background runs it: build text, messenger.xexec.send(), readReport', times: [] },
      { label: 'extension API round trip alone (send() rejected: unknown account)', times: [] },
      { label: 'from a settings page through the background (runtime.sendMessage, console request)', times: [] },
      { label: 'the codec alone: buildCommandText + readReport of the same reply, no Thunderbird', times: [] },
    ];
    const perRound = Math.ceil(ITERATIONS / ROUNDS);
    for (let round = 0; round < ROUNDS; round++) {
      const warmup = round === 0 ? WARMUP : 10;
      small[0]!.times.push(...await rawSmall(raw, warmup, perRound));
      small[1]!.times.push(...(await thunderbirdAlone(tb, accountId, 'tiny', warmup, perRound)).times);
      small[2]!.times.push(...await inPage<number[]>(page, 'small', [accountId, 'tiny', [], warmup, perRound]));
      small[3]!.times.push(...await inPage<number[]>(page, 'rejected', [warmup, perRound]));
      small[4]!.times.push(...await inPage<number[]>(page, 'viaBackground', [accountId, 'tiny', warmup, perRound]));
      small[5]!.times.push(...await inPage<number[]>(page, 'codec', [warmup, perRound]));
    }
    const base = stats(small[0]!.times);
    console.log('\nSmall call: `XEXEC tiny` (/bin/echo ok), one at a time\n');
    console.log('| path | p50 ms | p95 ms | p50 / raw | p95 / raw |');
    console.log('|---|---:|---:|---:|---:|');
    for (const row of small) {
      const s = stats(row.times);
      console.log(`| ${row.label} | ${ms(s.p50)} | ${ms(s.p95)} | ${(s.p50 / base.p50).toFixed(2)} | ${(s.p95 / base.p95).toFixed(2)} |`);
    }
    const overhead = stats(small[2]!.times).p50 - stats(small[1]!.times).p50;
    console.log(`\n**The add-on's overhead over Thunderbird's own custom-command path, p50: ${ms(overhead)} ms** ` +
      `(target ≤ 0.25 ms: ${overhead <= 0.25 ? 'met' : 'NOT met'}); through the background from a settings page: ` +
      `${ms(stats(small[4]!.times).p50 - stats(small[1]!.times).p50)} ms`);
    const roundTrip = stats(small[3]!.times).p50;
    const codecShare = stats(small[5]!.times).p50;
    console.log(`Of the overhead: the extension API round trip ${ms(roundTrip)} ms, the codec ${ms(codecShare)} ms, ` +
      `the rest (the experiment's bookkeeping: account, queue, timeout, alert guard, the report's fields) ${ms(overhead - roundTrip - codecShare)} ms`);

    // The 100,000-entry list.
    const populateMs = await populate(server);
    const rawRuns = await rawList(raw);
    raw.close();
    const alone = await thunderbirdAlone(tb, accountId, 'blacklist list', 1, LIST_RUNS);
    const addon = (await inPage<{ send: number; decode: number; parse: number; entries: number }[]>(page, 'list', [accountId, 'blacklist', LIST_RUNS + 1])).slice(1);
    for (const r of [...rawRuns, ...addon]) {
      if (r.entries !== LIST_ENTRIES) throw new Error(`the list has ${r.entries} entries, not ${LIST_ENTRIES}`);
    }
    const m = (f: (r: RawList) => number) => median(rawRuns.map(f));
    const a = (f: (r: (typeof addon)[number]) => number) => median(addon.map(f));
    console.log(`\n${LIST_ENTRIES.toLocaleString('en')}-entry blacklist \`list\` (populated in ${(populateMs / 1000).toFixed(1)} s; ` +
      `${(rawRuns[0]!.bytes / 1e6).toFixed(1)} MB on the wire, ${(alone.length / 1e6).toFixed(1)} MB handed over by Thunderbird); ` +
      `median of ${LIST_RUNS} runs after one warm-up, all ${LIST_ENTRIES} entries parsed every run\n`);
    console.log('| path | step | median ms | runs ms |');
    console.log('|---|---|---:|---|');
    const runs = (values: number[]) => values.map((v) => v.toFixed(0)).join(', ');
    console.log(`| raw IMAP socket | reply received | ${m((r) => r.reply).toFixed(0)} | ${runs(rawRuns.map((r) => r.reply))} |`);
    console.log(`| raw IMAP socket | decode (src/protocol) | ${m((r) => r.decode).toFixed(0)} | ${runs(rawRuns.map((r) => r.decode))} |`);
    console.log(`| raw IMAP socket | parse (src/modules) | ${m((r) => r.parse).toFixed(0)} | ${runs(rawRuns.map((r) => r.parse))} |`);
    console.log(`| raw IMAP socket | **total** | **${m((r) => r.reply + r.decode + r.parse).toFixed(0)}** | ${runs(rawRuns.map((r) => r.reply + r.decode + r.parse))} |`);
    console.log(`| Thunderbird alone (chrome script) | custom command until OnStopRunningUrl | ${median(alone.times).toFixed(0)} | ${runs(alone.times)} |`);
    console.log(`| add-on, as the background runs it | send(): Thunderbird + the report copied to the extension | ${a((r) => r.send).toFixed(0)} | ${runs(addon.map((r) => r.send))} |`);
    console.log(`| add-on, as the background runs it | readReport (decoding the data line) | ${a((r) => r.decode).toFixed(0)} | ${runs(addon.map((r) => r.decode))} |`);
    console.log(`| add-on, as the background runs it | parseListReply | ${a((r) => r.parse).toFixed(0)} | ${runs(addon.map((r) => r.parse))} |`);
    console.log(`| add-on, as the background runs it | **total** | **${a((r) => r.send + r.decode + r.parse).toFixed(0)}** | ${runs(addon.map((r) => r.send + r.decode + r.parse))} |`);
  } finally {
    await tb?.stop();
    await server.stop();
    staged.remove();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
