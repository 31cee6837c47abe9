// What the benchmarks share: order statistics and the copy of the built add-on they add their
// own pages to.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_DIR } from '../test/support/harness.js';

/** The p-th percentile (nearest rank below) of `values`, in any order. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/**
 * dist/addon (from `npm run build`) copied to `<temp>/addon`, for a benchmark to add its pages to.
 * `script` names the npm script that builds it, for the error when it is missing.
 */
export function copyBuiltAddon(script: string): { dir: string; remove: () => void } {
  const built = path.join(REPO_DIR, 'dist', 'addon');
  if (!fs.existsSync(path.join(built, 'manifest.json'))) {
    throw new Error(`dist/addon is missing: run \`npm run ${script}\` (it builds the add-on first)`);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xexec-bench-addon-'));
  const dir = path.join(tmp, 'addon');
  fs.cpSync(built, dir, { recursive: true });
  return { dir, remove: () => fs.rmSync(tmp, { recursive: true, force: true }) };
}

/** `text` as an IMAP literal (the rules benchmarks send rules with line breaks). */
export const lit = (text: string) => `{${Buffer.byteLength(text)}+}\r\n${text}`;

/** The rules benchmarks' varied rule: 1-3 conditions, 1-3 actions, every fifth with stop (so "variables" is needed). */
export function rule(i: number): string {
  const conds = [`if from contains sender${i}@`, `if subject contains Project ${i}`, `if size over ${1000 + i}`];
  const acts = [`do move Projects.P${i % 50}`, 'do read', 'do flag'];
  return [`name Rule ${i}`, ...(i % 3 === 0 ? ['match any'] : []), ...conds.slice(0, 1 + (i % 3)),
    ...acts.slice(0, 1 + (i % 3)), ...(i % 5 === 0 ? ['stop yes'] : [])].join('\n');
}
