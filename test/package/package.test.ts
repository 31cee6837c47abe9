// The Debian package (npm run package:server) installed into a fresh root of each release: built
// for that release's Dovecot, installed with dpkg -i, inactive as installed, enabled the way
// SERVER.md tells administrators, the seed transcript replayed over a raw socket, then removed
// and purged without leftovers. Needs root (overlayfs, namespaces, chroot, dpkg in the root).
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImapClient, str } from '../server/imap-client';
import { delay, freePort } from '../support/lifecycle';
import { InsideRun, Workspace, runScript } from './fresh-root';

const ROOT_HINT =
  'test/package needs root: it builds Debian roots, mounts an overlay in a private namespace and runs dpkg ' +
  'inside it. Run the tests as root (as npm test does on the project machines).';
const WAIT_MS = 60_000;

async function connect(port: number): Promise<ImapClient> {
  // Dovecot was just started in the background: its listener may take a moment.
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      return await ImapClient.connect(port, '127.0.0.1', WAIT_MS);
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await delay(100);
    }
  }
}

async function session(port: number, password: string): Promise<{ c: ImapClient; caps: string }> {
  const c = await connect(port);
  const login = await c.login('xuser', password);
  expect(login.status).toBe('OK');
  const cap = await c.command('CAPABILITY');
  const caps = cap.untagged.map(str).find((l) => l.startsWith('* CAPABILITY ')) ?? '';
  return { c, caps };
}

for (const release of [12, 13] as const) {
  describe(`dovecot-xexec on a fresh Debian ${release}`, () => {
    let ws: Workspace;
    let run: InsideRun;
    let port: number;
    const password = randomBytes(12).toString('hex');

    beforeAll(async () => {
      if (process.getuid!() !== 0) throw new Error(ROOT_HINT);
      const root = runScript(['scripts/debian-root.sh', 'ensure', String(release)]);
      ws = new Workspace();
      const native = runScript(['scripts/debian-root.sh', 'this-release']) === String(release);
      const built = Date.now();
      // The machine's own release the way administrators do it; the other one in its root.
      const deb = runScript(['scripts/package-server.sh', '--out', ws.share, ...(native ? [] : ['--root', root])],
        { TMPDIR: ws.tmp });
      console.log(`Debian ${release}: ${path.basename(deb)} built in ${Date.now() - built} ms (${native ? 'natively' : 'in the root'})`);
      expect(path.dirname(deb)).toBe(ws.share);
      fs.writeFileSync(path.join(ws.share, 'users'), `xuser:{PLAIN}${password}::::\n`, { mode: 0o600 });
      port = await freePort();
      run = new InsideRun(ws, root, [deb, String(port)]);
    }, 600_000);

    afterAll(() => {
      ws?.cleanupSync();
    });

    it('installs with dpkg -i and offers nothing until the administrator enables a module', async () => {
      const started = Date.now();
      await run.ready('installed');
      const { c, caps } = await session(port, password);
      try {
        expect(caps).toMatch(/^\* CAPABILITY IMAP4rev1 /);
        expect(caps.split(' ')).not.toContain('XEXEC');
        const r = await c.command('XEXEC .modules');
        expect(r.status).toBe('BAD');
      } finally {
        await c.logout();
      }
      console.log(`Debian ${release}: installed and checked in ${Date.now() - started} ms`);
    }, 300_000);

    it('replays the seed transcript once blacklist is uncommented in 90-xexec.conf', async () => {
      const started = Date.now();
      run.step('enable');
      await run.ready('enabled');
      const { c, caps } = await session(port, password);
      try {
        expect(caps.split(' ')).toContain('XEXEC');
        const mods = await c.command('xexec .modules', { tag: '001' });
        expect(mods.untagged.map(str)).toEqual(['* OK blacklist', '* XEXEC .modules ("blacklist")']);
        expect(mods.status).toBe('OK');

        const add = await c.command('xexec blacklist add spam@example.org', { tag: '002' });
        // The seed's "* OK Adding X ..." is, with the reference module, "* OK added X".
        expect(add.untagged.map(str)).toEqual(['* OK added spam@example.org', '* XEXEC blacklist ("added spam@example.org")']);
        // Dovecot 2.3 appends " (0.001 + 0.000 secs)." to tagged replies; message drops it.
        expect(add.message).toBe('OK command exited successfully');
        expect(str(add.tagged)).toMatch(/^002 OK command exited successfully( \(\d+\.\d{3} \+ \d+\.\d{3}( \+ \d+\.\d{3})? secs\)\.)?$/);

        const list = await c.command('xexec blacklist list', { tag: '003' });
        expect(list.untagged.map(str)).toEqual(['* OK spam@example.org', '* XEXEC blacklist ("spam@example.org")']);
        expect(list.message).toBe('OK command exited successfully');
      } finally {
        await c.logout();
      }
      console.log(`Debian ${release}: enabled and replayed in ${Date.now() - started} ms`);
    }, 300_000);

    it('is removed by dpkg -r (only the conffile stays) and purged by dpkg -P', async () => {
      const started = Date.now();
      run.step('remove');
      await run.ready('removed');
      expect(await run.finish()).toBe(0);
      console.log(`Debian ${release}: removed and purged in ${Date.now() - started} ms`);
    }, 300_000);
  });
}
