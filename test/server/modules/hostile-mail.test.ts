// Hostile incoming mail through the alerts and spam modules, over LMTP against real Dovecot +
// Pigeonhole: a user with a confirmed alerts target and spam settings gets messages built to
// break out of the generated Sieve script or the alert (header injection through encoded words
// and folding, "${...}" and Sieve-looking text, NUL and invalid UTF-8, mailto-looking bodies,
// malformed MIME, a 1 MB line). Each is delivered (250) into the folder the rules say; an
// alert-worthy one causes exactly one alert, to the confirmed target only (envelope and To),
// within the length cap, with no header of the sender's making; the log has no Panic/Fatal.
import * as net from 'node:net';
import { describe, expect, it } from 'vitest';
import { alertsModule, defaultModules, header, USERS, type Captured, type TestServer } from '../fixture/index.js';
import { alertText, itStopsCleanly, useServer, xexecOk as ok } from '../helpers.js';

const TARGET = 'boss@sms.example';
const FROM = 'alerts@example.com';
const LENGTH = 60;
const EVIL = 'evil.example';

const server = useServer({
  spamtest: 'spamassassin',
  // A cap no test reaches: every alert-worthy message must cause its alert.
  modules: (dir) => [...defaultModules(dir), alertsModule(dir, ['--max-per-hour=1000', `--length=${LENGTH}`, `--from=${FROM}`])],
});

const B = (s: string) => Buffer.from(s, 'utf8');
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

/**
 * One LMTP delivery of raw bytes (the fixture's deliver() writes a string as UTF-8, so it cannot
 * send NUL-free invalid UTF-8 as is): LHLO, MAIL, RCPT, DATA with dot-stuffing. The final reply.
 */
async function deliverBytes(port: number, from: string, to: string, data: Buffer): Promise<string> {
  const sock = net.connect({ host: '127.0.0.1', port });
  let buf = '';
  const waiters: (() => void)[] = [];
  sock.setEncoding('latin1');
  sock.on('data', (d: string) => { buf += d; waiters.splice(0).forEach((w) => w()); });
  sock.on('close', () => waiters.splice(0).forEach((w) => w()));
  sock.on('error', () => undefined);
  const reply = async (): Promise<string> => {
    for (;;) {
      const m = /^(\d{3})([ -])(.*)\r\n/.exec(buf);
      if (m) {
        buf = buf.slice(m[0].length);
        if (m[2] === ' ') return m[0].slice(0, -2);
        continue;
      }
      if (sock.destroyed) throw new Error(`LMTP connection closed after: ${buf}`);
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  const step = async (line: string | null, want: RegExp): Promise<string> => {
    if (line !== null) sock.write(line + '\r\n');
    const r = await reply();
    if (!want.test(r)) throw new Error(`LMTP ${line ?? 'greeting'}: ${r}`);
    return r;
  };
  try {
    await step(null, /^220/);
    await step('LHLO fixture.example.org', /^250/);
    await step(`MAIL FROM:<${from}>`, /^250/);
    await step(`RCPT TO:<${to}>`, /^250/);
    await step('DATA', /^354/);
    // Dot-stuffing: a "." at a line start is doubled.
    const lines: Buffer[] = [];
    let start = 0;
    for (let i = 0; i <= data.length; i++) {
      if (i === data.length || data[i] === 0x0a) {
        const line = data.subarray(start, Math.min(i + 1, data.length));
        lines.push(line[0] === 0x2e ? Buffer.concat([B('.'), line]) : line);
        start = i + 1;
      }
    }
    const body = Buffer.concat(lines);
    sock.write(Buffer.concat([body, B(body.subarray(-2).toString('latin1') === '\r\n' ? '' : '\r\n'), B('.\r\n')]));
    const final = await reply();
    sock.write('QUIT\r\n');
    return final;
  } finally {
    sock.end();
    sock.destroy();
  }
}

/** A message from header lines (strings or raw bytes) and a body, CRLF line ends. */
function message(headers: (string | Buffer)[], body: string | Buffer): Buffer {
  const parts: Buffer[] = [];
  for (const h of headers) parts.push(typeof h === 'string' ? B(h) : h, B('\r\n'));
  parts.push(B('\r\n'), typeof body === 'string' ? B(body) : body);
  return Buffer.concat(parts);
}

const FOLDERS = ['INBOX', 'Junk'];

/** Delivers; checks 250 and the one folder that grew; returns the new captures. */
async function deliver(s: TestServer, user: string, from: string, data: Buffer, folder: 'INBOX' | 'Junk'): Promise<Captured[]> {
  const before = FOLDERS.map((f) => s.mailbox(user, f).length);
  const captured = s.captured().length;
  const final = await deliverBytes(s.lmtpPort, from, user, data);
  expect(final).toMatch(/^250 /);
  const grown = FOLDERS.filter((f, i) => s.mailbox(user, f).length !== before[i]);
  expect(grown).toEqual([folder]);
  expect(s.mailbox(user, folder).length).toBe(before[FOLDERS.indexOf(folder)]! + 1);
  return s.captured().slice(captured);
}


/**
 * The one alert: to the target only (envelope and To), from the administrator's address, no
 * Cc/Bcc or other header of the sender's making, the text within the length cap. Its text.
 */
function theAlert(sent: Captured[]): { subject: string; body: string } {
  expect(sent).toHaveLength(1);
  const m = sent[0]!;
  expect(m.recipients).toEqual([TARGET]);
  expect(m.sender).toBe(FROM);
  const head = (m.data.split(/\r?\n\r?\n/)[0] ?? '').replace(/\r?\n[ \t]+/g, ' ');
  const names = head.split(/\r?\n/).map((l) => l.slice(0, l.indexOf(':')).toLowerCase());
  expect(names.filter((n) => !/^(x-sieve|message-id|date|subject|from|to|auto-submitted|precedence|x-priority|importance|mime-version|content-type|content-transfer-encoding)$/.test(n))).toEqual([]);
  expect(names.filter((n) => n === 'to' || n === 'from' || n === 'subject')).toHaveLength(3);
  // (2.3 writes the bare address; either form names the target alone)
  expect([TARGET, `<${TARGET}>`]).toContain(header(m.data, 'To'));
  // Only the Subject carries sender text (its From address and subject).
  expect(head.split(/\r?\n/).filter((l) => !/^subject:/i.test(l)).join('\n')).not.toContain(EVIL);
  const t = alertText(m);
  // Subject and body at most LENGTH characters (the line break between them counted as two).
  expect([...t.subject].length + (t.body === '' ? 0 : 2 + [...t.body].length)).toBeLessThanOrEqual(LENGTH);
  return t;
}

describe('hostile mail through alerts and spam over LMTP', () => {
  const u = USERS.alice;

  it('setup: a confirmed target, subject words and urgent mail, spam at standard with a blocked TLD and charset', async () => {
    const s = server();
    const before = s.captured().length;
    await ok(s, u, `XEXEC alerts set target=${TARGET} words=urgent urgent=yes`);
    const code = /^Subject: Mail alert code (\d{6})$/m.exec(s.captured()[before]!.data)![1]!;
    expect(await ok(s, u, `XEXEC alerts confirm ${code}`)).toContain('confirmed yes');
    expect(await ok(s, u, 'XEXEC spam set level=standard tlds=ru charsets=koi8-r')).toEqual(
      ['level standard', 'action junk', 'tld ru', 'charset koi8-r', 'contacts 0']);
    expect(s.captured()).toHaveLength(before + 1);
  });

  it('an encoded-word Subject that decodes to CR LF "Bcc:" adds no header and no recipient', async () => {
    const s = server();
    const subject = `=?utf-8?B?${b64(`urgent\r\nBcc: x@${EVIL}\r\nCc: y@${EVIL}`)}?=`;
    const t = theAlert(await deliver(s, u, 'anna@example.org', message(['From: anna@example.org', `To: ${u}`, `Subject: ${subject}`], 'Hello.\r\n'), 'INBOX'));
    // The alert's first line is its subject: what followed the line break is body text.
    expect(t.subject).toBe('anna@example.org: urgent');
    expect(t.body.startsWith(`Bcc: x@${EVIL}`)).toBe(true);
    // The same in the From's display name, and as Q encoding.
    const from = `=?utf-8?B?${b64(`A\r\nBcc: x@${EVIL}`)}?= <anna@example.org>`;
    theAlert(await deliver(s, u, 'anna@example.org', message([`From: ${from}`, `To: ${u}`, `Subject: =?utf-8?Q?urgent=0D=0ABcc:_z@${EVIL}?=`], 'Hi.\r\n'), 'INBOX'));
  });

  it('"${...}" and Sieve-looking text in Subject and From stay literal: stored, alerted once, nothing discarded', async () => {
    const s = server();
    const subject = 'urgent ${xexec_from} ${1} "; discard; " \\${x} ${xexec_d}';
    const t = theAlert(await deliver(s, u, 'anna@example.org',
      message([`From: "\${xexec_body}\\"; discard; \\"" <anna@example.org>`, `To: ${u}`, `Subject: ${subject}`], '${xexec_text} "; stop; "\r\n'), 'INBOX'));
    expect(`anna@example.org: ${subject}`.startsWith(t.subject)).toBe(true);
    expect(t.subject.length).toBeGreaterThan('anna@example.org: urgent ${xexec_from}'.length);
    expect(s.mailbox(u).filter((m) => m.includes('Subject: urgent ${xexec_from}'))).toHaveLength(1);
  });

  it('NUL and invalid UTF-8 bytes in Subject and body: delivered, one alert within the cap', async () => {
    const s = server();
    const subject = Buffer.concat([B('Subject: urgent '), Buffer.from([0x00, 0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82]), B(' end')]);
    const body = Buffer.concat([B('Start '), Buffer.from([0x00, 0x00, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xff]), B(' rest of the text\r\n')]);
    const t = theAlert(await deliver(s, u, 'anna@example.org', message(['From: anna@example.org', `To: ${u}`, subject], body), 'INBOX'));
    // The body ends at the NUL (a "%00" in the mailto URI fails the whole script in Pigeonhole).
    expect(t.body).toBe('Start ');
    expect(t.subject.startsWith('anna@example.org: urgent ')).toBe(true);
    // Invalid UTF-8 with a blocked charset declared: Junk, no alert.
    const koi = message(['From: anna@example.org', `To: ${u}`, Buffer.concat([B('Subject: urgent '), Buffer.from([0xff, 0x00])]),
      'MIME-Version: 1.0', 'Content-Type: text/plain; charset=koi8-r'], Buffer.from([0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4, 0x0d, 0x0a]));
    expect(await deliver(s, u, 'anna@example.org', koi, 'Junk')).toEqual([]);
  });

  it('a NUL in the text does not cost the rest of the script: forwarding still happens next to the alert', async () => {
    const s = server();
    const v = USERS.bob;
    const before = s.captured().length;
    await ok(s, v, `XEXEC alerts set target=${TARGET} words=urgent`);
    const code = /^Subject: Mail alert code (\d{6})$/m.exec(s.captured()[before]!.data)![1]!;
    await ok(s, v, `XEXEC alerts confirm ${code}`);
    await ok(s, v, 'XEXEC forwardmail set copy@example.net keep');
    for (const body of [Buffer.from([0x00, 0x41]), Buffer.concat([B('ab'), Buffer.from([0]), B('c'), Buffer.from([0, 0]), B('d\r\n')])]) {
      const sent = await deliver(s, v, 'anna@example.org', message(['From: anna@example.org', `To: ${v}`, 'Subject: urgent'], body), 'INBOX');
      expect(sent.map((m) => m.recipients)).toEqual(expect.arrayContaining([[TARGET], ['copy@example.net']]));
      expect(sent).toHaveLength(2);
      theAlert(sent.filter((m) => m.recipients[0] === TARGET));
    }
    expect(s.readLog()).not.toMatch(/invalid % encoding|Execution of script .* failed/);
  });

  it('a body starting with "&cc=" and mailto-looking text stays in the body of the one alert', async () => {
    const s = server();
    const body = `&cc=x@${EVIL}&bcc=y@${EVIL}?to=z@${EVIL}#\r\nmailto:x@${EVIL}?body=hi%0D%0ABcc:%20y@${EVIL}\r\n`;
    const t = theAlert(await deliver(s, u, 'anna@example.org', message(['From: anna@example.org', `To: ${u}`, 'Subject: urgent'], body), 'INBOX'));
    expect(body.replace(/\r\n/g, '\n').startsWith(t.body)).toBe(true);
    expect(t.body.startsWith('&cc=x@')).toBe(true);
  });

  it('malformed MIME: a multipart without boundary, a boundary never used, charset parameters with quotes, semicolons or 5000 bytes', async () => {
    const s = server();
    const head = (ct: string) => ['From: anna@example.org', `To: ${u}`, 'Subject: urgent mime', 'MIME-Version: 1.0', `Content-Type: ${ct}`];
    const cases: [string, string, 'INBOX' | 'Junk'][] = [
      ['multipart/mixed', '--x\r\nContent-Type: text/plain\r\n\r\nHi.\r\n--x--\r\n', 'INBOX'],
      ['multipart/mixed; boundary="never"', 'No parts at all.\r\n', 'INBOX'],
      ['multipart/mixed; boundary=', '--\r\n\r\n--\r\n', 'INBOX'],
      ['multipart/alternative; boundary="a"', '--a\r\nContent-Type: multipart/mixed; boundary="a"\r\n\r\n--a\r\n--a--\r\n', 'INBOX'],
      ['text/plain; charset="utf-8\\"; charset=koi8-r; x=\\""', 'Hi.\r\n', 'INBOX'],
      ['text/plain; charset="koi8-r"; name="a;b\\";c"', 'Hi.\r\n', 'Junk'],
      ['text/plain; charset=koi8-r;;; ;', 'Hi.\r\n', 'Junk'],
      [`text/plain; charset="${'k'.repeat(5000)}"`, 'Hi.\r\n', 'INBOX'],
      [`text/plain; charset=${'koi8-r;'.repeat(700)}`, 'Hi.\r\n', 'Junk'],
      ['text/plain; charset="unterminated', 'Hi.\r\n', 'INBOX'],
    ];
    for (const [ct, body, folder] of cases) {
      const sent = await deliver(s, u, 'anna@example.org', message(head(ct), body), folder);
      if (folder === 'Junk') expect(sent, ct.slice(0, 80)).toEqual([]);
      else theAlert(sent);
    }
  });

  it('a 1 MB body on one line: delivered, one alert with at most the cap of its characters', async () => {
    const s = server();
    const body = 'A'.repeat(1 << 20) + '\r\n';
    const t = theAlert(await deliver(s, u, 'anna@example.org', message(['From: anna@example.org', `To: ${u}`, 'Subject: urgent big'], body), 'INBOX'));
    expect(t.body).toMatch(/^A+$/);
    const stored = s.mailbox(u).find((m) => m.includes('Subject: urgent big'))!;
    expect(stored.length).toBeGreaterThan(1 << 20);
  });

  it('an X-Priority folded into "Bcc:" text, and a real Bcc header in the incoming mail: one alert to the target only', async () => {
    const s = server();
    theAlert(await deliver(s, u, 'anna@example.org',
      message(['From: anna@example.org', `To: ${u}`, 'Subject: priority', `X-Priority: 1 (Highest)\r\n Bcc: x@${EVIL}`], 'Hi.\r\n'), 'INBOX'));
    theAlert(await deliver(s, u, 'anna@example.org',
      message(['From: anna@example.org', `To: ${u}`, `Cc: c@${EVIL}`, `Bcc: b@${EVIL}`, 'Subject: prio', `X-Priority: 1\r\n\t(Highest)`], 'Hi.\r\n'), 'INBOX'));
  });

  it('the same hostile mail from a blocked TLD is filed into Junk with no alert', async () => {
    const s = server();
    const subject = `=?utf-8?B?${b64(`urgent\r\nBcc: x@${EVIL}`)}?=`;
    expect(await deliver(s, u, 'ivan@mail.ru', message(['From: ivan@mail.ru', `To: ${u}`, `Subject: ${subject}`, 'X-Priority: 1'], 'Hi.\r\n'), 'Junk')).toEqual([]);
    // A sender not on the lists with nothing alert-worthy: INBOX, nothing sent.
    expect(await deliver(s, u, 'anna@example.org', message(['From: anna@example.org', `To: ${u}`, 'Subject: lunch'], `&cc=x@${EVIL}\r\n`), 'INBOX')).toEqual([]);
  });

  itStopsCleanly(server);
});
