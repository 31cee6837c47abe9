// The command itself: transcript of PROTOCOL.md §4.2, capability, discovery,
// both forms in both states, module names, what a module sees (§5).
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loginLogLine, USERS } from './fixture/index.js';
import { stripTiming, type ImapClient } from './imap-client.js';
import { expectNoop, hex, itStopsCleanly, useServer, xexec } from './helpers.js';

const server = useServer();

const CONFIGURED = ['blacklist', 'whitelist', 'changepassword', 'forwardmail', 'vacation', 'spam',
  'echoargs', 'argv', 'emit', 'fail', 'crash', 'sleep', 'flood', 'env', 'big', 'envargs', 'argvenv'];

describe('PROTOCOL.md §4.2 transcript', () => {
  it('a blacklist with two entries is listed exactly as in the example', async () => {
    const c = await server().login(USERS.alice);
    const add = await xexec(c, 'XEXEC blacklist add spam@example.com @spam.example');
    expect(add.tagged.ok, add.response.text).toBe(true);

    const r = await c.command('XEXEC blacklist list', { tag: 'a1' });
    const got = [...r.untagged, r.tagged].map((l) => l.toString('utf8'));
    // Dovecot's timing suffix (§4.3) is the only allowed difference.
    expect(r.tagged.toString('utf8')).toMatch(/^a1 OK .* \(\d+\.\d{3} \+ \d+\.\d{3}( \+ \d+\.\d{3})? secs\)\.$/);
    got[got.length - 1] = stripTiming(got[got.length - 1]!);
    expect(got).toEqual([
      '* OK @spam.example',
      '* OK spam@example.com',
      '* XEXEC blacklist ("@spam.example" "spam@example.com")',
      'a1 OK command exited successfully',
    ]);
    await c.logout();
  });
});

describe('capability and discovery', () => {
  it('XEXEC is in the login OK and in CAPABILITY', async () => {
    const c = await server().login();
    expect(c.loginResponse.text).toMatch(/^OK \[CAPABILITY [^\]]*\bXEXEC\b[^\]]*\]/);
    const r = await c.command('CAPABILITY');
    const caps = r.untagged.map((l) => l.toString()).filter((l) => l.startsWith('* CAPABILITY '));
    expect(caps).toHaveLength(1);
    expect(caps[0]!.split(' ')).toContain('XEXEC');
    expect(r.status).toBe('OK');
    await c.logout();
  });

  it('XEXEC is not announced before login', async () => {
    const c = await server().connect();
    const r = await c.command('CAPABILITY');
    expect(r.untagged.map((l) => l.toString()).join('\n')).not.toMatch(/\bXEXEC\b/);
    c.close();
  });

  it('.modules lists the configured modules in configuration order', async () => {
    const c = await server().login();
    for (const cmd of ['XEXEC .modules', 'UID XEXEC .modules']) {
      const r = await xexec(c, cmd);
      expect(r.tagged).toMatchObject({ ok: true, code: null });
      expect(r.tagged.message).toBe(`${CONFIGURED.length} modules available`);
      expect(r.data.module).toBe('.modules');
      expect(r.lines).toEqual(CONFIGURED);
      expect(r.dataLine.toString()).toBe(`* XEXEC .modules (${CONFIGURED.map((m) => `"${m}"`).join(' ')})`);
      expect(r.human.map((h) => h.toString())).toEqual(CONFIGURED.map((m) => `* OK ${m}`));
    }
    await c.logout();
  });
});

describe('forms and states', () => {
  const run = async (c: ImapClient, cmd: string) => {
    const r = await xexec(c, cmd);
    expect(r.tagged, r.response.text).toMatchObject({ ok: true, code: null });
    expect(r.data.module).toBe('echoargs');
    expect(r.lines).toEqual([hex('one'), hex('two words')]);
  };

  it('both forms work in the authenticated state', async () => {
    const c = await server().login();
    await run(c, 'XEXEC echoargs one "two words"');
    await run(c, 'UID XEXEC echoargs one "two words"');
    await c.logout();
  });

  it('both forms work in the selected state', async () => {
    const c = await server().login();
    const sel = await c.command('SELECT INBOX');
    expect(sel.status).toBe('OK');
    await run(c, 'UID XEXEC echoargs one "two words"');
    await run(c, 'XEXEC echoargs one "two words"');
    await expectNoop(c);
    await c.logout();
  });

  it('module names are case-insensitive; the data line names the module as configured', async () => {
    const c = await server().login();
    for (const name of ['ECHOARGS', 'EchoArgs', 'echoARGS']) {
      const r = await xexec(c, `XEXEC ${name} x`);
      expect(r.tagged.ok).toBe(true);
      expect(r.data.module).toBe('echoargs');
      expect(r.lines).toEqual([hex('x')]);
    }
    const q = await xexec(c, 'UID XEXEC "Emit" 6869');
    expect(q.data.module).toBe('emit');
    expect(q.lines).toEqual(['hi']);
    await c.logout();
  });

  it('command name XEXEC is case-insensitive like any IMAP command', async () => {
    const c = await server().login();
    const r = await xexec(c, 'uid xexec echoargs x');
    expect(r.lines).toEqual([hex('x')]);
    await c.logout();
  });

  it('commands queue correctly when pipelined', async () => {
    const c = await server().login();
    c.send('p1 XEXEC echoargs first\r\np2 NOOP\r\np3 XEXEC echoargs second\r\n');
    const lines: string[] = [];
    while (!lines.some((l) => l.startsWith('p3 '))) lines.push((await c.readLine()).toString());
    const tagged = lines.filter((l) => /^p\d /.test(l)).map((l) => l.slice(0, 5));
    expect(tagged).toEqual(['p1 OK', 'p2 OK', 'p3 OK']);
    const data = lines.filter((l) => l.startsWith('* XEXEC '));
    expect(data).toEqual([`* XEXEC echoargs ("${hex('first')}")`, `* XEXEC echoargs ("${hex('second')}")`]);
    expect(lines.indexOf(data[0]!)).toBeLessThan(lines.findIndex((l) => l.startsWith('p1 ')));
    await c.logout();
  });
});

describe('what the module sees (§5)', () => {
  it('argv: the configured words with %u as one word, then the client arguments', async () => {
    const c = await server().login(USERS.alice);
    const r = await xexec(c, 'XEXEC argv "a b" ""');
    expect(r.lines).toEqual([hex(USERS.alice), hex('a b'), '']);
    await c.logout();
  });

  it('a user name with spaces and quotes arrives as one argv word', async () => {
    const c = await server().login(USERS.weird);
    expect(c.loginResponse.text).toMatch(/\bXEXEC\b/);
    const r = await xexec(c, 'XEXEC argv x');
    expect(r.lines).toEqual([hex(USERS.weird), hex('x')]);
    const env = await xexec(c, 'XEXEC env');
    expect(env.lines).toContain(`USER=${USERS.weird}`);
    expect(env.lines).toContain(`XEXEC_USER=${USERS.weird}`);
    expect(env.lines).toContain(`HOME=${server().home(USERS.weird)}`);
    await c.logout();
  });

  it('a clean environment with only the documented variables', async () => {
    const s = server();
    const c = await s.login(USERS.alice);
    const r = await xexec(c, 'XEXEC env');
    expect(r.tagged.ok).toBe(true);
    const vars = r.lines.filter((l) => !l.startsWith('#'));
    const env = Object.fromEntries(vars.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    expect(Object.keys(env).sort()).toEqual(['HOME', 'PATH', 'USER', 'XEXEC_LOCAL_IP', 'XEXEC_MODULE',
      'XEXEC_PROTOCOL', 'XEXEC_REMOTE_IP', 'XEXEC_SESSION', 'XEXEC_USER']);
    expect(vars).toHaveLength(9);
    expect(env).toMatchObject({
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      USER: USERS.alice, XEXEC_USER: USERS.alice, HOME: s.home(USERS.alice),
      XEXEC_MODULE: 'env', XEXEC_PROTOCOL: '1', XEXEC_REMOTE_IP: '127.0.0.1', XEXEC_LOCAL_IP: '127.0.0.1',
    });
    // Dovecot's session id, as the login process logged it for this session.
    expect(env.XEXEC_SESSION).toMatch(/^\S+$/);
    expect(s.readLog()).toContain(loginLogLine(USERS.alice));
    expect(s.readLog()).toContain(`session=<${env.XEXEC_SESSION}>`);
    // Working directory: the home; stdin: /dev/null; its own process group.
    const facts = Object.fromEntries(r.lines.filter((l) => l.startsWith('#')).map((l) => l.slice(1).split('=')));
    expect(facts.cwd).toBe(fs.realpathSync(s.home(USERS.alice)));
    expect(facts.stdin).toBe('/dev/null');
    expect(facts.pgrp).toBe(facts.pid);
    await c.logout();
  });

  it('xexec_args_in_env: the client arguments are in XEXEC_ARGC/XEXEC_ARGn, not in argv', async () => {
    const s = server();
    const c = await s.login(USERS.alice);
    const a = await xexec(c, 'XEXEC argvenv "a b" x');
    expect(a.tagged.ok).toBe(true);
    expect(a.lines).toEqual([hex(USERS.alice)]);
    const r = await xexec(c, 'XEXEC envargs "a b" ~YT9i "" "x=y"');
    const vars = r.lines.filter((l) => !l.startsWith('#'));
    expect(vars.filter((l) => l.startsWith('XEXEC_ARG'))).toEqual([
      'XEXEC_ARGC=4', 'XEXEC_ARG1=a b', 'XEXEC_ARG2=a?b', 'XEXEC_ARG3=', 'XEXEC_ARG4=x=y',
    ]);
    expect(vars.map((l) => l.slice(0, l.indexOf('='))).filter((k) => !k.startsWith('XEXEC_ARG')).sort())
      .toEqual(['HOME', 'PATH', 'USER', 'XEXEC_LOCAL_IP', 'XEXEC_MODULE', 'XEXEC_PROTOCOL', 'XEXEC_REMOTE_IP',
        'XEXEC_SESSION', 'XEXEC_USER']);
    expect(vars).toContain('XEXEC_MODULE=envargs');
    const none = await xexec(c, 'XEXEC envargs');
    expect(none.lines.filter((l) => l.startsWith('XEXEC_ARG'))).toEqual(['XEXEC_ARGC=0']);
    await c.logout();
  });

  it('the configured module name is in XEXEC_MODULE whatever case the client used', async () => {
    const c = await server().login();
    const r = await xexec(c, 'XEXEC ENV');
    expect(r.lines).toContain('XEXEC_MODULE=env');
    await c.logout();
  });
});

describe('output size', () => {
  it('200000 lines (2.3 MB) come back complete and in order', async () => {
    const c = await server().login();
    const n = 200_000;
    const r = await xexec(c, `XEXEC big ${n}`);
    expect(r.tagged, r.response.text).toMatchObject({ ok: true });
    expect(r.lines).toHaveLength(n);
    expect(r.human).toHaveLength(n);
    const wrong = r.lines.findIndex((l, i) => l !== `line ${i + 1}`);
    expect(wrong).toBe(-1);
    expect(r.human[n - 1]!.toString()).toBe(`* OK line ${n}`);
    await expectNoop(c);
    await c.logout();
  });
});

itStopsCleanly(server);
