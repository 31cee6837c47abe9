// The shared hostile-input corpus (test/vectors/hostile.json) against
// changepassword: each entry is refused with a clear sentence and the file is
// unchanged, or it becomes the password (the hash verifies it) and no other
// line changes. The runs go at once: each answers only once the clock has
// left its file's second.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectClean, HOSTILE, hostileBytes, runFilesAsync } from './hardening.js';
import { tempDir } from './run.js';

describe('the hostile-input corpus against changepassword', () => {
  it('every entry: refused cleanly or stored as a verifying hash', async () => {
    await Promise.all(HOSTILE.map(async (e) => {
      const v = hostileBytes(e);
      const d = tempDir('xexec-passwd-');
      const f = path.join(d, 'users');
      fs.writeFileSync(f, 'alice:{PLAIN}old-alice:1:1::/h::\nbob:{PLAIN}old-bob:1:1::/h::\n', { mode: 0o640 });
      const r = await runFilesAsync('changepassword', 'alice', [v], { options: [`--passwd-file=${f}`] });
      expectClean(r, e.name);
      const lines = fs.readFileSync(f, 'utf8').split('\n');
      expect([e.name, lines[1]]).toEqual([e.name, 'bob:{PLAIN}old-bob:1:1::/h::']);
      if (r.status === 0) {
        const t = spawnSync('doveadm', ['pw', '-t', lines[0]!.split(':')[1]!], { input: Buffer.concat([v, Buffer.from('\n')]) });
        expect([e.name, t.status]).toEqual([e.name, 0]);
      } else {
        expect([e.name, lines[0]]).toEqual([e.name, 'alice:{PLAIN}old-alice:1:1::/h::']);
      }
      expect([e.name, fs.readdirSync(d)]).toEqual([e.name, ['users']]);
    }));
  }, 120_000);
});
