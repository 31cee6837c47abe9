// changepassword against the fixture's real Dovecot (issue 9, finding 3):
// several users change their passwords in the same second while logins keep
// Dovecot's passwd-file passdb re-reading the file. Dovecot re-reads it only
// when its mtime (whole seconds) or size changed, and SHA512-CRYPT lines all
// have the same length, so two renames in one second could leave a new
// password refused and the old one accepted.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { USERS } from '../fixture/index.js';
import { itStopsCleanly, useServer, xexec } from '../helpers.js';

const EXTRA: Record<string, string> = {};
for (let i = 1; i <= 4; i++) EXTRA[`racer${i}@example.com`] = `racer${i}-old-pass`;
const server = useServer({ users: EXTRA });

/** One LOGIN on a fresh connection: 'OK' or 'NO'. */
async function tryLogin(user: string, password: string): Promise<string> {
  const c = await server().connect();
  try {
    return (await c.login(user, password)).status;
  } finally {
    c.close();
  }
}

describe('changepassword: concurrent changes in the same second', () => {
  it('every new password logs in and every old one fails as soon as the changes are answered', async () => {
    const s = server();
    const users = [USERS.alice, USERS.bob, USERS.carol, ...Object.keys(EXTRA)];
    const stamp = Date.now();
    const fresh = Object.fromEntries(users.map((u, i) => [u, `brand new pass ${i} ${stamp}`]));
    // Log everyone in first, so the changes start together.
    const sessions = await Promise.all(users.map((u) => s.login(u)));
    // Logins of another user meanwhile make the passdb look at the file
    // between the changes (at most once a second it stats it).
    let polling = true;
    const poller = (async () => {
      let n = 0;
      while (polling) {
        expect(await tryLogin(USERS.dave, s.passwords[USERS.dave]!)).toBe('OK');
        n++;
      }
      return n;
    })();
    const replies = await Promise.all(sessions.map((c, i) =>
      xexec(c, `XEXEC changepassword "${fresh[users[i]!]!}"`)));
    polling = false;
    expect(await poller).toBeGreaterThan(0);
    for (const r of replies) {
      expect(r.tagged, r.response.text).toMatchObject({ ok: true, code: null });
      expect(r.lines).toEqual(['Password changed']);
    }
    await Promise.all(sessions.map((c) => c.logout()));
    // Every change is answered only once Dovecot sees it: check at once.
    for (const u of users) expect([u, await tryLogin(u, fresh[u]!)]).toEqual([u, 'OK']);
    // In parallel: Dovecot delays each failed login from one IP more.
    const olds = await Promise.all(users.map(async (u) => [u, await tryLogin(u, s.passwords[u]!)]));
    expect(olds).toEqual(users.map((u) => [u, 'NO']));
    // No temporary copy is left next to the file.
    expect(fs.readdirSync(path.dirname(s.passwdFile))).toEqual(['users']);
  }, 120_000);
});

itStopsCleanly(server);
