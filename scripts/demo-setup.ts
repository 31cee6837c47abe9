// The demo server of `npm start` and `npm run demo:server`: a throwaway Dovecot with the
// XEXEC plugin and only the reference modules (the test suite's own modules stay out),
// alerts and rules included (alerts' code messages and alerts land in the server's sendmail capture), with
// spamtest and virustest set up as docs/SERVER.md shows for SpamAssassin and clamav-milter, and
// with the fixture's demo users. Everything lives in one temp dir that stop() removes
// (also on Ctrl-C: the fixture's exit handlers).
import { alertsModule, referenceModules, rulesModule, startServer, type TestServer, USERS } from '../test/support/harness.js';

/** The demo user Thunderbird's account logs in as. */
export const DEMO_USER = USERS.alice;

export function startDemoServer(): Promise<TestServer> {
  return startServer({
    modules: (dir) => [
      ...referenceModules(dir).map((m) => (m.name === 'spam' ? { ...m, command: m.command.replace(/ %u$/, ' --virustest=yes %u') } : m)),
      alertsModule(dir),
      rulesModule(dir),
    ],
    spamtest: 'spamassassin',
    virustest: true,
    argsInEnv: [],
  });
}
