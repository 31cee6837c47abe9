// `npm test`: every suite, on every version this machine can reach, then a check that the run left
// nothing behind.
//
//   1. one vitest run of everything against this machine's Dovecot and Thunderbird;
//   2. the server suite against the other Debian release's Dovecot (in its cached root);
//   3. the core Thunderbird end-to-end files against the other Thunderbird ESR;
//
// Before them, `npm run typecheck` and `npm run lint:ts`: a type or lint error fails the run.
// Then one "N passed, N failed" line per version (labelled with the version that ran) and a total.
// Every run gets its own TMPDIR; afterwards that folder must be empty and no process of the run
// may be alive, or the run fails.
//
// Arguments after `--` go to every vitest call (e.g. `npm test -- --reporter=verbose`).
// XEXEC_ONLY_NATIVE=1 runs step 1 alone, without the package test (for machines where the other
// versions and the Debian roots can't be had: not root); the summary then says so, and the run
// fails, since the other versions were not tested.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { leftovers, killLeftovers } from './leftovers.mjs';

const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const extraArgs = process.argv.slice(2);
const onlyNative = process.env.XEXEC_ONLY_NATIVE === '1';

// Core e2e files, the ones run on both Thunderbirds. The files whose Thunderbird APIs may differ between ESRs: the experiment, the background, saved
// passwords, and what lives in Thunderbird's own windows (the menus on messages, the reminder's
// notification bar and toolbar badge), and the panels that read address books (spam's and
// alerts' trusted contacts) or message filters and folders (rules), and the saved password a
// change with the current password updates.
const CORE_E2E = [
  'test/e2e/version.test.ts', 'test/e2e/experiment.test.ts', 'test/e2e/background.test.ts', 'test/e2e/password.test.ts',
  'test/e2e/sender-actions.test.ts', 'test/e2e/sender-surfaces.test.ts', 'test/e2e/sender-readonly.test.ts', 'test/e2e/reminder.test.ts',
  'test/e2e/ui-spam.test.ts', 'test/e2e/ui-alerts.test.ts', 'test/e2e/ui-rules.test.ts', 'test/e2e/password-current.test.ts',
  'test/e2e/sending.test.ts', 'test/e2e/sending-policy.test.ts',
];

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: REPO, ...opts });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr ?? ''}${r.stdout ?? ''}`);
  }
  return r.stdout.trim();
}

/** "2.3.19.1" of `dovecot --version` ("2.3.19.1 (9b53102964)", "2.4.1-4 (7d8c0e5759)"). */
function dovecotVersion(inRoot) {
  const out = inRoot
    ? sh('sh', ['scripts/in-root.sh', inRoot, '--', 'dovecot', '--version'])
    : sh('dovecot', ['--version']);
  return /^\d+(?:\.\d+)*/.exec(out)?.[0] ?? out;
}

/** "140.12.0", as Thunderbird reports its own version (application.ini beside the binary). */
function thunderbirdVersion(binary) {
  return sh('sh', ['scripts/other-thunderbird.sh', 'app-version', binary]);
}

/** Runs vitest with a JSON report; returns per-file results (a file that failed to load counts as one failure). */
function vitest(label, files, env, runTmp) {
  const report = path.join(runTmp, `report-${label.replace(/[^a-z0-9.]+/gi, '-')}.json`);
  console.log(`\n=== ${label} ===\n`);
  const r = spawnSync('npx', ['vitest', 'run', ...files, '--reporter=default', '--reporter=json', `--outputFile=${report}`, ...extraArgs], {
    cwd: REPO, stdio: 'inherit', env: { ...process.env, ...env, TMPDIR: runTmp },
  });
  let results = [];
  try {
    results = JSON.parse(fs.readFileSync(report, 'utf8')).testResults;
    fs.rmSync(report, { force: true });
  } catch {
    // No report: vitest itself failed (a syntax error in the config, a crash).
  }
  if (results.length === 0) return { files: [], crashed: `vitest exited ${r.status ?? r.signal} without a report` };
  return { files: results, crashed: r.status !== 0 && r.status !== 1 ? `vitest exited ${r.status ?? r.signal}` : null };
}

// Every failed test, named with its file and the run it was in, for the summary: a CI log that
// keeps only its tail then still says what failed.
const failures = [];

function count(files, filter = () => true, run = '') {
  let passed = 0, failed = 0, skipped = 0;
  for (const f of files) {
    if (!filter(path.relative(REPO, f.name))) continue;
    const a = f.assertionResults ?? [];
    for (const t of a.filter((t) => t.status === 'failed')) failures.push(`${run}${path.relative(REPO, f.name)} > ${t.fullName}`);
    if (f.status === 'failed' && !a.some((t) => t.status === 'failed')) {
      failures.push(`${run}${path.relative(REPO, f.name)}: ${String(f.message ?? 'failed to load or in a hook').split('\n')[0]}`);
    }
    passed += a.filter((t) => t.status === 'passed').length;
    failed += a.filter((t) => t.status === 'failed').length;
    skipped += a.filter((t) => t.status !== 'passed' && t.status !== 'failed').length;
    if (f.status === 'failed' && !a.some((t) => t.status === 'failed')) failed += 1; // failed to load or in a hook
  }
  return { passed, failed, skipped };
}

/** Runs `npm run <script>`; prints its output when it fails. `count` reads the number of problems from it. */
function check(label, script, count) {
  console.log(`\n=== ${label} ===\n`);
  const r = spawnSync('npm', ['run', '--silent', script], { cwd: REPO, encoding: 'utf8' });
  if (r.status === 0) return `${label}: passed`;
  process.stdout.write(`${r.stdout ?? ''}${r.stderr ?? ''}`);
  const n = count(`${r.stdout ?? ''}${r.stderr ?? ''}`);
  return `${label}: ${n > 0 ? `${n} problem${n === 1 ? '' : 's'}` : `failed (${r.status ?? r.signal})`}`;
}

const lines = [];
let total = { passed: 0, failed: 0, skipped: 0 };
function summarize(label, c) {
  total = { passed: total.passed + c.passed, failed: total.failed + c.failed, skipped: total.skipped + c.skipped };
  lines.push(`${label}: ${c.passed} passed, ${c.failed} failed${c.skipped ? `, ${c.skipped} skipped` : ''}`);
}

// The run's own temp folder. The mail user (nobody) must be able to enter it: the server
// fixture's instance folders below it hold what Dovecot's processes read.
const runTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xexec-run-'));
fs.chmodSync(runTmp, 0o755);
const problems = [];

try {
  const tb = process.env.XEXEC_THUNDERBIRD ?? '/usr/lib/thunderbird/thunderbird';
  for (const line of [
    check('typecheck', 'typecheck', (out) => (out.match(/error TS\d+/g) ?? []).length),
    check('lint', 'lint:ts', (out) => Number(/(\d+) problems?/.exec(out)?.[1] ?? 0)),
  ]) {
    lines.push(line);
    if (!line.endsWith(': passed')) problems.push(line);
  }
  // The package test installs into Debian roots (root only); without root it is not run.
  const native = vitest('this machine', onlyNative ? ['--exclude', 'test/package/**'] : [], {}, runTmp);
  if (native.crashed) problems.push(`this machine's run: ${native.crashed}`);
  const isServer = (f) => f.startsWith('test/server/');
  const isE2e = (f) => f.startsWith('test/e2e/');
  const isPackage = (f) => f.startsWith('test/package/');
  summarize('unit', count(native.files, (f) => !isServer(f) && !isE2e(f) && !isPackage(f)));
  summarize(`dovecot ${dovecotVersion(null)}`, count(native.files, isServer));
  summarize(`thunderbird ${thunderbirdVersion(tb)}`, count(native.files, isE2e));
  const pkg = count(native.files, isPackage);
  if (pkg.passed + pkg.failed > 0) summarize('package', pkg);

  if (onlyNative) {
    problems.push('XEXEC_ONLY_NATIVE=1: the other Dovecot, the other Thunderbird and the Debian package were NOT tested');
  } else {
    const root = sh('sh', ['scripts/debian-root.sh', 'ensure']);
    // The real-Postfix test binds Postfix's folders into the native Dovecot's namespace: native only.
    const other = vitest('the other Dovecot', ['test/server/', '--exclude', 'test/server/modules/submit-postfix.test.ts'], { XEXEC_DOVECOT: 'other' }, runTmp);
    if (other.crashed) problems.push(`the other Dovecot's run: ${other.crashed}`);
    summarize(`dovecot ${dovecotVersion(root)}`, count(other.files, undefined, 'other Dovecot: '));

    const otherTb = sh('sh', ['scripts/other-thunderbird.sh', 'ensure']);
    const older = vitest('the other Thunderbird', CORE_E2E, { XEXEC_THUNDERBIRD: otherTb }, runTmp);
    if (older.crashed) problems.push(`the other Thunderbird's run: ${older.crashed}`);
    summarize(`thunderbird ${thunderbirdVersion(otherTb)}`, count(older.files, undefined, 'other Thunderbird: '));
  }
} catch (e) {
  problems.push(String(e instanceof Error ? e.message : e));
} finally {
  // What a run leaves behind is a failure of that run, even when every test passed.
  const left = await leftovers(runTmp);
  if (left.processes.length > 0) {
    problems.push(`processes of this run still alive:\n${left.processes.map((p) => `  ${p.pid} ${p.cmdline}`).join('\n')}`);
    killLeftovers(left.processes);
  }
  if (left.files.length > 0) problems.push(`left in ${runTmp}:\n${left.files.map((f) => `  ${f}`).join('\n')}`);
  fs.rmSync(runTmp, { recursive: true, force: true });
}

console.log('\n=== summary ===');
for (const f of failures) console.log(`FAILED: ${f}`);
for (const l of lines) console.log(l);
for (const p of problems) console.log(`PROBLEM: ${p}`);
console.log(`total: ${total.passed} passed, ${total.failed + problems.length} failed`);
process.exit(total.failed === 0 && problems.length === 0 ? 0 : 1);
