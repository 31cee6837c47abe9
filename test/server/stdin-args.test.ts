// Issue 9, "the password in the module's environment": for a module listed in
// xexec_args_on_stdin (2.3) / with args_on_stdin = yes (2.4) the client's
// arguments go to the module's stdin, "N\n" and one argument a line, and
// nowhere else (PROTOCOL.md §5).
import { describe, expect, it } from 'vitest';
import { defaultModules, isDovecot24, USERS, type ModuleEntry } from './fixture/index.js';
import { quote } from './imap-client.js';
import { expectNoop, hex, itStopsCleanly, useServer, xexec } from './helpers.js';
import { ownModule } from './hardening/stage.js';

function stdinConfig(): string {
  return isDovecot24()
    ? 'xexec stdinargs {\n  args_on_stdin = yes\n}\nxexec stdinenv {\n  args_on_stdin = yes\n  args_in_env = yes\n}\n'
    : 'plugin {\n  xexec_args_on_stdin = stdinargs stdinenv\n}\n';
}

const server = useServer({
  modules: (dir: string): ModuleEntry[] => [
    ...defaultModules(dir),
    ownModule(dir, 'stdinargs', 'stdinargs.sh'),
    // Listed for both: stdin wins.
    ownModule(dir, 'stdinenv', 'stdinargs.sh'),
    ownModule(dir, 'plainargs', 'stdinargs.sh'),
  ],
  argsInEnv: ['changepassword', 'envargs', 'argvenv', 'stdinenv'],
  extraConfig: stdinConfig(),
});

const enc = (s: string) => '~' + Buffer.from(s, 'utf8').toString('base64url');

describe('arguments on stdin (issue 9)', () => {
  it('"N\\n" then one argument a line; nothing in argv or the environment', async () => {
    const c = await server().login(USERS.bob);
    const args = ['Pa ss "w0rd"', '', 'Grüße', '~literal'];
    const r = await xexec(c, `XEXEC stdinargs ${quote(args[0]!)} "" ${enc(args[2]!)} ${quote(args[3]!)}`);
    expect(r.tagged, r.response.text).toMatchObject({ ok: true });
    expect(r.lines).toEqual(['argc=0', 'env=0', `stdin=${hex(`4\n${args.join('\n')}\n`)}`]);
    await expectNoop(c);
    await c.logout();
  });

  it('no arguments: "0\\n"', async () => {
    const c = await server().login(USERS.bob);
    const r = await xexec(c, 'UID XEXEC stdinargs');
    expect(r.lines).toEqual(['argc=0', 'env=0', `stdin=${hex('0\n')}`]);
    await c.logout();
  });

  it('a module listed for the environment too gets them on stdin only', async () => {
    const c = await server().login(USERS.bob);
    const r = await xexec(c, 'XEXEC stdinenv one two');
    expect(r.lines).toEqual(['argc=0', 'env=0', `stdin=${hex('2\none\ntwo\n')}`]);
    await c.logout();
  });

  it('a line break in an argument -> NO [XEXEC-BADARGS], the module does not run', async () => {
    const c = await server().login(USERS.bob);
    for (const bad of ['a\nb', 'a\r', '\r\n']) {
      const r = await xexec(c, `XEXEC stdinargs ok ${enc(bad)}`);
      expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-BADARGS' });
      expect(r.tagged.message).toBe('Argument 2 contains a line break, which module stdinargs cannot take');
      expect(r.dataLine.toString()).toBe('* XEXEC stdinargs ()');
    }
    await expectNoop(c);
    await c.logout();
  });

  it('other modules are unchanged: argv, stdin from /dev/null', async () => {
    const c = await server().login(USERS.bob);
    const r = await xexec(c, `XEXEC plainargs one ${enc('a\nb')}`);
    expect(r.lines).toEqual(['argc=2', 'env=0', 'stdin=']);
    await c.logout();
  });

  it('a large argument (60 kB, more than a pipe takes at once) arrives whole', async () => {
    const c = await server().login(USERS.bob);
    const big = 'x'.repeat(60_000);
    const r = await xexec(c, `XEXEC stdinargs ${big} ${big}`);
    expect(r.tagged, r.response.text).toMatchObject({ ok: true });
    expect(r.lines[2]).toBe(`stdin=${hex(`2\n${big}\n${big}\n`)}`);
    await c.logout();
  });
});

itStopsCleanly(server);
