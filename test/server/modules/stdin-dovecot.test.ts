// changepassword with `xexec_args_on_stdin = changepassword` against the
// fixture's Dovecot: the plugin writes the password to the module's stdin,
// and while the module runs the password is in neither its argv nor its
// environment (/proc/<pid>/cmdline and environ, read as root meanwhile).
import { describe, expect, it } from 'vitest';
import { listProcs } from '../../support/procs.mjs';
import { USERS } from '../fixture/index.js';
import { itStopsCleanly, useServer, xexec } from '../helpers.js';

const server = useServer({ argsOnStdin: ['changepassword'], argsInEnv: ['envargs', 'argvenv'] });

/** cmdline and environ of every running changepassword.sh of this server. */
function moduleProcs(dir: string): string[] {
  const seen: string[] = [];
  for (const p of listProcs({ environ: true })) {
    if (p.cmdline.includes('changepassword.sh') && p.cmdline.includes(dir)) seen.push(p.cmdline + '\n' + (p.environ ?? []).join('\n'));
  }
  return seen;
}

describe('changepassword on stdin', () => {
  it('changes the password; the password never shows in the running module\'s argv or environment', async () => {
    const s = server();
    const u = USERS.carol;
    const pw = `stdin only ${Date.now()}`;
    const c = await s.login(u);
    const reply = xexec(c, `XEXEC changepassword "${pw}"`);
    // The module runs for up to a second (it answers once Dovecot sees the
    // new file): look at it meanwhile.
    const snapshots: string[] = [];
    let done = false;
    void reply.finally(() => { done = true; });
    while (!done) {
      snapshots.push(...moduleProcs(s.dir));
      await new Promise((r) => setTimeout(r, 5));
    }
    const r = await reply;
    expect(r.tagged, r.response.text).toMatchObject({ ok: true, code: null });
    expect(r.lines).toEqual(['Password changed']);
    await c.logout();
    expect(snapshots.length).toBeGreaterThan(0);
    for (const snap of snapshots) {
      expect(snap).not.toContain(pw);
      expect(snap).not.toMatch(/XEXEC_ARG/);
    }
    const fresh = await s.connect();
    expect((await fresh.login(u, pw)).status).toBe('OK');
    await fresh.logout();
  });
});

itStopsCleanly(server);
