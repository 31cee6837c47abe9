// BENCHMARK PAGE ONLY: bundled by bench/client/run.ts into a staged copy of
// dist/addon (never into the .xpi). It times messenger.xexec.execute() where a
// settings page would call it, and parses a list reply with the add-on's own
// src/modules parser, as the background does (router: replyFromLines + parser).
import type { XexecExperimentApi } from '../../experiments/xexec/api.js';
import { parseListReply } from '../../src/modules/lists.js';
import { readLines, replyFromLines } from '../../src/protocol/execute-result.js';

declare const messenger: { xexec: XexecExperimentApi };

/** Times `iterations` calls of execute(accountId, module, args) after `warmup` untimed ones (ms each). */
async function small(accountId: string, module: string, args: string[], warmup: number, iterations: number): Promise<string> {
  const times: number[] = [];
  for (let i = 0; i < warmup + iterations; i++) {
    const t0 = performance.now();
    const r = await messenger.xexec.execute(accountId, module, args);
    const t1 = performance.now();
    if (!r.ok) throw new Error(`${module} failed: ${r.code} ${r.message}`);
    if (i >= warmup) times.push(t1 - t0);
  }
  return JSON.stringify(times);
}

/** The same for a call that the experiment rejects at once (unknown account): the extension API round trip alone. */
async function rejected(warmup: number, iterations: number): Promise<string> {
  const times: number[] = [];
  for (let i = 0; i < warmup + iterations; i++) {
    const t0 = performance.now();
    let rejectedAsExpected = false;
    try {
      await messenger.xexec.execute('no-such-account', 'tiny', []);
    } catch {
      rejectedAsExpected = true;
    }
    const t1 = performance.now();
    if (!rejectedAsExpected) throw new Error('execute() with an unknown account did not reject');
    if (i >= warmup) times.push(t1 - t0);
  }
  return JSON.stringify(times);
}

/**
 * `runs` times: execute(accountId, list, ["list"]) and parse the lines into
 * entries. Also times, here in the same engine, the decoding the experiment
 * does in the parent process (readLines), where it cannot be timed apart from
 * the call, on an equivalent data line.
 */
async function list(accountId: string, module: string, runs: number): Promise<string> {
  const out: { execute: number; parse: number; decode: number; entries: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = await messenger.xexec.execute(accountId, module, ['list']);
    const t1 = performance.now();
    if (!r.ok) throw new Error(`${module} list failed: ${r.code} ${r.message}`);
    const parsed = parseListReply(replyFromLines(module, r.lines), module);
    const t2 = performance.now();
    if (!parsed.ok) throw new Error(`${module} list: ${parsed.error.message}`);
    // What Thunderbird hands the experiment: the data line without "* XEXEC ", with its debris.
    const text = `${module} (${r.lines.map((l) => `"${String(l)}"`).join(' ')}) \r\n `;
    const t3 = performance.now();
    const decoded = readLines(text, module);
    const t4 = performance.now();
    if (!('lines' in decoded) || decoded.lines.length !== parsed.value.length) throw new Error('decoding the rebuilt data line failed');
    out.push({ execute: t1 - t0, parse: t2 - t1, decode: t4 - t3, entries: parsed.value.length });
  }
  return JSON.stringify(out);
}

/** The timer's resolution in this page (Firefox may coarsen performance.now()). */
function timerResolution(): number {
  let smallest = Infinity;
  let last = performance.now();
  for (let i = 0; i < 200_000 && smallest > 0.001; i++) {
    const now = performance.now();
    if (now > last) {
      smallest = Math.min(smallest, now - last);
      last = now;
    }
  }
  return smallest;
}

(window as unknown as { xexecBench: unknown }).xexecBench = { small, rejected, list, timerResolution };
