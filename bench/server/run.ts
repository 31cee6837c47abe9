// Server benchmark: XEXEC throughput and latency against NOOP on the same
// Dovecot in the same run, and the time to return a 100,000-entry list.
// Run with `npm run bench:server`; it prints figures and asserts nothing
// about time. Results go into docs/PERFORMANCE.md by hand.
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultModules, isDovecot24, startServer, USERS } from '../../test/support/harness.js';
import { percentile } from '../common.js';
import { Session } from '../imap-session.js';

const BENCH_DIR = path.dirname(new URL(import.meta.url).pathname);

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const LIST_ENTRIES = 100_000;

interface Figures {
  label: string;
  sessions: number;
  ops: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
}

async function measure(port: number, label: string, command: string, sessions: number): Promise<Figures> {
  const users = [USERS.alice, USERS.bob, USERS.carol, USERS.dave];
  const pool = await Promise.all(
    Array.from({ length: sessions }, (_, i) => {
      const user = users[i % users.length]!;
      return Session.open(port, user, passwords[user]!);
    }),
  );
  const latencies: number[] = [];
  const loop = async (s: Session, until: number, record: boolean) => {
    while (performance.now() < until) {
      const start = performance.now();
      const reply = await s.run(command);
      if (!/ OK /.test(reply.toString('latin1').slice(-200))) {
        throw new Error(`${command} failed: ${reply.toString('latin1').slice(-200)}`);
      }
      if (record) latencies.push(performance.now() - start);
    }
  };
  await Promise.all(pool.map((s) => loop(s, performance.now() + 500, false)));
  const started = performance.now();
  await Promise.all(pool.map((s) => loop(s, started + SECONDS * 1000, true)));
  const elapsed = (performance.now() - started) / 1000;
  pool.forEach((s) => s.close());
  latencies.sort((a, b) => a - b);
  return {
    label, sessions, ops: latencies.length, perSecond: latencies.length / elapsed,
    p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99),
  };
}

async function listBenchmark(port: number): Promise<{ populate: number; runs: number[]; bytes: number; entries: number }> {
  const s = await Session.open(port, USERS.dave, passwords[USERS.dave]!);
  const started = performance.now();
  const batch = 1000;
  for (let i = 0; i < LIST_ENTRIES; i += batch) {
    const entries = Array.from({ length: batch }, (_, j) => `sender${i + j}@bulk${(i + j) % 97}.example`);
    const reply = await s.run(`XEXEC blacklist add ${entries.join(' ')}`);
    if (!/ OK /.test(reply.toString('latin1').slice(-200))) {
      throw new Error(`populating the list failed: ${reply.toString('latin1').slice(-300)}`);
    }
  }
  const populate = performance.now() - started;
  const runs: number[] = [];
  let bytes = 0;
  let entries = 0;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const reply = await s.run('XEXEC blacklist list');
    runs.push(performance.now() - t);
    bytes = reply.length;
    const text = reply.toString('latin1');
    const data = text.slice(text.indexOf('* XEXEC blacklist ('));
    entries = data.slice(0, data.indexOf('\r\n')).split('" "').length;
  }
  s.close();
  return { populate, runs, bytes, entries };
}

let passwords: Record<string, string> = {};

async function main(): Promise<void> {
  const server = await startServer({
    // Four sessions per user at once: above the default per-user cap of running modules.
    extraConfig: isDovecot24() ? 'xexec_max_per_user = 64\n' : 'plugin {\n  xexec_max_per_user = 64\n}\n',
    modules: (dir) => [
      ...defaultModules(dir),
      // The trivial modules: a binary, and a shell script (what real modules are).
      { name: 'tiny', command: '/bin/echo ok' },
      { name: 'tinysh', command: `${path.join(BENCH_DIR, 'modules/ok.sh')} %u` },
    ],
  });
  passwords = server.passwords;
  try {
    console.log(`XEXEC server benchmark: ${os.cpus().length} cores (${os.cpus()[0]?.model}), ` +
      `${SECONDS} s per figure, Node ${process.version}`);
    const rows: Figures[] = [];
    for (const sessions of [1, 20]) {
      rows.push(await measure(server.imapPort, 'NOOP', 'NOOP', sessions));
      rows.push(await measure(server.imapPort, 'XEXEC tiny (/bin/echo)', 'XEXEC tiny', sessions));
      rows.push(await measure(server.imapPort, 'XEXEC tinysh (sh script)', 'XEXEC tinysh', sessions));
    }
    console.log('\n| command | sessions | commands/s | ratio to NOOP | p50 ms | p95 ms | p99 ms |');
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const r of rows) {
      const noop = rows.find((n) => n.label === 'NOOP' && n.sessions === r.sessions)!;
      console.log(`| ${r.label} | ${r.sessions} | ${r.perSecond.toFixed(0)} | ` +
        `${(r.perSecond / noop.perSecond).toFixed(3)} | ${r.p50.toFixed(2)} | ${r.p95.toFixed(2)} | ${r.p99.toFixed(2)} |`);
    }
    const list = await listBenchmark(server.imapPort);
    const sorted = [...list.runs].sort((a, b) => a - b);
    console.log(`\n100,000-entry blacklist: populated in ${(list.populate / 1000).toFixed(1)} s ` +
      `(100 x "add" of 1,000); "blacklist list" returned ${list.entries} entries, ` +
      `${(list.bytes / 1e6).toFixed(1)} MB on the wire, median ${percentile(sorted, 50).toFixed(0)} ms ` +
      `(runs: ${list.runs.map((r) => r.toFixed(0)).join(', ')} ms)`);
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
