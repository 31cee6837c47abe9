// The hardening tests' own module scripts, copied into the test server's temp
// dir like the fixture's modules (the mail user runs them from there, and the
// Debian root of XEXEC_DOVECOT=other sees only the temp folder).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ModuleEntry } from '../fixture/index.js';

const HERE = path.dirname(new URL(import.meta.url).pathname);

/** A module entry running hardening/<file> from `<dir>/bin/hardening/`, then `words`. */
export function ownModule(dir: string, name: string, file: string, words = '%u'): ModuleEntry {
  const to = path.join(dir, 'bin', 'hardening');
  fs.mkdirSync(to, { recursive: true, mode: 0o755 });
  fs.chmodSync(to, 0o755);
  const dst = path.join(to, file);
  fs.copyFileSync(path.join(HERE, file), dst);
  fs.chmodSync(dst, 0o755);
  return { name, command: `${dst} ${words}` };
}

/** Writes `<dir>/bin/hardening/<file>` with `content` and `mode`; returns its path. */
export function ownFile(dir: string, file: string, content: string | Buffer, mode: number): string {
  const to = path.join(dir, 'bin', 'hardening');
  fs.mkdirSync(to, { recursive: true, mode: 0o755 });
  fs.chmodSync(to, 0o755);
  const dst = path.join(to, file);
  fs.writeFileSync(dst, content);
  fs.chmodSync(dst, mode);
  return dst;
}
