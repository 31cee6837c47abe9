// Issue 9, finding 6: xexec_output_limit bounds the reply, not only the
// module's raw output. Every output line is sent twice (a "* OK" line and an
// item of the data line), so 1 MiB of bare newlines used to become a 10.5 MB
// reply under the default 8 MiB limit.
import { describe, expect, it } from 'vitest';
import { defaultModules, USERS, type ModuleEntry } from './fixture/index.js';
import type { Response } from './imap-client.js';
import { expectNoop, itStopsCleanly, useServer, xexec } from './helpers.js';
import { ownModule } from './hardening/stage.js';

const LIMIT = 8 * 1024 * 1024; // the plugin's default xexec_output_limit

const server = useServer({
  modules: (dir: string): ModuleEntry[] => [...defaultModules(dir), ownModule(dir, 'newlines', 'newlines.sh')],
});

/** Bytes of the whole reply on the wire (every line with its CRLF). */
function replyBytes(r: Response): number {
  return [...r.untagged, r.tagged].reduce((n, l) => n + l.length + 2, 0);
}

describe('the output limit bounds the reply (issue 9, finding 6)', () => {
  it('1 MiB of bare newlines: NO [XEXEC-LIMIT], not a 10 MB reply', async () => {
    const c = await server().login(USERS.alice);
    const r = await xexec(c, `XEXEC newlines ${1024 * 1024}`);
    expect(replyBytes(r.response)).toBeLessThan(LIMIT);
    expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-LIMIT', detail: LIMIT });
    expect(r.human).toEqual([]);
    expect(r.dataLine.toString()).toBe('* XEXEC newlines ()');
    await expectNoop(c);
    await c.logout();
  });

  // A bare newline costs 10 reply bytes: "* OK " CRLF (7), "" (2) and the
  // space between items (1). PROTOCOL.md §4.4 counts exactly that.
  it('the limit is the reply\'s size: 838,860 empty lines fit in 8 MiB, one more does not', async () => {
    const fit = Math.floor(LIMIT / 10);
    const c = await server().login(USERS.alice);
    const ok = await xexec(c, `XEXEC newlines ${fit}`);
    expect(ok.tagged, ok.response.text).toMatchObject({ ok: true });
    expect(ok.data.items).toHaveLength(fit);
    expect(replyBytes(ok.response)).toBeLessThan(LIMIT + 1024);
    const over = await xexec(c, `XEXEC newlines ${fit + 1}`);
    expect(over.tagged).toMatchObject({ ok: false, code: 'XEXEC-LIMIT', detail: LIMIT });
    await expectNoop(c);
    await c.logout();
  });

  it('ordinary text of 2.5 MB (100,000 addresses) is still answered whole', async () => {
    const c = await server().login(USERS.alice);
    const line = 'someone.with.a.long.name@example.com';
    const r = await xexec(c, `XEXEC newlines 100000 ${line}`);
    expect(r.tagged, r.response.text).toMatchObject({ ok: true });
    expect(r.lines).toHaveLength(100000);
    expect(r.lines.every((l) => l === line)).toBe(true);
    expect(replyBytes(r.response)).toBeLessThan(LIMIT);
    await c.logout();
  });
});

describe('commands larger than imap_max_line_length (PROTOCOL.md §3.3)', () => {
  it('a 60,000-byte literal argument is taken', async () => {
    const c = await server().login(USERS.alice);
    const r = await xexec(c, `XEXEC newlines 1 {60000+}\r\n${'y'.repeat(60000)}`);
    expect(r.tagged, r.response.text).toMatchObject({ ok: true });
    await c.logout();
  });

  it('a literal over 64 KiB is answered "* BYE Literal size too large" and the connection closes', async () => {
    const c = await server().login(USERS.alice);
    c.send('x1 XEXEC newlines 1 {70000}\r\n');
    const line = (await c.readLine()).toString('latin1');
    expect(line).toMatch(/^\* BYE .*Literal size too large/i);
    await c.waitClosed();
  });
});

itStopsCleanly(server);
