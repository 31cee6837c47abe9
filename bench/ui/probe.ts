// BENCHMARK PAGE ONLY: bundled by bench/ui/run.ts into a staged copy of dist/addon (never into
// the .xpi), and loaded by the benchmark's copy of the settings page (bench.html) before the
// page's own options.js. It watches the DOM from the first moment and times, in the page:
//   - when the account's tabs and the first panel (its state read from the server) are shown,
//   - how long a panel with a big list takes from the click on its tab to rows on screen,
//     and when the list's data arrived from the background (runtime.sendMessage resolved),
//   - how long each keystroke in the list's filter takes until the filtered rows are shown,
//   - how long adding one entry takes, from the click on Add until its row is shown.
// "Shown" is after the next paint: a requestAnimationFrame callback, then a task.

import type { XexecExperimentApi } from '../../experiments/xexec/api.js';
import { splitEntries } from '../../src/messages/messages.js';
import { parseListReply } from '../../src/modules/lists.js';
import { buildCommandText } from '../../src/protocol/command.js';
import { readReport } from '../../src/protocol/execute-result.js';

interface Runtime {
  sendMessage(message: unknown, ...rest: unknown[]): Promise<unknown>;
}

declare const browser: { runtime: Runtime };
declare const messenger: { xexec: XexecExperimentApi };

const now = () => performance.now();

/** After the frame that shows the current DOM was painted. */
function afterPaint(): Promise<number> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => resolve(now()), 0)));
}

/** The time (after paint) when `check` first holds; checked on every change of the DOM. */
function when(check: () => boolean, timeoutMs = 120_000): Promise<number> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = () => {
      if (settled) return;
      settled = true;
      observer.disconnect();
      clearTimeout(timer);
      void afterPaint().then(resolve);
    };
    const observer = new MutationObserver(() => {
      if (check()) done();
    });
    const timer = setTimeout(() => {
      settled = true;
      observer.disconnect();
      reject(new Error('timed out waiting for the page'));
    }, timeoutMs);
    observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
    if (check()) done();
  });
}

/** Wall-clock times (Date.now(), as the chrome side reads it) of the first render steps. */
const marks: Record<string, number> = { script: Date.now() };
void when(() => document.querySelector('[role="tablist"]') !== null && document.querySelector('.account-picker input:checked') !== null)
  .then(() => { marks.tabs = Date.now(); });
void when(() => {
  const panel = document.querySelector('[role="tabpanel"]:not([hidden])');
  return panel !== null && panel.querySelector('.panel-body') !== null;
}).then(() => { marks.panel = Date.now(); });

/** When each list.show request left the page, and when its answer reached it (performance.now()). */
const listSent: number[] = [];
const listData: number[] = [];
/** The same for list.add (emptied before each timed add). */
const addSent: number[] = [];
const addData: number[] = [];
/** The same moments in Date.now(), to set them against the background's marks (bench/ui/background.ts). */
const wall: Record<string, number[]> = { 'list.show': [], 'list.add': [] };
const runtime = browser.runtime;
const sendMessage = runtime.sendMessage.bind(runtime);
runtime.sendMessage = (message: unknown, ...rest: unknown[]) => {
  const type = (message as { type?: string } | null)?.type;
  const [sent, data] = type === 'list.show' ? [listSent, listData] : type === 'list.add' ? [addSent, addData] : [null, null];
  sent?.push(now());
  if (sent) wall[type!]!.push(Date.now());
  const answer = sendMessage(message, ...rest);
  if (data) void answer.then(() => {
    data.push(now());
    wall[type!]!.push(Date.now());
  });
  return answer;
};

/** The background's marks of the requests since the last call (bench/ui/background.ts). */
async function benchMarks(): Promise<unknown> {
  return sendMessage({ type: 'bench.marks' });
}

function panelOf(key: string): Element {
  const panel = document.querySelector(`[role="tabpanel"][data-panel="${key}"]`);
  if (panel === null) throw new Error(`no panel ${key}`);
  return panel;
}

/** Clicks a list panel's tab; times until its rows are on screen. */
async function openList(key: string): Promise<string> {
  const tab = document.querySelector<HTMLElement>(`[role="tab"][data-panel="${key}"]`);
  if (tab === null) throw new Error(`no tab ${key}`);
  listSent.length = 0;
  listData.length = 0;
  wall['list.show'] = [];
  const t0 = now();
  tab.click();
  const t1 = await when(() => document.querySelector(`[role="tabpanel"][data-panel="${key}"] [role="option"]`) !== null);
  const panel = panelOf(key);
  const data = listData[0] ?? NaN;
  const sent = listSent[0] ?? NaN;
  return JSON.stringify({
    total: t1 - t0, sent: sent - t0, data: data - t0, render: t1 - data, wall: wall['list.show'], background: await benchMarks(),
    count: panel.querySelector('.count')?.textContent ?? '', rows: panel.querySelectorAll('[role="option"]').length,
  });
}

function shownCount(panel: Element): number | null {
  const text = panel.querySelector('.count')?.textContent ?? '';
  if (panel.querySelector('.count .pending') !== null) return null;
  const shown = /^Showing ([\d,.\s\u00a0\u202f]+) of/.exec(text);
  return shown ? Number(shown[1]!.replace(/\D/g, '')) : null;
}

/**
 * Types into the filter one keystroke at a time (`values` are the successive contents) and
 * times each until the rows for it are on screen: the count says `expected[i]` and is no
 * longer pending, and the first row contains the query (or the "no entry" line is shown).
 */
async function typeFilter(key: string, values: string[], expected: number[]): Promise<string> {
  const panel = panelOf(key);
  const input = panel.querySelector<HTMLInputElement>('.filter input');
  if (input === null) throw new Error('no filter field');
  input.focus();
  const times: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    const want = expected[i]!;
    const query = value.trim().toLowerCase();
    const previous = input.value;
    const t0 = now();
    input.value = value;
    const inputType = value.length < previous.length ? 'deleteContentBackward' : 'insertText';
    input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType, data: inputType === 'insertText' ? value.slice(-1) : null }));
    const t1 = await when(() => {
      if (query === '') return panel.querySelector('.count')?.textContent?.startsWith('Entries:') === true;
      if (want === 0) return panel.querySelector('.empty') !== null;
      const first = panel.querySelector('[role="option"] .vlist-text');
      return shownCount(panel) === want && first !== null && (first.textContent ?? '').includes(query);
    });
    times.push(t1 - t0);
    await afterPaint();
  }
  return JSON.stringify(times);
}

/**
 * Types `entry` into the add field, clicks Add and times until its row is the first one shown
 * (the caller picks an entry that sorts first) and the count says `count`.
 */
async function addEntry(key: string, entry: string, count: string): Promise<string> {
  const panel = panelOf(key);
  const input = panel.querySelector<HTMLInputElement>('.add-form input');
  const button = panel.querySelector<HTMLButtonElement>('.add-form button[type="submit"]');
  if (input === null || button === null) throw new Error('no add field');
  input.value = entry;
  input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: entry }));
  await afterPaint();
  addSent.length = 0;
  addData.length = 0;
  wall['list.add'] = [];
  const t0 = now();
  button.click();
  const t1 = await when(() => {
    const first = panel.querySelector('[role="option"] .vlist-text');
    return (first?.textContent ?? '') === entry && (panel.querySelector('.count')?.textContent ?? '').includes(count);
  }, 60_000);
  return JSON.stringify({
    total: t1 - t0, sent: (addSent[0] ?? NaN) - t0, data: (addData[0] ?? NaN) - t0, render: t1 - (addData[0] ?? NaN),
    wall: wall['list.add'], background: await benchMarks(),
  });
}

/**
 * Where the list's time goes before it reaches the page, each the median of `runs` after a
 * warm-up: the experiment's execute() called from this page (Thunderbird, decoding, one copy to
 * the page), the same list through the background (list.show: execute, parse, the answer
 * through runtime.sendMessage), a small background request, and one structured clone of the
 * entries in this page.
 */
async function breakdown(accountId: string, runs: number): Promise<string> {
  const med = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
  const time = async (work: () => Promise<unknown>) => {
    await work();
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = now();
      await work();
      times.push(now() - t0);
    }
    return med(times);
  };
  let entries: unknown = null;
  const text = buildCommandText({ module: 'blacklist', args: ['list'] });
  if (!text.ok) throw new Error(text.error.message);
  const send = await time(async () => {
    const r = await messenger.xexec.send(accountId, text.value);
    if (!r.stopped || r.status !== 0) throw new Error('blacklist list failed');
  });
  const listShow = await time(async () => {
    const r = await browser.runtime.sendMessage({ type: 'list.show', accountId, list: 'blacklist' }) as { ok: boolean; value: { entries: string } };
    if (!r.ok) throw new Error('list.show failed');
    entries = splitEntries(r.value.entries);
  });
  const small = await time(() => browser.runtime.sendMessage({ type: 'policy.get', accountId }));
  const clone = await time(async () => structuredClone(entries));
  // The entries carried one way by runtime.sendMessage (the background refuses the request at
  // once), as an array and as one string, to see what the messaging of the answer costs.
  const asArray = await time(() => browser.runtime.sendMessage({ type: 'bench.carry', entries }));
  const joined = (entries as string[]).join('\n');
  const asString = await time(() => browser.runtime.sendMessage({ type: 'bench.carry', entries: joined }));
  // The background's own steps, here in the same engine: reading the report, parsing the lines.
  const report = await messenger.xexec.send(accountId, text.value);
  let lines: ReturnType<typeof readReport>['lines'] = [];
  const decode = await time(async () => {
    const r = readReport(report, 'blacklist');
    if (!r.ok) throw new Error('decoding failed');
    lines = r.lines;
  });
  const parse = await time(async () => {
    const parsed = parseListReply({ module: 'blacklist', lines });
    if (!parsed.ok) throw new Error('parse failed');
  });
  return JSON.stringify({ send, decode, listShow, small, clone, asArray, asString, parse });
}

(window as unknown as { uiBench: unknown }).uiBench = {
  marks: () => JSON.stringify(marks),
  openList,
  typeFilter,
  addEntry,
  breakdown,
};
