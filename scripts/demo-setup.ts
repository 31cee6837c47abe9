// The demo server of `npm start` and `npm run demo:server`: a throwaway Dovecot with the
// XEXEC plugin and only the reference modules (the test suite's own modules stay out),
// with the fixture's demo users. Everything lives in one temp dir that stop() removes
// (also on Ctrl-C: the fixture's exit handlers).
import { referenceModules, startServer, type TestServer, USERS } from '../test/support/harness.js';

/** The demo user Thunderbird's account logs in as. */
export const DEMO_USER = USERS.alice;

export function startDemoServer(): Promise<TestServer> {
  return startServer({
    modules: referenceModules,
    argsInEnv: [],
  });
}
