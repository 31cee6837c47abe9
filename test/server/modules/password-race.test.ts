// changepassword against the fixture's real Dovecot (issue 9, finding 3):
// several users change their passwords in the same second while logins keep
// Dovecot's passwd-file passdb re-reading the file. Dovecot re-reads it only
// when its mtime (whole seconds) or size changed, and SHA512-CRYPT lines all
// have the same length, so two renames in one second could leave a new
// password refused and the old one accepted.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { USERS, waitFor } from '../fixture/index.js';
import { itStopsCleanly, useServer, xexec } from '../helpers.js';

const EXTRA: Record<string, string> = {};
for (let i = 1; i <= 4; i++) EXTRA[`racer${i}@example.com`] = `racer${i}-old-pass`;
const server = useServer({ users: EXTRA });

/** Passwords changed by earlier tests of this file. */
const changed: Record<string, string> = {};
const current = (u: string) => changed[u] ?? server().passwords[u]!;

describe('changepassword: concurrent changes in the same second', () => {
  // The sequence: A's file is renamed early in a second, Dovecot
  // looks at it, and B's change, started right then, must not land in the
  // same second with the same size (Dovecot would never re-read the file).
  it('a change started right after another one\'s rename is still seen by Dovecot', async () => {
    const s = server();
    const [a, b] = Object.keys(EXTRA).slice(2, 4) as [string, string];
    const pa = `issue sequence a ${Date.now()}`, pb = `issue sequence b ${Date.now()}`;
    const [ca, cb] = await Promise.all([s.login(a, current(a)), s.login(b, current(b))]);
    // Start at the beginning of a later second than the logins' (Dovecot
    // looks at the file at most once a second: its next look must see A's).
    const sec = Math.floor(Date.now() / 1000);
    await waitFor('the next second', () => Math.floor(Date.now() / 1000) > sec, 5_000);
    const ino = fs.statSync(s.passwdFile).ino;
    const ra = xexec(ca, `XEXEC changepassword "${pa}"`);
    await waitFor('A\'s rename', () => fs.statSync(s.passwdFile).ino !== ino, 10_000);
    // Dovecot looks at A's new file (its first look in this second)...
    expect(await server().tryLogin(USERS.dave, s.passwords[USERS.dave]!)).toBe('OK');
    // ... and B's change starts, still within that second.
    const rb = xexec(cb, `XEXEC changepassword "${pb}"`);
    for (const r of await Promise.all([ra, rb])) expect(r.tagged, r.response.text).toMatchObject({ ok: true, code: null });
    await Promise.all([ca.logout(), cb.logout()]);
    expect([a, await server().tryLogin(a, pa)]).toEqual([a, 'OK']);
    expect([b, await server().tryLogin(b, pb)]).toEqual([b, 'OK']);
    changed[a] = pa;
    changed[b] = pb;
  }, 60_000);

  // The case: two users, one second, equal-length hashes.
  it.each([[2], [7]])('%i users: every new password logs in and every old one fails as soon as the changes are answered', async (n) => {
    const s = server();
    const all = [USERS.alice, USERS.bob, USERS.carol, ...Object.keys(EXTRA)];
    const users = n === 2 ? all.slice(3, 5) : all;
    const stamp = Date.now();
    const fresh = Object.fromEntries(users.map((u, i) => [u, `brand new pass ${i} ${stamp}`]));
    // Log everyone in first, so the changes start together.
    const sessions = await Promise.all(users.map((u) => s.login(u, current(u))));
    // Logins of another user meanwhile make the passdb look at the file
    // between the changes (at most once a second it stats it).
    let polling = true;
    const poller = (async () => {
      let n = 0;
      while (polling) {
        expect(await server().tryLogin(USERS.dave, s.passwords[USERS.dave]!)).toBe('OK');
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
    for (const u of users) expect([u, await server().tryLogin(u, fresh[u]!)]).toEqual([u, 'OK']);
    // In parallel: Dovecot delays each failed login from one IP more.
    const olds = await Promise.all(users.map(async (u) => [u, await server().tryLogin(u, current(u))]));
    expect(olds).toEqual(users.map((u) => [u, 'NO']));
    for (const u of users) changed[u] = fresh[u]!;
    // No temporary copy is left next to the file.
    expect(fs.readdirSync(path.dirname(s.passwdFile))).toEqual(['users']);
  }, 120_000);
});

itStopsCleanly(server);
