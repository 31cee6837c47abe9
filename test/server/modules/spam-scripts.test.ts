// Blocked character sets and encoded words of scripts other than Cyrillic (PROTOCOL.md §6.5,
// SERVER.md): Pigeonhole decodes `=?charset?...?=` before Sieve sees Subject or From, so the
// module blocks the letters of the script a blocked set is for. Against real Dovecot over LMTP,
// with each subject really encoded in its legacy character set (Node decodes those but cannot
// encode them, so the bytes are written out here; the test checks them with TextDecoder).
import { describe, expect, it } from 'vitest';
import { USERS, type TestServer } from '../fixture/index.js';
import { itStopsCleanly, useServer, xexec } from '../helpers.js';

const u = USERS.bob;

/** A subject's bytes in a legacy character set, as an encoded word. */
const word = (charset: string, bytes: number[]) => `=?${charset}?B?${Buffer.from(bytes).toString('base64')}?=`;

/** Each script: a blocked set, a subject in it (the decoded text in the comment). */
const CASES = [
  // "Γεια" in iso-8859-7
  { set: 'iso-8859-7', subject: word('iso-8859-7', [0xc3, 0xe5, 0xe9, 0xe1]) },
  // "שלום" in windows-1255
  { set: 'windows-1255', subject: word('windows-1255', [0xf9, 0xec, 0xe5, 0xed]) },
  // "مرحبا" in windows-1256
  { set: 'windows-1256', subject: word('windows-1256', [0xe3, 0xd1, 0xcd, 0xc8, 0xc7]) },
  // "สวัสดี" in tis-620
  { set: 'tis-620', subject: word('tis-620', [0xca, 0xc7, 0xd1, 0xca, 0xb4, 0xd5]) },
  // "こんにちは" in shift_jis
  { set: 'shift_jis', subject: word('shift_jis', [0x82, 0xb1, 0x82, 0xf1, 0x82, 0xc9, 0x82, 0xbf, 0x82, 0xcd]) },
  // "免费" (free of charge) in gb2312
  { set: 'gb2312', subject: word('gb2312', [0xc3, 0xe2, 0xb7, 0xd1]) },
  // "(광고)" (advertisement) in euc-kr
  { set: 'euc-kr', subject: word('euc-kr', [0x28, 0xb1, 0xa4, 0xb0, 0xed, 0x29]) },
] as const;

function message(subject: string): string {
  return [`From: sender@example.org`, `To: ${u}`, `Subject: ${subject}`, 'Date: Mon, 1 Jan 2024 10:00:00 +0000',
    `Message-ID: <${Math.random().toString(36).slice(2)}@example.org>`, 'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=us-ascii', '', 'Hello.', ''].join('\r\n');
}

async function spamSet(s: TestServer, charsets: string) {
  const c = await s.login(u);
  try {
    const r = await xexec(c, `XEXEC spam set level=lenient charsets=${charsets}`);
    expect(r.tagged, r.response.text).toMatchObject({ ok: true });
  } finally {
    await c.logout();
  }
}

async function lands(s: TestServer, subject: string): Promise<string> {
  const before = s.mailbox(u, 'Junk').length;
  const res = await s.deliver({ from: 'sender@example.org', to: u, subject: '', raw: message(subject) });
  for (const r of res.dataReplies) expect(r, res.transcript.join('\n')).toMatch(/^250 /);
  return s.mailbox(u, 'Junk').length > before ? 'Junk' : 'INBOX';
}

describe('encoded words of blocked scripts', () => {
  const server = useServer({ spamtest: 'spamassassin' });

  it.each(CASES)('$set: an encoded-word Subject goes to Junk while the set is blocked, to INBOX when not', async ({ set, subject }) => {
    const s = server();
    await spamSet(s, 'koi8-r');
    expect(await lands(s, subject)).toBe('INBOX');
    await spamSet(s, set);
    expect(await lands(s, subject)).toBe('Junk');
  });

  it('the bytes are the texts the comments say', () => {
    const decoded = CASES.map(({ set, subject }) => {
      const b64 = /\?B\?(.*)\?=$/.exec(subject)![1]!;
      return new TextDecoder(set).decode(Buffer.from(b64, 'base64'));
    });
    expect(decoded).toEqual(['Γεια', 'שלום', 'مرحبا', 'สวัสดี', 'こんにちは', '免费', '(광고)']);
  });

  it('a Latin subject with accents passes whatever is blocked', async () => {
    const s = server();
    await spamSet(s, CASES.map((c) => c.set).join(','));
    expect(await lands(s, '=?iso-8859-1?Q?Gr=FC=DFe_aus_M=FCnchen?=')).toBe('INBOX');
  });

  itStopsCleanly(server);
});
