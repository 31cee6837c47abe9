// The Thunderbird the e2e files run (Debian's, or XEXEC_THUNDERBIRD: scripts/other-thunderbird.sh):
// the version its files say is the version that runs, and manifest.json claims it. The manifest
// must claim only versions the tests ran on, so a Thunderbird outside its range fails here.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_DIR, majorVersion, startThunderbird, thunderbirdAvailable, thunderbirdBinary, thunderbirdVersion, type Thunderbird } from './thunderbird.js';

/** -1, 0, 1 like a comparator; "*" in b matches any rest of a ("153.*"). */
function compareVersions(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    if (pb[i] === '*') return 0;
    const x = Number.parseInt(pa[i] ?? '0', 10);
    const y = Number.parseInt(pb[i] ?? '0', 10);
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function manifestRange(): { min: string; max: string } {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_DIR, 'manifest.json'), 'utf8'));
  const gecko = manifest.browser_specific_settings.gecko;
  return { min: gecko.strict_min_version, max: gecko.strict_max_version };
}

describe('version helpers', () => {
  it('thunderbirdVersion reads [App] Version beside the binary, not another section\'s', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xexec-tbversion-'));
    try {
      fs.writeFileSync(path.join(dir, 'application.ini'),
        '; comment\n[Gecko]\nVersion=1.0\n[App]\nVendor=Mozilla\nVersion=140.12.0\nBuildID=1\n');
      fs.writeFileSync(path.join(dir, 'thunderbird-bin'), '');
      fs.symlinkSync('thunderbird-bin', path.join(dir, 'thunderbird'));
      expect(thunderbirdVersion(path.join(dir, 'thunderbird'))).toBe('140.12.0');
      fs.writeFileSync(path.join(dir, 'application.ini'), '[App]\nName=Thunderbird\n');
      expect(() => thunderbirdVersion(path.join(dir, 'thunderbird'))).toThrow(/no \[App\] Version/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('majorVersion and the manifest comparison', () => {
    expect(majorVersion('153.8.0')).toBe(153);
    expect(majorVersion('140.12.0')).toBe(140);
    expect(() => majorVersion('esr')).toThrow();
    expect(compareVersions('140.12.0', '140.0')).toBe(1);
    expect(compareVersions('128.9.0', '140.0')).toBe(-1);
    expect(compareVersions('153.8.0', '153.*')).toBe(0);
    expect(compareVersions('154.0', '153.*')).toBe(1);
  });
});

describe('the Thunderbird under test', () => {
  let tb: Thunderbird;

  beforeAll(async () => {
    if (!thunderbirdAvailable()) throw new Error(`${thunderbirdBinary()} is missing: run \`npm run deps\` as root`);
    tb = await startThunderbird();
  }, 180_000);

  afterAll(async () => {
    await tb?.stop();
  }, 60_000);

  it('runs the version its application.ini names', async () => {
    console.log(`thunderbird ${tb.version} (${thunderbirdBinary()})`);
    expect(tb.version).toBe(thunderbirdVersion());
    expect(await tb.chrome<string>('return Services.appinfo.name;')).toBe('Thunderbird');
  });

  it('is within manifest.json\'s strict_min_version and strict_max_version', () => {
    const { min, max } = manifestRange();
    expect(compareVersions(tb.version, min), `${tb.version} >= ${min}`).toBeGreaterThanOrEqual(0);
    expect(compareVersions(tb.version, max), `${tb.version} <= ${max}`).toBeLessThanOrEqual(0);
  });
});
