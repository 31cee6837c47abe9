// The spam module with the administrator's virustest (spam.sh --virustest=yes, SERVER.md),
// against real Dovecot + Pigeonhole over LMTP: clamav-milter's `X-Virus-Status` header read by
// Pigeonhole's virustest, infected mail filed into Junk at every level but off, the allow list
// still winning, and a server without the option offering nothing.
import { describe, expect, it } from 'vitest';
import { defaultModules, USERS, type ModuleEntry, type TestServer } from '../fixture/index.js';
import { itStopsCleanly, useServer, xexecOk as ok } from '../helpers.js';

const INFECTED = { 'X-Virus-Status': 'Infected (Eicar-Signature)' };
const CLEAN = { 'X-Virus-Status': 'Clean' };

/** The spam module with --virustest=yes, and the same program without it as `spamplain`. */
const modules = (dir: string): ModuleEntry[] => {
  const all = defaultModules(dir);
  const spam = all.find((m) => m.name === 'spam')!;
  return [
    ...all.map((m) => (m === spam ? { ...m, command: m.command.replace(/ %u$/, ' --virustest=yes %u') } : m)),
    { name: 'spamplain', command: spam.command },
  ];
};

/** Where a message went: INBOX or Junk, whichever grew. */
async function lands(s: TestServer, user: string, from: string, headers: Record<string, string>) {
  const before = [s.mailbox(user, 'INBOX').length, s.mailbox(user, 'Junk').length];
  const res = await s.deliver({ from, to: user, subject: `from ${from}`, headers });
  for (const r of res.dataReplies) expect(r, res.transcript.join('\n')).toMatch(/^250 /);
  const after = [s.mailbox(user, 'INBOX').length, s.mailbox(user, 'Junk').length];
  const grown = ['INBOX', 'Junk'].filter((_, i) => after[i]! > before[i]!);
  expect(grown.length, `${from}: ${grown.join(',')}`).toBe(1);
  return grown[0]!;
}

describe('spam with the server\'s virustest', () => {
  const server = useServer({ spamtest: 'spamassassin', virustest: true, modules });

  it('show says the server checks for viruses; the plain module does not', async () => {
    const s = server();
    expect(await ok(s, USERS.alice, 'XEXEC spam show')).toContain('virustest yes');
    expect(await ok(s, USERS.alice, 'XEXEC spamplain show')).not.toContain('virustest yes');
  });

  it('at a level: infected mail goes to Junk, clean and unscanned mail to INBOX, an allowed sender always to INBOX', async () => {
    const s = server();
    const u = USERS.bob;
    await ok(s, u, 'XEXEC whitelist add friend@partner.example');
    await ok(s, u, 'XEXEC spam set level=lenient');
    expect(await lands(s, u, 'a@example.net', INFECTED)).toBe('Junk');
    expect(await lands(s, u, 'b@example.net', CLEAN)).toBe('INBOX');
    expect(await lands(s, u, 'c@example.net', {})).toBe('INBOX');
    expect(await lands(s, u, 'friend@partner.example', INFECTED)).toBe('INBOX');
  });

  it('level off filters nothing, viruses included', async () => {
    const s = server();
    const u = USERS.carol;
    await ok(s, u, 'XEXEC spam set level=strict');
    expect(await lands(s, u, 'a@example.net', INFECTED)).toBe('Junk');
    await ok(s, u, 'XEXEC spam off');
    expect(await lands(s, u, 'a@example.net', INFECTED)).toBe('INBOX');
  });

  it('without --virustest the module ignores the virus header', async () => {
    const s = server();
    const u = USERS.dave;
    await ok(s, u, 'XEXEC spamplain set level=lenient');
    expect(await lands(s, u, 'a@example.net', INFECTED)).toBe('INBOX');
  });

  itStopsCleanly(server);
});
