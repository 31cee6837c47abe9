// UI benchmark: the settings tab in the real headless Thunderbird 153 with the built add-on,
// against a throwaway Dovecot. Run with `npm run bench:ui` (it builds the add-on first; the
// plugin must be built: `npm test` or `npm run build:server`). It prints markdown tables and
// asserts nothing about time; results go into docs/PERFORMANCE.md by hand.
//
// The settings page is the built one plus a probe (bench/ui/probe.ts, loaded first by a copy
// of options.html, bench.html, in a staged copy of dist/addon) that times in the page:
//   - opening the tab: from tabmail.openTab() (chrome, Date.now()) until the account's tabs,
//     and until the first panel with its state from the server, are painted; the first open
//     (cold: page code and the background's discovery not warm) apart, then the median;
//   - a 100,000-entry block list: from the click on its tab until its rows are painted, split
//     at the moment the list's data reached the page (runtime.sendMessage resolved);
//   - the filter: each keystroke (an input event) until the filtered rows are painted;
//   - adding one entry to the 100,000-entry list: from the click on Add until its row is
//     painted, next to the server's own time for the same command over a raw IMAP session.
// Environment: BENCH_TAB_RUNS (9), BENCH_LIST_RUNS (5), BENCH_JIT=1 (baseline JIT on, as
// upstream Thunderbird has it; Debian's package turns it off).
import { execFileSync } from 'node:child_process';
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ADDON_ID, defaultModules, ExtensionPage, startServer, startThunderbird, type TestServer, type Thunderbird, USERS } from '../../test/support/harness.js';
import { copyBuiltAddon, median, percentile } from '../common.js';
import { Session } from '../imap-session.js';

const BENCH_DIR = path.dirname(new URL(import.meta.url).pathname);
const REPO_DIR = path.resolve(BENCH_DIR, '../..');
const PAGE = 'ui/options/bench.html';
const USER = USERS.dave;
const ENTRIES = 100_000;
const TAB_RUNS = Number(process.env.BENCH_TAB_RUNS ?? 9);
const LIST_RUNS = Number(process.env.BENCH_LIST_RUNS ?? 5);
const JIT = process.env.BENCH_JIT === '1';
const STANDARD = new Set(['blacklist', 'whitelist', 'changepassword', 'forwardmail', 'vacation']);

/** The list on the server: sender<i>@bulk<i mod 97>.example. */
const entry = (i: number) => `sender${i}@bulk${i % 97}.example`;
/** What the filter holds after each keystroke: typing, a miss, Backspace, clearing it. */
const FILTER_STEPS = ['b', 'bu', 'bul', 'bulk', 'bulk4', 'bulk42', 'bulk42x', 'bulk42', ''];

const ms = (v: number) => v.toFixed(0);
const runs = (values: number[]) => values.map(ms).join(', ');

/** dist/addon plus the probe and bench.html (options.html loading the probe first), in a temp dir. */
async function stageAddon(): Promise<{ dir: string; remove: () => void }> {
  const staged = copyBuiltAddon('bench:ui');
  const { dir } = staged;
  const html = fs.readFileSync(path.join(dir, 'ui/options/options.html'), 'utf8');
  const withProbe = html.replace('<script src="options.js" defer></script>', '<script src="bench-probe.js"></script>\n  <script src="options.js" defer></script>');
  if (withProbe === html) throw new Error('options.html no longer loads options.js as the benchmark expects');
  fs.writeFileSync(path.join(dir, PAGE), withProbe);
  const options = { bundle: true, format: 'iife', target: 'firefox140', logLevel: 'warning', absWorkingDir: REPO_DIR } as const;
  await esbuild.build({ ...options, entryPoints: [path.join(BENCH_DIR, 'probe.ts')], outfile: path.join(dir, 'ui/options/bench-probe.js') });
  // The same router with clocks around it, in place of the built background (bench/ui/background.ts).
  await esbuild.build({ ...options, entryPoints: [path.join(BENCH_DIR, 'background.ts')], outfile: path.join(dir, 'background/background.js') });
  return staged;
}

async function populate(server: TestServer): Promise<number> {
  const s = await Session.open(server.imapPort, USER, server.passwords[USER]!);
  const t0 = performance.now();
  for (let i = 0; i < ENTRIES; i += 1000) {
    const reply = await s.run(`XEXEC blacklist add ${Array.from({ length: 1000 }, (_, j) => entry(i + j)).join(' ')}`);
    if (!/ OK /.test(reply.toString('latin1').split('\r\n').at(-2) ?? '')) throw new Error('populating the block list failed');
  }
  s.close();
  return performance.now() - t0;
}

interface Opened {
  page: ExtensionPage;
  tabs: number;
  panel: number;
}

/** Opens the bench page in a tab (as the add-on's Options would) and waits for its first panel. */
async function openTab(tb: Thunderbird, run: number): Promise<Opened> {
  const { url, t0 } = await tb.chrome<{ url: string; t0: number }>(`
    const [id, page, run] = arguments;
    const url = "moz-extension://" + WebExtensionPolicy.getByID(id).mozExtensionHostname + "/" + page + "?run=" + run;
    const tabmail = Services.wm.getMostRecentWindow("mail:3pane").document.getElementById("tabmail");
    const t0 = Date.now();
    tabmail.openTab("contentTab", { url, background: false });
    return { url, t0 };
  `, [ADDON_ID, PAGE, run]);
  const page = new ExtensionPage(tb, url);
  const deadline = Date.now() + 120_000;
  for (;;) {
    let marks: Record<string, number> | null = null;
    try {
      const json = await page.run<string | null>('return page.uiBench ? page.uiBench.marks() : null;', [], 10_000);
      marks = json === null ? null : JSON.parse(json) as Record<string, number>;
    } catch {
      // the page is not there yet
    }
    if (marks?.panel !== undefined && marks.tabs !== undefined) return { page, tabs: marks.tabs - t0, panel: marks.panel - t0 };
    if (Date.now() > deadline) throw new Error(`the settings page did not show its first panel: ${JSON.stringify(marks)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function inPage<T>(page: ExtensionPage, call: string, args: unknown[]): Promise<T> {
  const json = await page.run<string>(`
    const [call, argsJson] = arguments;
    return await page.uiBench[call](...page.JSON.parse(argsJson));
  `, [call, JSON.stringify(args)], 600_000);
  return JSON.parse(json) as T;
}

/** Marks of one request in the background (bench/ui/background.ts), Date.now(). */
interface BackgroundMarks { type: string; received: number; sendStart: number; sendEnd: number; answered: number }

/** One timed click in the page: performance.now() spans, and the request's Date.now() sent/answered. */
interface Timed { total: number; sent: number; data: number; render: number; wall: number[]; background: BackgroundMarks[] }

/** Every part of a click → painted, from the page's and the background's clocks. */
function parts(run: Timed, type: string) {
  const b = run.background.find((m) => m.type === type);
  const [sentAt, dataAt] = run.wall;
  if (!b || sentAt === undefined || dataAt === undefined) throw new Error(`no background marks for ${type}: ${JSON.stringify(run)}`);
  const p = {
    mount: run.sent,
    toBackground: b.received - sentAt,
    beforeSend: b.sendStart - b.received,
    send: b.sendEnd - b.sendStart,
    afterSend: b.answered - b.sendEnd,
    toPage: dataAt - b.answered,
    render: run.render,
  };
  return { ...p, rest: run.total - Object.values(p).reduce((a, v) => a + v, 0) };
}

async function main(): Promise<void> {
  const staged = await stageAddon();
  const server = await startServer({ modules: (dir) => defaultModules(dir).filter((m) => STANDARD.has(m.name)) });
  let tb: Thunderbird | null = null;
  try {
    const populateMs = await populate(server);
    tb = await startThunderbird({
      prefs: { 'privacy.reduceTimerPrecision': false, ...(JIT ? { 'javascript.options.baselinejit': true } : {}) },
    });
    await tb.marionette!.send('WebDriver:SetWindowRect', { width: 1280, height: 800 });
    const { accountId } = await tb.createImapAccount({ port: server.imapPort, user: USER, password: server.passwords[USER]! });
    if (await tb.installAddon(staged.dir) !== ADDON_ID) throw new Error('unexpected add-on id');
    const tbVersion = await tb.chrome<string>('return Services.appinfo.version;');
    const baselineJit = await tb.chrome<boolean>('return Services.prefs.getBoolPref("javascript.options.baselinejit", true);');
    const dovecot = execFileSync('dovecot', ['--version'], { encoding: 'utf8' }).trim();
    console.log(`XEXEC settings tab benchmark: ${os.cpus().length} cores (${os.cpus()[0]?.model}), Thunderbird ${tbVersion} (headless, 1280x800), ` +
      `Dovecot ${dovecot}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; JavaScript baseline JIT ${baselineJit ? 'on' : 'off'}; block list of ${ENTRIES.toLocaleString('en')} entries ` +
      `(populated in ${(populateMs / 1000).toFixed(1)} s); account ${accountId}`);

    // Opening the tab.
    const opens: { tabs: number; panel: number }[] = [];
    for (let i = 0; i < TAB_RUNS; i++) {
      const opened = await openTab(tb, i);
      opens.push({ tabs: opened.tabs, panel: opened.panel });
      await opened.page.close();
    }
    const warm = opens.slice(1);

    // The list and its filter: a new tab each run, so the list panel loads afresh.
    const expected = FILTER_STEPS.map((q) => {
      let n = 0;
      for (let i = 0; i < ENTRIES; i++) if (entry(i).includes(q)) n++;
      return n;
    });
    const lists: (Timed & { count: string; rows: number })[] = [];
    const keys: number[][] = FILTER_STEPS.map(() => []);
    const adds: Timed[] = [];
    const serverAdds: number[] = [];
    const raw = await Session.open(server.imapPort, USER, server.passwords[USER]!);
    const rawOk = async (command: string) => {
      const t0 = performance.now();
      const reply = await raw.run(command);
      const t1 = performance.now();
      if (!/ OK /.test(reply.toString('latin1').split('\r\n').at(-2) ?? '')) throw new Error(`${command} failed`);
      return t1 - t0;
    };
    for (let i = 0; i < LIST_RUNS; i++) {
      const opened = await openTab(tb, TAB_RUNS + i);
      const list = await inPage<(typeof lists)[number]>(opened.page, 'openList', ['blacklist']);
      if (!list.count.includes('100,000')) throw new Error(`the list panel says "${list.count}"`);
      lists.push(list);
      const times = await inPage<number[]>(opened.page, 'typeFilter', ['blacklist', FILTER_STEPS, expected]);
      times.forEach((t, k) => keys[k]!.push(t));
      // One entry added (it sorts first, so its row is the first one shown), then removed again
      // over the raw session; the server's own time for the same add on the same list beside it.
      const added = `a${i}@add.example`;
      adds.push(await inPage<(typeof adds)[number]>(opened.page, 'addEntry', ['blacklist', added, (ENTRIES + 1).toLocaleString('en')]));
      await rawOk(`UID XEXEC blacklist del ${added}`);
      serverAdds.push(await rawOk(`UID XEXEC blacklist add ${added}`));
      await rawOk(`UID XEXEC blacklist del ${added}`);
      await opened.page.close();
    }
    raw.close();
    const probe = await openTab(tb, TAB_RUNS + LIST_RUNS);
    const parts0 = await inPage<{ send: number; decode: number; listShow: number; small: number; clone: number; asArray: number; asString: number; parse: number }>(probe.page, 'breakdown', [accountId, LIST_RUNS]);
    await probe.page.close();

    const allKeys = keys.flat();
    console.log(`\n| measure | target | median ms | runs ms |`);
    console.log('|---|---:|---:|---|');
    console.log(`| settings tab: openTab → the account's tabs painted | | ${ms(median(warm.map((o) => o.tabs)))} | ${runs(warm.map((o) => o.tabs))} |`);
    console.log(`| settings tab: openTab → first panel (Automatic reply, its state read from the server) painted | ≤ 200 | **${ms(median(warm.map((o) => o.panel)))}** | ${runs(warm.map((o) => o.panel))} |`);
    console.log(`| settings tab, first open after start (cold): tabs / first panel | | ${ms(opens[0]!.tabs)} / ${ms(opens[0]!.panel)} | |`);
    console.log(`| ${ENTRIES.toLocaleString('en')}-entry list: click on its tab → rows painted | ≤ 250 | **${ms(median(lists.map((l) => l.total)))}** | ${runs(lists.map((l) => l.total))} |`);
    console.log(`| … of which click → the page sends \`list.show\` (the panel mounts and asks) | | ${ms(median(lists.map((l) => l.sent)))} | ${runs(lists.map((l) => l.sent))} |`);
    console.log(`| … of which \`list.show\` sent → its answer in the page (IMAP, experiment, background, messaging) | | ${ms(median(lists.map((l) => l.data - l.sent)))} | ${runs(lists.map((l) => l.data - l.sent))} |`);
    console.log(`| … of which data in the page → rows painted | | ${ms(median(lists.map((l) => l.render)))} | ${runs(lists.map((l) => l.render))} |`);
    const addTotal = median(adds.map((a) => a.total));
    const addOwn = adds.map((a) => a.total - parts(a, 'list.add').send);
    console.log(`| add one entry to the ${ENTRIES.toLocaleString('en')}-entry list: click on Add → its row painted | | ${ms(addTotal)} | ${runs(adds.map((a) => a.total))} |`);
    console.log(`| … the server's own time for that add (raw IMAP session, same list, right after) | | ${ms(median(serverAdds))} | ${runs(serverAdds)} |`);
    console.log(`| … in \`messenger.xexec.send\` (the server's time and Thunderbird's custom command) | | ${ms(median(adds.map((a) => parts(a, 'list.add').send)))} | ${runs(adds.map((a) => parts(a, 'list.add').send))} |`);
    console.log(`| … **the add-on's part: click → row painted minus that send(), per run** | ≤ 100 | **${ms(median(addOwn))}** | ${runs(addOwn)} |`);
    console.log(`| … of which \`list.add\` answer in the page → row painted | | ${ms(median(adds.map((a) => a.render)))} | ${runs(adds.map((a) => a.render))} |`);
    console.log(`| filter: keystroke → filtered rows painted, all ${allKeys.length} keystrokes (p95 ${ms(percentile(allKeys, 95))}, max ${ms(Math.max(...allKeys))}) | ≤ 50 | **${ms(median(allKeys))}** | |`);
    // Every part of click → rows painted, per run (the page's and the background's clocks),
    // then the median of each part; the background's own work split further by the same steps
    // timed in the probe page (same engine and process).
    const account = (label: string, runsOf: Timed[], type: string, rows: [keyof ReturnType<typeof parts>, string][]) => {
      const split = runsOf.map((r) => parts(r, type));
      console.log(`\n${label} (median of ${runsOf.length}; each part's median, so they need not add up exactly)\n`);
      console.log('| part | median ms | runs ms |');
      console.log('|---|---:|---|');
      console.log(`| **total** | **${ms(median(runsOf.map((r) => r.total)))}** | ${runs(runsOf.map((r) => r.total))} |`);
      for (const [key, text] of rows) console.log(`| ${text} | ${ms(median(split.map((s) => s[key])))} | ${runs(split.map((s) => s[key]))} |`);
      console.log(`| **unexplained remainder** (total minus all parts, per run) | **${ms(median(split.map((s) => s.rest)))}** | ${runs(split.map((s) => s.rest))} |`);
    };
    account(`Where the ${ENTRIES.toLocaleString('en')}-entry list's click → rows painted goes`, lists, 'list.show', [
      ['mount', 'click → the panel mounted and sent `list.show`'],
      ['toBackground', 'the request to the background (runtime.sendMessage)'],
      ['beforeSend', 'background: policy, module name, command text'],
      ['send', "background: `messenger.xexec.send`: Thunderbird's custom command, the report into the background"],
      ['afterSend', 'background: readReport + parseListReply + joinEntries'],
      ['toPage', 'the answer (one string) back to the page'],
      ['render', 'page: split, state, rows painted'],
    ]);
    console.log(`\nThe background's work after send(), the same steps timed in the probe page: readReport ${ms(parts0.decode)}, ` +
      `parseListReply ${ms(parts0.parse)} ms. Thunderbird's custom command alone, timed in the page: ${ms(parts0.send)} ms. ` +
      `For comparison: a small background request (\`policy.get\`) ${ms(parts0.small)} ms; one structured clone of the entries in the page ${ms(parts0.clone)} ms; ` +
      `the entries carried page → background by \`runtime.sendMessage\` ${ms(parts0.asArray - parts0.small)} ms as an array, ${ms(parts0.asString - parts0.small)} ms as one joined string`);
    account(`Adding one entry: click on Add → its row painted`, adds, 'list.add', [
      ['mount', 'click → the page sent `list.add`'],
      ['toBackground', 'the request to the background'],
      ['beforeSend', 'background: policy, normalising, command text'],
      ['send', "background: `messenger.xexec.send`: the server's own time and Thunderbird's"],
      ['afterSend', 'background: readReport + parseAddReply'],
      ['toPage', 'the answer back to the page'],
      ['render', 'page: merge into the sorted list, rows painted'],
    ]);
    console.log(`\nLoad average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    console.log(`\nFilter keystrokes on the ${ENTRIES.toLocaleString('en')}-entry list (${LIST_RUNS} runs each)\n`);
    console.log('| filter holds | matching entries | median ms | max ms |');
    console.log('|---|---:|---:|---:|');
    FILTER_STEPS.forEach((q, k) => {
      console.log(`| \`${q === '' ? '(cleared)' : q}\` | ${expected[k]!.toLocaleString('en')} | ${ms(median(keys[k]!))} | ${ms(Math.max(...keys[k]!))} |`);
    });
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
