// "Delete spam after N days" end to end: the administrator's autoexpunge folder of docs/SERVER.md
// really empties itself. The folder here expires after 2 seconds instead of days, so that the
// real Dovecot removes what the spam module filed there within the test; Junk, which has no
// autoexpunge, keeps its mail.
import { describe, expect, it } from 'vitest';
import { delay } from '../../support/lifecycle.js';
import { poll } from '../../support/procs.mjs';
import { defaultModules, isDovecot24, USERS, type ModuleEntry } from '../fixture/index.js';
import { itStopsCleanly, useServer, xexec } from '../helpers.js';

const FOLDER = 'Junk-Expiring';
const AUTOEXPUNGE = isDovecot24()
  ? `namespace inbox {\n  mailbox ${FOLDER} {\n    autoexpunge = 2s\n  }\n}`
  : `namespace inbox {\n  inbox = yes\n  mailbox ${FOLDER} {\n    autoexpunge = 2s\n  }\n}`;

const modules = (dir: string): ModuleEntry[] => defaultModules(dir).map((m) =>
  m.name === 'spam' ? { ...m, command: m.command.replace(/ %u$/, ` --delete-folder=${FOLDER} --delete-days=1 %u`) } : m);

const SPAM = { 'X-Spam-Status': 'Yes, score=9.0 required=5.0 tests=BAYES_99' };

describe('action=delete with the administrator\'s autoexpunge', () => {
  const server = useServer({ spamtest: 'spamassassin', modules, extraConfig: AUTOEXPUNGE });

  it('spam filed into the autoexpunged folder is gone after its period; blocked mail in Junk stays', async () => {
    const s = server();
    const u = USERS.alice;
    const c = await s.login(u);
    try {
      const r = await xexec(c, 'XEXEC spam set level=standard action=delete tlds=ru');
      expect(r.lines).toEqual(['level standard', 'action delete', 'delete-days 1', 'tld ru', 'contacts 0']);
    } finally {
      await c.logout();
    }
    await s.deliver({ from: 'spammer@example.net', to: u, subject: 'spam', headers: SPAM });
    await s.deliver({ from: 'someone@mail.ru', to: u, subject: 'blocked' });
    expect(s.mailbox(u, FOLDER).length).toBe(1);
    expect(s.mailbox(u, 'Junk').length).toBe(1);
    // Past the period, Dovecot expunges when a session of the user ends (2.4: after it has
    // disconnected the client, so the logout returns first).
    await delay(3000);
    const again = await s.login(u);
    await again.logout();
    await poll('the autoexpunge', () => s.mailbox(u, FOLDER).length === 0, 10_000);
    expect(s.mailbox(u, 'Junk').length).toBe(1);
  });

  itStopsCleanly(server);
});
