// The one teardown of an e2e file: every step runs even when the one before it throws, so a
// failed check never leaves a Thunderbird, a Dovecot or a staged add-on behind.
import type { TestServer } from '../server/fixture/index.js';
import type { BuiltAddon } from './addon.js';
import type { Thunderbird } from './thunderbird.js';

export interface Started {
  readonly tb?: Thunderbird | null;
  readonly servers?: ReadonlyArray<TestServer | null | undefined>;
  /** Those of `servers` whose logs must hold no error (a server made to fail is not among them). */
  readonly cleanLogs?: ReadonlyArray<TestServer | null | undefined>;
  readonly built?: BuiltAddon | null;
}

/** Stops Thunderbird (a crash fails), checks the servers' logs, stops them, removes the add-on. */
export async function stopAll(started: Started): Promise<void> {
  const servers = started.servers ?? [];
  try {
    await started.tb?.stopExpectingNoCrash();
  } finally {
    try {
      for (const server of started.cleanLogs ?? []) server?.assertLogClean();
    } finally {
      await Promise.all(servers.map((server) => server?.stop()));
      started.built?.remove();
    }
  }
}
