// Issue 9, finding 2: XEXEC arguments (passwords) must not reach Dovecot's
// event exports. client_read_args() copies the arguments onto the command's
// event (cmd_args, cmd_human_args); an exporter then sends them on with every
// event of the command, imap_command_finished included.
import { describe, expect, it } from 'vitest';
import { defaultModules, isDovecot24, USERS, waitFor, type ModuleEntry } from './fixture/index.js';
import { quote } from './imap-client.js';
import { expectNoop, itStopsCleanly, useServer, xexec } from './helpers.js';

// A real exporter: every event of the imap processes, as JSON, through the
// stats process into the server log (a file).
function exporterConfig(): string {
  return isDovecot24() ? `
event_exporter xexectest {
  driver = log
  format = json
}
metric xexectest_all {
  exporter = xexectest
  filter = event=*
}
` : `
event_exporter xexectest {
  format = json
  format_args = time-rfc3339
  transport = log
}
metric xexectest_all {
  exporter = xexectest
  filter = event=*
}
`;
}

const server = useServer({
  extraConfig: exporterConfig(),
  modules: (dir: string): ModuleEntry[] => [
    ...defaultModules(dir),
    { name: 'broken', command: '/nonexistent/xexec-module %u' },
  ],
});

const stamp = `${process.pid}${Date.now()}`;
const SECRETS = {
  changepassword: `Pw-change-${stamp}-q`,
  echoargs: `Pw-argv-${stamp}-q`,
  envargs: `Pw-env-${stamp}-q`,
  broken: `Pw-broken-${stamp}-q`,
  badargs: `Pw-bad-${stamp}-q`,
  literal: `Pw-literal-${stamp}-q`,
};
const CONTROL = `ctl${stamp}`;

describe('event exports (issue 9, finding 2)', () => {
  it('no XEXEC argument appears in any exported event, while other commands\' arguments do', async () => {
    const s = server();
    const c = await s.login(USERS.carol);
    const pw = await xexec(c, `XEXEC changepassword ${quote(SECRETS.changepassword)}`);
    expect(pw.tagged, pw.response.text).toMatchObject({ ok: true });
    expect((await xexec(c, `XEXEC echoargs ${quote(SECRETS.echoargs)}`)).tagged.ok).toBe(true);
    expect((await xexec(c, `UID XEXEC envargs ${quote(SECRETS.envargs)}`)).tagged.ok).toBe(true);
    // Refused and failed commands: the error is logged with the command's event.
    expect((await xexec(c, `XEXEC broken ${quote(SECRETS.broken)}`)).tagged.code).toBe('XEXEC-UNAVAILABLE');
    expect((await xexec(c, `XEXEC echoargs ${quote(SECRETS.badargs)} (list)`)).tagged.code).toBe('XEXEC-BADARGS');
    const lit = Buffer.from(SECRETS.literal);
    expect((await xexec(c, Buffer.concat([Buffer.from(`XEXEC echoargs {${lit.length}+}\r\n`), lit]))).tagged.ok).toBe(true);
    // The control: an ordinary command's arguments are exported.
    const st = await c.command('STATUS INBOX (MESSAGES UIDNEXT)');
    expect(st.status).toBe('OK');
    const ctl = await c.command(`EXAMINE ${quote(CONTROL)}`);
    expect(ctl.status).toBe('NO');
    await expectNoop(c);
    await c.logout();

    // The stats process writes the exports asynchronously: wait for the control.
    const log = await waitFor('the control command in the export', () => {
      const l = s.readLog();
      return l.includes(CONTROL) && /"cmd_name":"NOOP"/.test(l) ? l : null;
    });
    const exported = log.split('\n').filter((l) => l.includes('"cmd_name":"XEXEC"') || l.includes('"cmd_name":"UID XEXEC"'));
    expect(exported.length).toBeGreaterThanOrEqual(6);
    expect(log).toMatch(new RegExp(`"cmd_args":"[^,]*${CONTROL}`));
    for (const [what, secret] of Object.entries(SECRETS)) {
      const hits = log.split('\n').filter((l) => l.includes(secret));
      expect(hits, what).toEqual([]);
    }
  });

  it('the session and the exporter keep working', async () => {
    const c = await server().login(USERS.alice);
    await expectNoop(c);
    await c.logout();
  });
});

itStopsCleanly(server);
