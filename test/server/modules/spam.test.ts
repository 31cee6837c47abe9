// The spam module (PROTOCOL.md §6.5) against real Dovecot + Pigeonhole, over LMTP: the
// levels with SpamAssassin's and rspamd's score headers (one scanner per server, as on a real
// one), the whitelist winning, blocked top-level domains and character sets, the order with
// vacation and forwarding, and delete-after through the administrator's folder.
import { describe, expect, it } from 'vitest';
import { defaultModules, isDovecot24, USERS, type ModuleEntry, type TestServer } from '../fixture/index.js';
import { itStopsCleanly, useServer, xexecAs as cmd, xexecOk as ok } from '../helpers.js';

type Level = 'off' | 'lenient' | 'standard' | 'strict' | 'allowed-only';
const LEVELS: Level[] = ['off', 'lenient', 'standard', 'strict', 'allowed-only'];
const DELETE_FOLDER = 'Junk-Expiring';
const ERIN = 'erin@example.com';

/** Where a message went: the folder whose count grew. */
async function lands(s: TestServer, user: string, from: string, o: { headers?: Record<string, string>; raw?: string } = {}) {
  const folders = ['INBOX', 'Junk', DELETE_FOLDER];
  const before = folders.map((f) => s.mailbox(user, f).length);
  const res = await s.deliver({ from, to: user, subject: `from ${from}`, headers: o.headers, raw: o.raw });
  for (const r of res.dataReplies) expect(r, res.transcript.join('\n')).toMatch(/^250 /);
  const grown = folders.filter((f, i) => s.mailbox(user, f).length > before[i]!);
  expect(grown.length, `${from}: ${grown.join(',')}`).toBe(1);
  return grown[0]!;
}

/** The administrator's side of --delete-folder (docs/SERVER.md): the server accepts it. */
const AUTOEXPUNGE = isDovecot24()
  ? `namespace inbox {\n  mailbox ${DELETE_FOLDER} {\n    autoexpunge = 30d\n  }\n}`
  : `namespace inbox {\n  inbox = yes\n  mailbox ${DELETE_FOLDER} {\n    autoexpunge = 30d\n  }\n}`;

/** The spam module with the administrator's delete folder, and the same program without it. */
const modules = (dir: string): ModuleEntry[] => {
  const all = defaultModules(dir);
  const spam = all.find((m) => m.name === 'spam')!;
  return [
    ...all.map((m) => m === spam
      ? { ...m, command: m.command.replace(/ %u$/, ` --delete-folder=${DELETE_FOLDER} --delete-days=30 %u`) } : m),
    { name: 'spamjunkonly', command: spam.command },
  ];
};

/**
 * One scanner: its header for a score (of a maximum: 10 for SpamAssassin as configured, the
 * second number for rspamd), and what each level must do with messages of these percentages.
 */
const SCANNERS = {
  spamassassin: {
    header: (score: number) => ({ 'X-Spam-Status': `${score >= 5 ? 'Yes' : 'No'}, score=${score.toFixed(1)} required=5.0 tests=BAYES_99,HTML_MESSAGE autolearn=no version=3.4.6` }),
    // 10 %, 35 %, 60 %, 90 % of the maximum 10.
    scores: [1.0, 3.5, 6.0, 9.0],
  },
  rspamd: {
    header: (score: number) => ({
      'X-Spamd-Result': `default: ${score >= 15 ? 'True' : 'False'} [${score.toFixed(2)} / 15.00];\r\n\tR_SPF_ALLOW(-0.20)[+ip4:192.0.2.1];\r\n\tBAYES_SPAM(5.10)[99.0%]`,
    }),
    // 13 %, 34.7 %, 60 %, 93 % of 15.
    scores: [2.0, 5.2, 9.0, 14.0],
  },
  'rspamd-score': {
    header: (score: number) => ({ 'X-Spam-Score': score.toFixed(2) }),
    scores: [2.0, 5.2, 9.0, 14.0],
  },
} as const;

/** Which of the four scores (by index) each level files into Junk. */
const JUNKED: Record<Level, number[]> = {
  off: [], lenient: [3], standard: [2, 3], strict: [1, 2, 3], 'allowed-only': [0, 1, 2, 3],
};

describe.each(['spamassassin', 'rspamd', 'rspamd-score'] as const)('with %s as the scanner', (scanner) => {
  const server = useServer({ spamtest: scanner, modules, users: { [ERIN]: 'erin-pass-1' }, extraConfig: AUTOEXPUNGE });
  const sc = SCANNERS[scanner];

  it.each(LEVELS)('level %s: each score lands where the level says; a whitelisted sender always in INBOX', async (level) => {
    const s = server();
    // One user per level, so the levels do not share a state.
    const user = [USERS.alice, USERS.bob, USERS.carol, USERS.dave, ERIN][LEVELS.indexOf(level)]!;
    await ok(s, user, 'XEXEC whitelist add friend@partner.example');
    const lines = await ok(s, user, `XEXEC spam set level=${level}`);
    expect(lines.slice(0, 2)).toEqual([`level ${level}`, 'action junk']);
    const got: string[] = [];
    for (const [i, score] of sc.scores.entries()) {
      got.push(await lands(s, user, `sender${i}@example.net`, { headers: sc.header(score) }));
    }
    expect(got).toEqual(sc.scores.map((_, i) => (JUNKED[level].includes(i) ? 'Junk' : 'INBOX')));
    // No score header at all (spamtest sees "not tested").
    expect(await lands(s, user, 'unscanned@example.net')).toBe(level === 'allowed-only' ? 'Junk' : 'INBOX');
    // The allow list wins at every level, also over the highest score (envelope or From).
    expect(await lands(s, user, 'friend@partner.example', { headers: sc.header(sc.scores[3]) })).toBe('INBOX');
  });

  it('off (the command) delivers everything again and keeps the lists', async () => {
    const s = server();
    const u = USERS.alice;
    await ok(s, u, 'XEXEC spam set level=strict tlds=ru');
    expect(await lands(s, u, 'x@example.net', { headers: sc.header(sc.scores[3]) })).toBe('Junk');
    expect(await ok(s, u, 'XEXEC spam off')).toEqual(['level off', 'action junk', 'delete-days 30', 'tld ru', 'contacts 0']);
    expect(await lands(s, u, 'x@example.net', { headers: sc.header(sc.scores[3]) })).toBe('INBOX');
    expect(await lands(s, u, 'x@mail.ru')).toBe('INBOX');
  });

  it('action=delete files spam into the administrator\'s autoexpunged folder; blocked senders still go to Junk', async () => {
    const s = server();
    const u = USERS.carol;
    const lines = await ok(s, u, 'XEXEC spam set level=standard action=delete tlds=ru');
    expect(lines).toEqual(['level standard', 'action delete', 'delete-days 30', 'tld ru', 'contacts 0']);
    expect(await lands(s, u, 'y@example.net', { headers: sc.header(sc.scores[3]) })).toBe(DELETE_FOLDER);
    expect(await lands(s, u, 'y@mail.ru')).toBe('Junk');
    expect(await lands(s, u, 'y@example.net', { headers: sc.header(sc.scores[0]) })).toBe('INBOX');
    // Back to junk.
    await ok(s, u, 'XEXEC spam set action=junk');
    expect(await lands(s, u, 'y@example.net', { headers: sc.header(sc.scores[3]) })).toBe('Junk');
  });

  it('a server without automatic deletion refuses action=delete and changes nothing', async () => {
    const s = server();
    const u = USERS.dave;
    const before = await ok(s, u, 'XEXEC spamjunkonly show');
    expect(before).not.toContain('delete-days 30');
    const r = await cmd(s, u, 'XEXEC spamjunkonly set level=strict action=delete');
    expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-EXIT' });
    expect(r.tagged.message).toBe('This server does not delete spam automatically, so spam can only be moved to Junk; nothing was changed');
    expect(await ok(s, u, 'XEXEC spamjunkonly show')).toEqual(before);
  });

  itStopsCleanly(server);
});

/** "Привет" in KOI8-R and in windows-1251. */
const PRIVET_KOI8 = Buffer.from([0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4]).toString('base64');
const PRIVET_1251 = Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]).toString('base64');

function mime(from: string, to: string, subject: string, parts: string): string {
  return [`From: ${from}`, `To: ${to}`, `Subject: ${subject}`, 'Date: Mon, 1 Jan 2024 10:00:00 +0000',
    `Message-ID: <${Math.random().toString(36).slice(2)}@example.org>`, 'MIME-Version: 1.0', parts].join('\r\n');
}

describe('blocked top-level domains and character sets, at level standard', () => {
  const server = useServer({ spamtest: 'spamassassin' });
  const u = USERS.bob;
  const set = async (s: TestServer) => {
    const lines = await ok(s, u, 'XEXEC spam set level=standard tlds=.RU,cn charsets=KOI8-R,windows-1251');
    expect(lines).toEqual(['level standard', 'action junk', 'tld cn', 'tld ru', 'charset koi8-r', 'charset windows-1251', 'contacts 0']);
  };

  it('a .ru sender and a sender at a .ru subdomain go to Junk (From or envelope); look-alikes do not', async () => {
    const s = server();
    await set(s);
    expect(await lands(s, u, 'ivan@mail.ru')).toBe('Junk');
    expect(await lands(s, u, 'ivan@a.b.mail.ru')).toBe('Junk');
    expect(await lands(s, u, 'IVAN@MAIL.RU')).toBe('Junk');
    expect(await lands(s, u, 'x@example.net', { headers: { From: 'Иван <ivan@yandex.ru>' } })).toBe('Junk');
    expect(await lands(s, u, 'ivan@yandex.ru', { headers: { From: 'hans@example.de' } })).toBe('Junk');
    expect(await lands(s, u, 'x@example.guru')).toBe('INBOX');
    expect(await lands(s, u, 'x@ru.example.com')).toBe('INBOX');
    expect(await lands(s, u, 'x@mail.ru.example.com')).toBe('INBOX');
  });

  it('a koi8-r text part, and a koi8-r message, go to Junk', async () => {
    const s = server();
    await set(s);
    const multipart = mime('hans@example.de', u, 'Hello', [
      'Content-Type: multipart/mixed; boundary="b1"', '', '--b1', 'Content-Type: text/plain; charset=utf-8', '',
      'Hello.', '--b1', 'Content-Type: text/plain; charset="KOI8-R"', 'Content-Transfer-Encoding: base64', '',
      PRIVET_KOI8, '--b1--', ''].join('\r\n'));
    expect(await lands(s, u, 'hans@example.de', { raw: multipart })).toBe('Junk');
    const single = mime('hans@example.de', u, 'Hello', ['Content-Type: text/plain; charset=koi8-r',
      'Content-Transfer-Encoding: base64', '', PRIVET_KOI8, ''].join('\r\n'));
    expect(await lands(s, u, 'hans@example.de', { raw: single })).toBe('Junk');
  });

  it('an encoded-word Subject in windows-1251 goes to Junk (the body is plain ASCII)', async () => {
    const s = server();
    await set(s);
    const m = mime('hans@example.de', u, `=?windows-1251?B?${PRIVET_1251}?=`,
      ['Content-Type: text/plain; charset=us-ascii', '', 'Hello.', ''].join('\r\n'));
    expect(await lands(s, u, 'hans@example.de', { raw: m })).toBe('Junk');
    const from = mime(`=?koi8-r?B?${PRIVET_KOI8}?= <hans@example.de>`, u, 'Hello',
      ['Content-Type: text/plain; charset=us-ascii', '', 'Hello.', ''].join('\r\n'));
    expect(await lands(s, u, 'hans@example.de', { raw: from })).toBe('Junk');
  });

  it('a UTF-8 message from an allowed country passes', async () => {
    const s = server();
    await set(s);
    const m = mime('Jürgen Müller <juergen@example.de>', u, '=?utf-8?Q?Gr=C3=BC=C3=9Fe_aus_M=C3=BCnchen?=', [
      'Content-Type: multipart/alternative; boundary="b2"', '', '--b2', 'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit', '', 'Grüße aus München, ça va?', '--b2',
      'Content-Type: text/html; charset="UTF-8"', '', '<p>Grüße</p>', '--b2--', ''].join('\r\n'));
    expect(await lands(s, u, 'juergen@example.de', { raw: m })).toBe('INBOX');
  });

  it('a whitelisted .ru sender passes; blocked mail gets no vacation reply and is not forwarded', async () => {
    const s = server();
    await set(s);
    await ok(s, u, 'XEXEC whitelist add friend@mail.ru');
    expect(await lands(s, u, 'friend@mail.ru')).toBe('INBOX');
    await ok(s, u, 'XEXEC vacation set body=away days=1');
    await ok(s, u, 'XEXEC forwardmail set copy@example.net keep');
    const before = s.captured().length;
    expect(await lands(s, u, 'stranger@mail.ru')).toBe('Junk');
    expect(await lands(s, u, 'spammer@example.net', { headers: SCANNERS.spamassassin.header(9.0) })).toBe('Junk');
    expect(s.captured().length).toBe(before);
    expect(await lands(s, u, 'person@example.net')).toBe('INBOX');
    const sent = s.captured().slice(before).map((m) => m.recipients.join(',')).sort();
    expect(sent).toEqual(['copy@example.net', 'person@example.net']);
    await ok(s, u, 'XEXEC vacation off');
    await ok(s, u, 'XEXEC forwardmail off');
  });

  it('trust my contacts: the contacts set pass like whitelist entries, are refreshed as a whole and cleared', async () => {
    const s = server();
    const v = USERS.alice;
    await ok(s, v, 'XEXEC whitelist add boss@example.com');
    expect(await ok(s, v, 'XEXEC spam set level=allowed-only tlds=ru')).toEqual(
      ['level allowed-only', 'action junk', 'tld ru', 'contacts 0']);
    const set = await ok(s, v, 'XEXEC spam contacts set Anna@Example.org ivan@mail.ru anna@example.org');
    expect(set.at(-1)).toBe('contacts 2');
    expect(await ok(s, v, 'XEXEC spam contacts list')).toEqual(['anna@example.org', 'ivan@mail.ru']);
    // A contact passes allowed-only and a blocked TLD (the allow list wins); others do not.
    expect(await lands(s, v, 'anna@example.org')).toBe('INBOX');
    expect(await lands(s, v, 'ivan@mail.ru')).toBe('INBOX');
    expect(await lands(s, v, 'boss@example.com')).toBe('INBOX');
    expect(await lands(s, v, 'stranger@example.org')).toBe('Junk');
    // Refreshed from the address books: the set replaces the old one; the whitelist stays.
    expect((await ok(s, v, 'XEXEC spam contacts set anna@example.org')).at(-1)).toBe('contacts 1');
    expect(await lands(s, v, 'ivan@mail.ru')).toBe('Junk');
    expect(await ok(s, v, 'XEXEC whitelist list')).toEqual(['boss@example.com']);
    expect((await ok(s, v, 'XEXEC spam contacts clear')).at(-1)).toBe('contacts 0');
    expect(await ok(s, v, 'XEXEC spam contacts list')).toEqual([]);
    expect(await lands(s, v, 'anna@example.org')).toBe('Junk');
    expect(await lands(s, v, 'boss@example.com')).toBe('INBOX');
  });

  it('tlds= and charsets= with nothing clear the lists', async () => {
    const s = server();
    await set(s);
    expect(await ok(s, u, 'XEXEC spam set tlds= charsets=')).toEqual(['level standard', 'action junk', 'contacts 0']);
    expect(await lands(s, u, 'ivan@mail.ru')).toBe('INBOX');
  });

  itStopsCleanly(server);
});
