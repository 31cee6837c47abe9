// Rules benchmark (issue 12): 500 rules, the administrator's default limit, through IMAP on a real
// Dovecot + Pigeonhole: the time of `rules list`, of a change (replace, move, enable/disable: each
// regenerates the one Sieve script, compiles it with sievec twice and installs it), of `check`, and
// of the adds that fill the list. Run with `npx vite-node bench/server/rules.ts` (after
// `npm run build:server`; XEXEC_DOVECOT=other for 2.4). It prints figures and asserts nothing
// about time; they go into docs/PERFORMANCE.md by hand.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dovecotLabel, rulesModule, startServer, USERS } from '../../test/server/fixture/index.js';
import { lit, median, percentile, rule } from '../common.js';
import { Session } from '../imap-session.js';

const RULES = 500;
const RUNS = 10;


async function timed(s: Session, command: string): Promise<[number, string]> {
  const t = performance.now();
  const reply = (await s.run(command)).toString('utf8');
  const ms = performance.now() - t;
  const tail = reply.slice(reply.lastIndexOf('\r\n', reply.length - 3) + 2);
  if (!/^\S+ OK /.test(tail)) throw new Error(`${command.slice(0, 40)} failed: ${tail}`);
  return [ms, reply];
}

const fmt = (runs: number[]) => `median ${median(runs).toFixed(0)} ms, max ${Math.max(...runs).toFixed(0)} ms`;

async function main(): Promise<void> {
  const server = await startServer({ modules: (dir) => [rulesModule(dir, [`--max-rules=${RULES + 1}`])] }); // room for check's 501st
  try {
    const user = USERS.dave;
    const s = await Session.open(server.imapPort, user, server.passwords[user]!);
    console.log(`Rules benchmark: ${dovecotLabel()}, ${os.cpus().length} cores (${os.cpus()[0]?.model}), Node ${process.version}`);
    const adds: number[] = [];
    const started = performance.now();
    for (let i = 1; i <= RULES; i++) adds.push((await timed(s, `XEXEC rules add ${lit(rule(i))}`))[0]);
    const fill = performance.now() - started;
    const script = fs.statSync(path.join(server.home(user), '.xexec/xexec.sieve')).size;
    const list: number[] = [], replace: number[] = [], move: number[] = [], toggle: number[] = [], check: number[] = [];
    let listBytes = 0;
    for (let r = 0; r < RUNS; r++) {
      const [ms, reply] = await timed(s, 'XEXEC rules list');
      list.push(ms);
      listBytes = Buffer.byteLength(reply);
      replace.push((await timed(s, `XEXEC rules replace 250 ${lit(rule(250 + r * 1000))}`))[0]);
      move.push((await timed(s, `XEXEC rules move 1 ${r % 2 === 0 ? RULES : 1}`))[0]);
      toggle.push((await timed(s, `XEXEC rules ${r % 2 === 0 ? 'disable' : 'enable'} 100`))[0]);
      check.push((await timed(s, `XEXEC rules check ${lit(rule(9999).replace('Rule', 'Check'))}`))[0]);
    }
    s.close();
    console.log(`\n${RULES} rules (generated script ${(script / 1024).toFixed(0)} kB), ${RUNS} runs each, through IMAP:`);
    console.log(`| command | time |\n|---|---|`);
    console.log(`| rules list (${(listBytes / 1024).toFixed(0)} kB on the wire) | ${fmt(list)} |`);
    console.log(`| rules replace (generate, compile, install) | ${fmt(replace)} |`);
    console.log(`| rules move (first to last and back) | ${fmt(move)} |`);
    console.log(`| rules disable / enable | ${fmt(toggle)} |`);
    console.log(`| rules check (501st rule, nothing stored) | ${fmt(check)} |`);
    console.log(`| rules add, 1st to ${RULES}th | ${(fill / 1000).toFixed(1)} s in all; the last 50: median ` +
      `${median(adds.slice(-50)).toFixed(0)} ms, p95 ${percentile(adds.slice(-50), 95).toFixed(0)} ms |`);
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
