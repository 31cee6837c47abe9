// BENCHMARK PAGE ONLY: bundled by bench/client/run.ts into a staged copy of
// dist/addon (never into the .xpi). It does here, in an extension page, what
// the background does for every request: build the command text
// (src/protocol), send it through the experiment's raw transport
// (messenger.xexec.send), read the report and parse the reply (src/modules).
// The background is an extension page of the same process, so the times are
// the background's.
import type { XexecExperimentApi } from '../../experiments/xexec/api.js';
import { parseListReply } from '../../src/modules/lists.js';
import { buildCommandText } from '../../src/protocol/command.js';
import { readReport, type ExecuteResult } from '../../src/protocol/execute-result.js';

declare const messenger: { xexec: XexecExperimentApi };
declare const browser: { runtime: { sendMessage(message: unknown): Promise<unknown> } };

/** As the router runs a request: text, send, read. */
async function execute(accountId: string, module: string, args: string[]): Promise<ExecuteResult> {
  const text = buildCommandText({ module, args });
  if (!text.ok) throw new Error(text.error.message);
  return readReport(await messenger.xexec.send(accountId, text.value), module);
}

/** Times `iterations` commands as the background runs them, after `warmup` untimed ones (ms each). */
async function small(accountId: string, module: string, args: string[], warmup: number, iterations: number): Promise<string> {
  const times: number[] = [];
  for (let i = 0; i < warmup + iterations; i++) {
    const t0 = performance.now();
    const r = await execute(accountId, module, args);
    const t1 = performance.now();
    if (!r.ok) throw new Error(`${module} failed: ${r.code} ${r.message}`);
    if (i >= warmup) times.push(t1 - t0);
  }
  return JSON.stringify(times);
}

/** The same through the background, as a settings page asks for it (the console request). */
async function viaBackground(accountId: string, module: string, warmup: number, iterations: number): Promise<string> {
  const times: number[] = [];
  for (let i = 0; i < warmup + iterations; i++) {
    const t0 = performance.now();
    const r = await browser.runtime.sendMessage({ type: 'console', accountId, module, args: [] }) as { ok: boolean; value?: { result: { ok: boolean } } };
    const t1 = performance.now();
    if (!r.ok || !r.value?.result.ok) throw new Error(`${module} through the background failed: ${JSON.stringify(r)}`);
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
      await messenger.xexec.send('no-such-account', 'tiny');
    } catch {
      rejectedAsExpected = true;
    }
    const t1 = performance.now();
    if (!rejectedAsExpected) throw new Error('send() with an unknown account did not reject');
    if (i >= warmup) times.push(t1 - t0);
  }
  return JSON.stringify(times);
}

/**
 * `runs` times: `<list> list` as the background runs it, timed in its steps: the experiment's
 * send() (Thunderbird, the report copied to this process), readReport (decoding the data line)
 * and parseListReply (the lines into entries).
 */
async function list(accountId: string, module: string, runs: number): Promise<string> {
  const out: { send: number; decode: number; parse: number; entries: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const text = buildCommandText({ module, args: ['list'] });
    if (!text.ok) throw new Error(text.error.message);
    const t0 = performance.now();
    const report = await messenger.xexec.send(accountId, text.value);
    const t1 = performance.now();
    const r = readReport(report, module);
    const t2 = performance.now();
    if (!r.ok) throw new Error(`${module} list failed: ${r.code} ${r.message}`);
    const parsed = parseListReply({ module, lines: r.lines }, module);
    const t3 = performance.now();
    if (!parsed.ok) throw new Error(`${module} list: ${parsed.error.message}`);
    out.push({ send: t1 - t0, decode: t2 - t1, parse: t3 - t2, entries: parsed.value.length });
  }
  return JSON.stringify(out);
}

/**
 * The codec's share of a small call, without Thunderbird: building the text and reading the
 * report `XEXEC tiny` gets (`tiny ("ok")`, as Thunderbird hands it over), `iterations` times.
 */
async function codec(warmup: number, iterations: number): Promise<string> {
  const report = { stopped: true, status: 0, customCommandResult: 'tiny ("ok") \r\n ', errorCode: '', errorMessage: '' } as const;
  const times: number[] = [];
  for (let i = 0; i < warmup + iterations; i++) {
    const t0 = performance.now();
    const text = buildCommandText({ module: 'tiny', args: [] });
    const r = readReport(report, 'tiny');
    const t1 = performance.now();
    if (!text.ok || !r.ok || r.lines[0] !== 'ok') throw new Error('the codec failed on tiny');
    if (i >= warmup) times.push(t1 - t0);
  }
  return JSON.stringify(times);
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

(window as unknown as { xexecBench: unknown }).xexecBench = { small, viaBackground, rejected, codec, list, timerResolution };
