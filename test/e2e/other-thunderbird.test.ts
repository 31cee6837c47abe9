// scripts/other-thunderbird.sh with stand-ins for apt and dpkg-query on PATH (and a small .deb of a
// stand-in Thunderbird made with dpkg-deb), in a temp cache folder: which version it picks, what it
// says when there is none, and that `ensure` unpacks once, checks, replaces whole and cleans up.
// The real download and the real 140 are used by the e2e runs with XEXEC_THUNDERBIRD.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_DIR } from './thunderbird.js';

const SCRIPT = path.join(REPO_DIR, 'scripts', 'other-thunderbird.sh');

let tmp: string;

interface Fake {
  /** The installed thunderbird's version, or null: not installed. */
  installed: string | null;
  /** What `apt-cache madison thunderbird` lists. */
  offered: string[];
  /** The version the stand-in binary claims (default: the one of the package downloaded). */
  claims?: string;
}

function write(file: string, text: string, mode = 0o755): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { mode });
}

/** A .deb of version `version` holding a stand-in usr/lib/thunderbird/thunderbird. */
function makeDeb(version: string, claims: string): string {
  const upstream = version.replace(/^\d+:/, '').replace(/-[^-]*$/, '');
  const root = path.join(tmp, `deb-${version.replace(/[^\w.~-]/g, '_')}`);
  write(path.join(root, 'DEBIAN', 'control'),
    `Package: thunderbird\nVersion: ${version}\nArchitecture: all\nMaintainer: test <t@example.com>\nDescription: stand-in\n`, 0o644);
  // Answers what the script asks: --version, and -CreateProfile "name dir".
  write(path.join(root, 'usr', 'lib', 'thunderbird', 'thunderbird'), `#!/bin/sh
for a in "$@"; do
  case "$a" in
  --version) echo "Mozilla Thunderbird ${claims || upstream}"; exit 0 ;;
  "check "*) mkdir -p "\${a#check }"; exit 0 ;;
  esac
done
exit 1
`);
  const deb = path.join(tmp, 'debs', `thunderbird_${version.replace(/^\d+:/, '')}_all.deb`);
  fs.mkdirSync(path.dirname(deb), { recursive: true });
  const r = spawnSync('dpkg-deb', ['--root-owner-group', '--build', root, deb], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`dpkg-deb: ${r.stderr}`);
  return deb;
}

/** Stand-ins for dpkg-query, apt-cache and apt-get on a PATH of their own. */
function fakeTools(f: Fake): string {
  const bin = path.join(tmp, 'bin');
  fs.rmSync(bin, { recursive: true, force: true });
  write(path.join(bin, 'dpkg-query'), f.installed === null
    ? '#!/bin/sh\nexit 1\n'
    : `#!/bin/sh\necho "install ok installed ${f.installed}"\n`);
  write(path.join(bin, 'apt-cache'), `#!/bin/sh\ncat <<'EOF'\n${f.offered.map((v) => ` thunderbird | ${v} | http://deb.invalid/debian suite/main amd64 Packages`).join('\n')}\nEOF\n`);
  for (const v of f.offered) makeDeb(v, f.claims ?? '');
  write(path.join(bin, 'apt-get'), `#!/bin/sh
echo "apt-get $*" >>"${path.join(tmp, 'apt-get.log')}"
[ "$1" = download ] || exit 0
v=\${3#thunderbird=}
cp "${path.join(tmp, 'debs')}/thunderbird_\${v#*:}_all.deb" .
`);
  return bin;
}

function run(f: Fake, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const bin = fakeTools(f);
  const r = spawnSync('sh', [SCRIPT, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, XEXEC_ROOTS: path.join(tmp, 'cache') },
  });
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr };
}

function aptCalls(): string[] {
  try { return fs.readFileSync(path.join(tmp, 'apt-get.log'), 'utf8').trim().split('\n'); } catch { return []; }
}

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xexec-othertb-'));
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('scripts/other-thunderbird.sh', () => {
  it('picks the newest version whose major differs from the installed one', () => {
    // Debian 12: 153 installed from security, 140 in main.
    expect(run({ installed: '1:153.8.0esr-1~deb12u1', offered: ['1:153.8.0esr-1~deb12u1', '1:140.12.0esr-1~deb12u1'] }, 'package').stdout)
      .toBe('1:140.12.0esr-1~deb12u1');
    // An installed 140 with 153 and 128 offered: the newest other one.
    expect(run({ installed: '1:140.12.0esr-1', offered: ['1:128.14.0esr-1', '1:140.12.0esr-1', '1:153.8.0esr-1', '1:153.10.0esr-1'] }, 'package').stdout)
      .toBe('1:153.10.0esr-1');
  });

  it('fails, saying so, when apt offers no other major version or Thunderbird is not installed', () => {
    const none = run({ installed: '1:140.12.0esr-1', offered: ['1:140.12.0esr-1', '1:140.11.0esr-1'] }, 'ensure');
    expect(none.status).toBe(1);
    expect(none.stdout).toBe('');
    expect(none.stderr).toMatch(/apt offers no Thunderbird ESR but the installed 1:140\.12\.0esr-1 on Debian \S+/);
    if (process.getuid?.() === 0) expect(aptCalls()).toEqual(['apt-get update -q']); // lists may be old: updated once
    const missing = run({ installed: null, offered: ['1:140.12.0esr-1'] }, 'package');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/Thunderbird is not installed/);
  });

  it('ensure unpacks once, checks the binary, replaces a tree of another version whole', () => {
    const fake: Fake = { installed: '1:153.8.0esr-1', offered: ['1:153.8.0esr-1', '1:140.12.0esr-1'] };
    const cache = path.join(tmp, 'cache');
    // Left over: a builder that died, and the tree of a version apt no longer offers.
    fs.mkdirSync(path.join(cache, 'thunderbird-140.11.0esr-1.tmp.99999'), { recursive: true });
    fs.mkdirSync(path.join(cache, 'thunderbird-140.11.0esr-1', 'usr'), { recursive: true });
    const first = run(fake, 'ensure');
    expect(first.status, first.stderr).toBe(0);
    const bin = path.join(cache, 'thunderbird-140.12.0esr-1', 'usr', 'lib', 'thunderbird', 'thunderbird');
    expect(first.stdout).toBe(bin);
    expect(fs.readFileSync(path.join(cache, 'thunderbird-140.12.0esr-1', '.xexec-thunderbird'), 'utf8')).toBe('1:140.12.0esr-1\n');
    expect(fs.readdirSync(cache).filter((d) => d.startsWith('thunderbird-'))).toEqual(['thunderbird-140.12.0esr-1']);
    expect(aptCalls().filter((c) => c.startsWith('apt-get download'))).toEqual(['apt-get download -q thunderbird=1:140.12.0esr-1']);
    // Built: nothing is downloaded again.
    expect(run(fake, 'ensure').stdout).toBe(bin);
    expect(aptCalls().filter((c) => c.startsWith('apt-get download')).length).toBe(1);
    // A stamp of another version: unpacked again, in place of the old tree.
    fs.writeFileSync(path.join(cache, 'thunderbird-140.12.0esr-1', '.xexec-thunderbird'), 'other\n');
    fs.writeFileSync(path.join(cache, 'thunderbird-140.12.0esr-1', 'stale-file'), '');
    expect(run(fake, 'ensure').stdout).toBe(bin);
    expect(fs.existsSync(path.join(cache, 'thunderbird-140.12.0esr-1', 'stale-file'))).toBe(false);
    expect(run(fake, 'app-version', bin).stdout).toBe('140.12.0');
  });

  it('ensure refuses a package whose binary names another version, and keeps no half-built tree', () => {
    const r = run({ installed: '1:153.8.0esr-1', offered: ['1:140.12.0esr-1'], claims: '139.0esr' }, 'ensure');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/says version '139\.0esr', the package is 1:140\.12\.0esr-1/);
    expect(fs.readdirSync(path.join(tmp, 'cache')).filter((d) => d.startsWith('thunderbird-'))).toEqual([]);
  });
});
