// The demo server of `npm start` and `npm run demo:server`: a throwaway Dovecot with the
// XEXEC plugin and only the reference modules (the test suite's own modules stay out),
// alerts, rules and submit included (what they send lands in the server's sendmail capture, and
// demo-mail.ts delivers the part for the demo users to their mailboxes), with
// spamtest and virustest set up as docs/SERVER.md shows for SpamAssassin and clamav-milter, and
// with the fixture's demo users. Everything lives in one temp dir that stop() removes
// (also on Ctrl-C: the fixture's exit handlers).
import { alertsModule, referenceModules, rulesModule, startServer, submitModule, type TestServer, USERS } from '../test/support/harness.js';

/** The demo user Thunderbird's account logs in as. */
export const DEMO_USER = USERS.alice;

export function startDemoServer(): Promise<TestServer> {
  return startServer({
    modules: (dir) => [
      ...referenceModules(dir).map((m) => (m.name === 'spam' ? { ...m, command: m.command.replace(/ %u$/, ' --virustest=yes %u') } : m)),
      alertsModule(dir),
      rulesModule(dir),
      submitModule(dir),
    ],
    spamtest: 'spamassassin',
    virustest: true,
    argsInEnv: [],
  });
}

/** The demo users' addresses: mail the server sends to them is delivered (demo-mail.ts). */
export const DEMO_ADDRESSES: readonly string[] = [USERS.alice, USERS.bob, USERS.carol, USERS.dave];
