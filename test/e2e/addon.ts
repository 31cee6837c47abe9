// The add-on as the e2e tests install it: built with `npm run build` (the very
// .xpi that ships), plus a test add-on staged from the same dist/addon/ with
// the test page (test/e2e/page/ as e2e/) added, in a temp dir of its own.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { alive } from '../support/procs.mjs';
import { delay, REPO_DIR } from './thunderbird.js';

export const TEST_PAGE = 'e2e/page.html';

export interface BuiltAddon {
  /**
   * A private copy of dist/xexec-<version>.xpi as `npm run build` left it: other e2e files
   * rebuild dist/ meanwhile, and Thunderbird reads a temporarily installed add-on's files from
   * its .xpi whenever a page of it opens (a page opened late found "file not found" once).
   */
  readonly xpi: string;
  /** A copy of dist/addon/ plus the test page; installable as a temporary add-on. */
  readonly testAddonDir: string;
  /** Removes testAddonDir and the .xpi's copy. */
  remove(): void;
}

const LOCK = path.join(REPO_DIR, 'dist', '.e2e-build.lock');


/** One build at a time: e2e files run in parallel workers and share dist/. */
async function withBuildLock<T>(work: () => T): Promise<T> {
  fs.mkdirSync(path.dirname(LOCK), { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      fs.writeFileSync(path.join(LOCK, 'pid'), String(process.pid));
      break;
    } catch {
      let owner = 0;
      try { owner = Number(fs.readFileSync(path.join(LOCK, 'pid'), 'utf8')); } catch {}
      if (owner && !alive(owner)) fs.rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`build lock ${LOCK} still held`);
      await delay(200);
    }
  }
  try {
    return work();
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Runs `npm run build` and stages the test add-on. */
export async function buildAddon(): Promise<BuiltAddon> {
  return withBuildLock(() => {
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
    const version = JSON.parse(fs.readFileSync(path.join(REPO_DIR, 'package.json'), 'utf8')).version as string;
    const built = path.join(REPO_DIR, 'dist', `xexec-${version}.xpi`);
    if (!fs.existsSync(built)) throw new Error(`npm run build made no ${built}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xexec-addon-'));
    const xpi = path.join(dir, path.basename(built));
    fs.copyFileSync(built, xpi);
    const testAddonDir = path.join(dir, 'addon');
    fs.cpSync(path.join(REPO_DIR, 'dist', 'addon'), testAddonDir, { recursive: true });
    fs.cpSync(path.join(REPO_DIR, 'test', 'e2e', 'page'), path.join(testAddonDir, 'e2e'), { recursive: true });
    return { xpi, testAddonDir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
  });
}

/** The file names in a zip (its central directory); enough for an .xpi made by web-ext. */
export function zipEntries(file: string): string[] {
  const zip = fs.readFileSync(file);
  // End of central directory record: signature 0x06054b50, at most 64 KiB of comment after it.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65_535); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${file} is not a zip file`);
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: bad central directory entry`);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}
