import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const UI = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../ui');
const SRC = path.resolve(UI, '../src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return /\.tsx?$/.test(e.name) ? [full] : [];
  });
}

describe('the page–background contract', () => {
  it('the pages import nothing from src/background: the contract is src/messages', () => {
    const files = sources(UI);
    expect(files.length).toBeGreaterThan(10);
    const offenders = files.filter((f) => /from '[^']*src\/background\//.test(fs.readFileSync(f, 'utf8')));
    expect(offenders.map((f) => path.relative(UI, f))).toEqual([]);
  });

  it('the background and its modules import nothing from the pages (ui/)', () => {
    const files = sources(SRC);
    expect(files.length).toBeGreaterThan(10);
    const offenders = files.filter((f) => /from '(\.\.\/)+ui\//.test(fs.readFileSync(f, 'utf8')));
    expect(offenders.map((f) => path.relative(SRC, f))).toEqual([]);
  });
});
