// The submit module (PROTOCOL.md §6.8) against real Dovecot over IMAP: the message is APPENDed
// to the staging mailbox, `XEXEC submit send <uid> ...` hands it to the MTA (the fixture's
// capturing sendmail, which records the -f sender and the recipients), the staged copy is
// expunged by the module through the server's own doveadm. Identity, limits, header checks,
// a 20 MB message, the idempotent retry and an MTA failure that loses nothing.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sendmailCapture, submitModule } from '../fixture/config.js';
import { defaultModules, header, USERS, type TestServer } from '../fixture/index.js';
import type { ImapClient } from '../imap-client.js';
import { itStopsCleanly, useServer, xexec, xexecAs as cmd, xexecOk as ok } from '../helpers.js';
import { newHome, run, tempDir } from './run.js';

const BOX = 'XEXEC Outbox';
const VECTORS = JSON.parse(fs.readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), '../../vectors/submit.json'), 'utf8')) as
  { offer: { lines: string[] }[] };
const ALIAS = 'sales@example.org';
const etc = (s: TestServer, f: string) => path.join(s.dir, 'etc', f);

const ERIN = 'erin@example.com';

const server = useServer({
  users: { [ERIN]: 'pass-erin' },
  modules: (dir) => {
    const common = [`--aliases=${path.join(dir, 'etc/submit-aliases')}`, `--log=${path.join(dir, 'etc/submit.log')}`];
    return [
      ...defaultModules(dir),
      // The MTA can be "down" (a flag file): the wrapper then exits 75 (EX_TEMPFAIL).
      submitModule(dir, [...common, '--max-recipients=3', '--max-size=21M', `--sendmail=${path.join(dir, 'etc/sendmail-flaky.sh')}`]),
      submitModule(dir, [...common, '--max-size=2k'], 'submitsmall'),
      submitModule(dir, [...common, '--per-hour=2'], 'submitcap'),
    ];
  },
});

/** The administrator's files, written once the server's folder exists. */
function prepare(s: TestServer): void {
  if (fs.existsSync(etc(s, 'submit-aliases'))) return;
  fs.writeFileSync(etc(s, 'submit-aliases'),
    `# login: addresses\n${USERS.alice}: ${ALIAS}, Alice.Example@example.net\n${USERS.bob}: bob.b@example.org\n${USERS.weird}: ohara@example.org\n`, { mode: 0o644 });
  fs.writeFileSync(etc(s, 'sendmail-flaky.sh'),
    `#!/bin/sh\n[ ! -e ${etc(s, 'mta-down')} ] || { echo 'mail system down' >&2; exit 75; }\nexec ${sendmailCapture(s.dir)} "$@"\n`, { mode: 0o755 });
}

/** A raw message (CRLF) from header lines and a body. */
const raw = (headers: string[], body = 'Hello.\r\n') => headers.join('\r\n') + '\r\n\r\n' + body;

/** APPENDs to the staging mailbox (created when missing, as the client does); the APPENDUID. */
async function stage(c: ImapClient, message: string | Buffer): Promise<number> {
  await c.command(`CREATE "${BOX}"`);
  const data = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
  const r = await c.command(Buffer.concat([Buffer.from(`APPEND "${BOX}" {${data.length}+}\r\n`), data]), { waitMs: 120_000 });
  const m = /\[APPENDUID \d+ (\d+)\]/.exec(r.text);
  if (!m) throw new Error(`APPEND: ${r.text}`);
  return Number(m[1]);
}

let tokens = 0;
const newToken = () => `t${process.pid}-${++tokens}`;

/** Stages `message` as `user` and sends it; the reply and the captures it added. */
async function send(s: TestServer, user: string, message: string | Buffer, args: string, o: { module?: string; token?: string } = {}) {
  prepare(s);
  const c = await s.login(user);
  try {
    const uid = await stage(c, message);
    const before = s.captured().length;
    const r = await xexec(c, `XEXEC ${o.module ?? 'submit'} send ${uid} ${o.token ?? newToken()} ${args}`);
    return { r, uid, sent: s.captured().slice(before) };
  } finally {
    await c.logout();
  }
}

const staged = (s: TestServer, user: string) => s.mailbox(user, BOX);

describe('submit over IMAP', () => {
  it('with no arguments: the mailbox, the limits and the addresses (the login first, then its aliases)', async () => {
    const s = server();
    prepare(s);
    const lines = await ok(s, USERS.alice, 'XEXEC submit');
    expect(lines).toEqual([
      `mailbox ${BOX}`, `max-size ${21 * 1048576}`, 'max-recipients 3', 'per-hour 200',
      `address ${USERS.alice}`, `address ${ALIAS}`, 'address alice.example@example.net']);
    // The vector the Thunderbird side parses is this very reply.
    expect(VECTORS.offer[0]?.lines).toEqual(lines);
    expect(await ok(s, USERS.carol, 'XEXEC submitcap')).toEqual([
      `mailbox ${BOX}`, 'max-size 26214400', 'max-recipients 100', 'per-hour 2', `address ${USERS.carol}`]);
  });

  it('sends: the envelope as given, Bcc (folded too) removed, a Message-ID added, the staged copy expunged, one log line', async () => {
    const s = server();
    const u = USERS.alice;
    const msg = raw(['From: "Alice, Example" <alice@example.com>', 'To: Bob <bob@example.com>', 'Cc: carol@example.com',
      'Bcc: secret@example.net,', ' hidden@example.net', 'Subject: plain', 'X-Keep: yes'], 'Hello Bob.\r\n\r\nBcc: not a header\r\n');
    const { r, sent } = await send(s, u, msg, `${u} bob@example.com carol@example.com secret@example.net`);
    expect(r.tagged, r.response.text).toMatchObject({ ok: true, code: null });
    expect(r.lines).toHaveLength(1);
    const id = /^sent (<xexec\.\d+\.[0-9a-f]{32}@example\.com>)$/.exec(r.lines[0]!)?.[1];
    expect(id).toBeDefined();
    expect(sent).toHaveLength(1);
    const m = sent[0]!;
    expect(m.args.slice(0, 3)).toEqual(['-i', '-f', u]);
    expect(m.sender).toBe(u);
    expect(m.recipients).toEqual(['bob@example.com', 'carol@example.com', 'secret@example.net']);
    expect(header(m.data, 'Message-ID')).toBe(id);
    expect(m.data.split('\n\n')[0]).not.toMatch(/^bcc:/im);
    expect(m.data).not.toContain('hidden@example.net');
    expect(header(m.data, 'X-Keep')).toBe('yes');
    expect(header(m.data, 'From')).toBe('"Alice, Example" <alice@example.com>');
    // The body as it was, its "Bcc:" line included.
    expect(m.data.split('\n\n').slice(1).join('\n\n')).toBe('Hello Bob.\n\nBcc: not a header\n');
    expect(staged(s, u)).toEqual([]);
    const log = fs.readFileSync(etc(s, 'submit.log'), 'utf8').trim().split('\n');
    expect(log[log.length - 1]).toMatch(new RegExp(`^\\S+Z user=${u} sent message-id=${id!.replace(/\./g, '\\.')} size=\\d+ recipients=3$`));
    expect(log.join('\n')).not.toMatch(/Hello|bob@example\.com|secret@/);
  });

  it('the idempotent retry: the same token sends nothing more and answers the first Message-ID; status tells', async () => {
    const s = server();
    const u = USERS.bob;
    const token = newToken();
    const msg = raw([`From: ${u}`, 'To: dave@example.com', 'Subject: once', 'Message-ID: <once.1@example.com>']);
    expect(await ok(s, u, `XEXEC submit status ${token}`)).toEqual(['unknown']);
    const first = await send(s, u, msg, `${u} dave@example.com`, { token });
    expect(first.r.lines).toEqual(['sent <once.1@example.com>']);
    expect(first.sent).toHaveLength(1);
    // Thunderbird re-sends after a dropped connection: the message staged again, the same token.
    const again = await send(s, u, msg, `${u} dave@example.com`, { token });
    expect(again.r.lines).toEqual(['sent <once.1@example.com>']);
    expect(again.sent).toEqual([]);
    expect(staged(s, u)).toEqual([]);
    // A retry whose staged copy is already gone (the UID of the first one).
    const c = await s.login(u);
    const third = await xexec(c, `XEXEC submit send ${first.uid} ${token} ${u} dave@example.com`);
    await c.logout();
    expect(third.lines).toEqual(['sent <once.1@example.com>']);
    expect(await ok(s, u, `XEXEC submit status ${token}`)).toEqual(['sent <once.1@example.com>']);
    // Another message under a sent token (a client's bug): nothing is sent, and it is not expunged.
    const other = raw([`From: ${u}`, 'To: dave@example.com', 'Subject: other', 'Message-ID: <other.1@example.com>']);
    const fourth = await send(s, u, other, `${u} dave@example.com`, { token });
    expect(fourth.r.lines).toEqual(['sent <once.1@example.com>']);
    expect(fourth.sent).toEqual([]);
    expect(staged(s, u)).toHaveLength(1);
    expect(s.captured().filter((m) => m.data.includes('<once.1@example.com>'))).toHaveLength(1);
  });

  it('two sessions sending under one token at the same time: one message goes out, both are told its Message-ID', async () => {
    const s = server();
    prepare(s);
    const u = ERIN;
    const token = newToken();
    const msg = raw([`From: ${u}`, 'To: x@example.com', 'Message-ID: <race@example.com>']);
    const [c1, c2] = [await s.login(u), await s.login(u)];
    try {
      const [uid1, uid2] = [await stage(c1, msg), await stage(c2, msg)];
      const replies = await Promise.all([
        xexec(c1, `XEXEC submit send ${uid1} ${token} ${u} x@example.com`),
        xexec(c2, `XEXEC submit send ${uid2} ${token} ${u} x@example.com`)]);
      expect(replies.map((r) => r.lines)).toEqual([['sent <race@example.com>'], ['sent <race@example.com>']]);
    } finally {
      await c1.logout();
      await c2.logout();
    }
    expect(s.captured().filter((m) => m.data.includes('<race@example.com>'))).toHaveLength(1);
    expect(staged(s, u).filter((m) => m.includes('<race@example.com>'))).toEqual([]);
  });

  it('a login that is not an address sends as its alias only; doveadm gets the login as one word', async () => {
    const s = server();
    const u = USERS.weird;
    expect(await ok(s, u, 'XEXEC submit')).toEqual([
      `mailbox ${BOX}`, `max-size ${21 * 1048576}`, 'max-recipients 3', 'per-hour 200', 'address ohara@example.org']);
    const { r, sent } = await send(s, u, raw(['From: ohara@example.org', 'Resent-Bcc: x@example.net']), 'ohara@example.org bob@example.com');
    expect(r.tagged, r.response.text).toMatchObject({ ok: true });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.data).not.toContain('x@example.net');
    expect(staged(s, u)).toEqual([]);
    // Without a staging mailbox at all (carol never created one here: a fresh user).
    const r2 = await cmd(s, USERS.carol, `XEXEC submitsmall send 7 ${newToken()} ${USERS.carol} bob@example.com`);
    expect(r2.tagged).toMatchObject({ ok: false, detail: 2, message: `There is no message 7 in the mailbox ${BOX}` });
  });

  it('identity: the envelope sender and every From/Sender address must be the user\'s; aliases, display names and encoded words are fine', async () => {
    const s = server();
    const u = USERS.alice;
    const refused = async (headers: string[], from: string, message: string) => {
      const before = staged(s, u).length;
      const { r, sent } = await send(s, u, raw(headers), `${from} bob@example.com`);
      expect(r.tagged, headers.join(' | ')).toMatchObject({ ok: false, code: 'XEXEC-EXIT', detail: 2, message });
      expect(sent).toEqual([]);
      expect(staged(s, u)).toHaveLength(before + 1);
    };
    await refused([`From: ${u}`], 'bob@example.com', 'You may not send as bob@example.com; use one of your own addresses');
    await refused(['From: Bob <bob@example.com>'], u,
      'You may not send as bob@example.com (the message\'s from header); use one of your own addresses');
    await refused([`From: ${u}, mallory@evil.example`], u,
      'You may not send as mallory@evil.example (the message\'s from header); use one of your own addresses');
    // The quoted text is a display name, the angle address is what counts.
    await refused([`From: "${u}" <mallory@evil.example>`], u,
      'You may not send as mallory@evil.example (the message\'s from header); use one of your own addresses');
    await refused([`From: ${u} <mallory@evil.example>`], u,
      'You may not send as mallory@evil.example (the message\'s from header); use one of your own addresses');
    await refused([`From: ${u}`, 'Sender: other@example.com'], u,
      'You may not send as other@example.com (the message\'s sender header); use one of your own addresses');
    await refused([`From: ${u}`, `From: ${u}`], u, 'The message must have exactly one From header field');
    await refused(['To: bob@example.com'], u, 'The message must have exactly one From header field');
    await refused(['From: undisclosed:;'], u, 'The From header field has no address');
    await refused([`From: "unterminated <${u}>`], u, 'The from header field could not be read as a list of addresses');
    await refused([`From: <${u}> <mallory@evil.example>`], u, 'The from header field could not be read as a list of addresses');
    // Allowed: an alias from the administrator's file (any case), an encoded display name, a
    // comment, two own addresses, a folded From.
    const okFrom = async (headers: string[], from: string) => {
      const { r, sent } = await send(s, u, raw(headers), `${from} bob@example.com`);
      expect(r.tagged, `${headers.join(' | ')}: ${r.response.text}`).toMatchObject({ ok: true });
      expect(sent).toHaveLength(1);
      expect(sent[0]!.sender).toBe(from);
    };
    await okFrom(['From: =?utf-8?q?Verkauf_M=C3=BCller?= <Sales@Example.org>'], 'SALES@example.org');
    await okFrom([`From: ${u} (Alice)`], u);
    await okFrom([`From: Alice <${u}>,`, ` "Sales" <${ALIAS}>`, `Sender: ${u}`], ALIAS);
    // bob's alias is not alice's.
    await refused([`From: ${u}`], 'bob.b@example.org', 'You may not send as bob.b@example.org; use one of your own addresses');
    expect(fs.readFileSync(etc(s, 'submit.log'), 'utf8')).toMatch(new RegExp(`user=${u} refused reason=from-header`));
  });

  it('limits: recipients (none, too many, not an address), size, and the hourly cap (exit 1)', async () => {
    const s = server();
    const u = USERS.dave;
    const msg = raw([`From: ${u}`, 'To: x@example.com', 'Subject: limits']);
    const no = async (args: string, detail: number, message: string, module = 'submit') => {
      const { r, sent } = await send(s, u, msg, args, { module });
      expect(r.tagged, args).toMatchObject({ ok: false, detail, message });
      expect(sent).toEqual([]);
    };
    await no(`${u}`, 2, 'The message has no recipient');
    await no(`${u} a@example.com b@example.com c@example.com d@example.com`, 2, 'The message has 4 recipients; at most 3 are allowed');
    await no(`${u} a@example.com -oQ/tmp@example.com`, 2, 'Recipient 2 \'-oQ/tmp@example.com\' is not a valid address');
    await no(`${u} "a@example.com b@example.com"`, 2, 'Recipient 1 \'a@example.com b@example.com\' is not a valid address');
    await no(`${u} nobody`, 2, 'Recipient 1 \'nobody\' is not a valid address');
    // A line break in a recipient (the encoded form carries one) never splits it into two.
    const enc = '~' + Buffer.from('a@example.com\nb@example.com').toString('base64url');
    await no(`${u} ${enc}`, 2, 'Recipient 1 \'a@example.com?b@example.com\' is not a valid address');
    const big = raw([`From: ${u}`, 'To: x@example.com'], 'x'.repeat(3000) + '\r\n');
    const { r } = await send(s, u, big, `${u} x@example.com`, { module: 'submitsmall' });
    expect(r.tagged).toMatchObject({ ok: false, detail: 2 });
    expect(r.tagged.message).toMatch(/^The message is \d+ bytes; at most 2048 are allowed$/);
    expect(staged(s, u).length).toBeGreaterThan(0);
    // The hourly cap, for this account only (carol has her own count).
    const c = USERS.carol;
    const cmsg = raw([`From: ${c}`, 'To: x@example.com', 'Subject: cap']);
    for (let i = 0; i < 2; i++) {
      expect((await send(s, c, cmsg, `${c} x@example.com`, { module: 'submitcap' })).sent).toHaveLength(1);
    }
    const over = await send(s, c, cmsg, `${c} x@example.com`, { module: 'submitcap' });
    expect(over.r.tagged).toMatchObject({ ok: false, detail: 1, message: 'The hourly sending limit is reached; try again later' });
    expect(over.sent).toEqual([]);
    expect(staged(s, c)).toHaveLength(1);
    expect((await send(s, u, msg, `${u} x@example.com`, { module: 'submitcap' })).sent).toHaveLength(1);
  });

  it('header injection: a line that is no field, a bare CR, a leading continuation, a NUL are refused; bad arguments too', async () => {
    const s = server();
    const u = USERS.alice;
    const no = async (message: string | Buffer, text: string) => {
      const { r, sent } = await send(s, u, message, `${u} bob@example.com`);
      expect(r.tagged, JSON.stringify(message.toString().slice(0, 80))).toMatchObject({ ok: false, detail: 2, message: text });
      expect(sent).toEqual([]);
    };
    await no(raw([`From: ${u}`, 'To: bob@example.com', 'Bcc evil@example.net']),
      'Line 3 of the message header is neither a header field nor a continuation line');
    await no(raw([`From ${u} Thu Dec  3 10:00:00 2026`, `From: ${u}`]),
      'Line 1 of the message header is neither a header field nor a continuation line');
    await no(raw([`From: ${u}`, 'Subject: a\rBcc: evil@example.net']), 'Line 2 of the message header contains a bare carriage return');
    await no(raw([' folded: first', `From: ${u}`]), 'The message header starts with a continuation line');
    await no(raw([`From: ${u}`, 'Subject: two', 'Message-ID: <a@x>', 'Message-ID: <b@x>']), 'The message must have at most one Message-ID header field');
    await no(raw([`From: ${u}`, 'Message-ID:  ']), 'The message\'s Message-ID header field is empty');
    const c = await s.login(u);
    const bad = async (args: string, message: string) => {
      const r = await xexec(c, `XEXEC submit ${args}`);
      expect(r.tagged, args).toMatchObject({ ok: false, detail: 2, message });
    };
    await bad(`send 1x ${newToken()} ${u} bob@example.com`, 'The message UID must be a positive number');
    await bad(`send 0 ${newToken()} ${u} bob@example.com`, 'The message UID must be a positive number');
    await bad(`send 1 "a b" ${u} bob@example.com`, 'The token must be 1 to 128 letters, digits or . _ - @ + =');
    await bad(`send 1 ${'t'.repeat(129)} ${u} bob@example.com`, 'The token must be 1 to 128 letters, digits or . _ - @ + =');
    await bad(`send 4000000 ${newToken()} ${u} bob@example.com`, `There is no message 4000000 in the mailbox ${BOX}`);
    await bad('frobnicate', 'Unknown command \'frobnicate\': use send or status');
    await c.logout();
    // A NUL: an ordinary literal cannot carry one, BINARY's literal8 (RFC 3516) can, and both
    // Dovecots store it; the module refuses it.
    const withNul = Buffer.from(raw([`From: ${u}`, 'Subject: nul'], 'a\0b\r\n'));
    const c2 = await s.login(u);
    const ap = await c2.command(Buffer.concat([Buffer.from(`APPEND "${BOX}" ~{${withNul.length}+}\r\n`), withNul]));
    await c2.logout();
    const uid = /\[APPENDUID \d+ (\d+)\]/.exec(ap.text)?.[1];
    expect(uid, ap.text).toBeDefined();
    const before = s.captured().length;
    const r = await cmd(s, u, `XEXEC submit send ${uid} ${newToken()} ${u} bob@example.com`);
    expect(r.tagged).toMatchObject({ ok: false, detail: 2, message: 'The message contains a NUL byte' });
    expect(s.captured()).toHaveLength(before);
  });

  it('a 20 MB message goes out whole', async () => {
    const s = server();
    const u = USERS.bob;
    const line = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/ABCDEFGHIJKL\r\n';
    const body = line.repeat(Math.ceil(20 * 1024 * 1024 / line.length));
    const msg = raw([`From: ${u}`, 'To: x@example.com', 'Subject: big', 'Message-ID: <big@example.com>'], body);
    expect(msg.length).toBeGreaterThan(20 * 1024 * 1024);
    const { r, sent } = await send(s, u, msg, `${u} x@example.com`);
    expect(r.tagged, r.response.text).toMatchObject({ ok: true });
    expect(r.lines).toEqual(['sent <big@example.com>']);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.data).toBe(msg.replace(/\r\n/g, '\n'));
    expect(staged(s, u).filter((m) => m.includes('<big@example.com>'))).toEqual([]);
  });

  it('the MTA fails (exit 75): exit 1, the staged copy kept, the token not recorded; once it works, one message goes out', async () => {
    const s = server();
    prepare(s);
    const u = USERS.dave;
    const token = newToken();
    const msg = raw([`From: ${u}`, 'To: x@example.com', 'Subject: tempfail', 'Message-ID: <tempfail@example.com>']);
    fs.writeFileSync(etc(s, 'mta-down'), '');
    const c = await s.login(u);
    try {
      const uid = await stage(c, msg);
      const before = staged(s, u).length;
      const down = await xexec(c, `XEXEC submit send ${uid} ${token} ${u} x@example.com`);
      expect(down.tagged).toMatchObject({ ok: false, code: 'XEXEC-EXIT', detail: 1,
        message: 'The mail server did not accept the message (sendmail exit status 75); it is kept, try again later' });
      expect(staged(s, u)).toHaveLength(before);
      expect((await xexec(c, `XEXEC submit status ${token}`)).lines).toEqual(['unknown']);
      expect(s.captured().filter((m) => m.data.includes('<tempfail@example.com>'))).toEqual([]);
      fs.rmSync(etc(s, 'mta-down'));
      const up = await xexec(c, `XEXEC submit send ${uid} ${token} ${u} x@example.com`);
      expect(up.lines).toEqual(['sent <tempfail@example.com>']);
      const again = await xexec(c, `XEXEC submit send ${uid} ${token} ${u} x@example.com`);
      expect(again.lines).toEqual(['sent <tempfail@example.com>']);
      expect(staged(s, u)).toHaveLength(before - 1);
    } finally {
      await c.logout();
    }
    expect(s.captured().filter((m) => m.data.includes('<tempfail@example.com>'))).toHaveLength(1);
    expect(fs.readFileSync(etc(s, 'submit.log'), 'utf8')).toMatch(/user=dave@example\.com failed message-id=<tempfail@example\.com> size=\d+ recipients=1 sendmail-exit=75/);
  });

  itStopsCleanly(server);
});

// The administrator's options and the commands that need no message, run directly as the plugin
// runs a module (run.ts).
describe('submit: options and read-only commands', () => {
  const offer = (options: string[], user = 'u@example.org') => run('submit', user, [], { options, home: newHome() });

  it('options are checked; the offer shows them', () => {
    expect(offer(['--mailbox=Staging', '--max-size=1k', '--max-recipients=10000', '--per-hour=1']).lines).toEqual(
      ['mailbox Staging', 'max-size 1024', 'max-recipients 10000', 'per-hour 1', 'address u@example.org']);
    for (const [o, message] of [
      ['--max-size=12x', '--max-size must be a number of bytes, optionally with k or M (server configuration error)'],
      ['--max-size=0', '--max-size must be a number of bytes, optionally with k or M (server configuration error)'],
      ['--max-recipients=10001', '--max-recipients must be a number from 1 to 10000 (server configuration error)'],
      ['--per-hour=0', '--per-hour must be a number from 1 to 100000 (server configuration error)'],
      ['--sendmail=sendmail', '--sendmail must be an absolute path (server configuration error)'],
      ['--log=submit.log', '--log must be syslog, none or an absolute path (server configuration error)'],
      ['--aliases=aliases', '--aliases must be an absolute path (server configuration error)'],
      ['--colour=red', 'Unknown module option --colour (server configuration error)'],
    ] as const) {
      const r = offer([o]);
      expect({ status: r.status, message: r.message }, o).toEqual({ status: 2, message });
    }
    const twice = offer(['--per-hour=1', '--per-hour=2']);
    expect(twice.message).toBe('Module option --per-hour is given twice (server configuration error)');
  });

  it('the aliases file: the login\'s line (the last ":" ends the login), invalid addresses left out; unreadable is an error', () => {
    const d = tempDir('xexec-submit-');
    const file = path.join(d, 'aliases');
    fs.writeFileSync(file, '# comment\nweird:login: A@Example.org, not-an-address,\tb@example.org\nother@example.org: c@example.org\n');
    expect(offer([`--aliases=${file}`], 'weird:login').lines.filter((l) => l.startsWith('address '))).toEqual(
      ['address a@example.org', 'address b@example.org']);
    const r = offer([`--aliases=${path.join(d, 'missing')}`]);
    expect({ status: r.status, message: r.message }).toEqual(
      { status: 1, message: 'The server\'s list of sending addresses cannot be read (server configuration error)' });
    const none = run('submit', 'nobody-here', ['send', '1', 't', 'x@example.org', 'y@example.org'], { home: newHome() });
    expect({ status: none.status, message: none.message }).toEqual(
      { status: 2, message: 'This account has no address it may send as (server configuration error)' });
  });

  it('status: unknown for a token never sent (also without a home), refused for a malformed one', () => {
    expect(run('submit', 'u@example.org', ['status', 'abc'], { home: newHome() }).lines).toEqual(['unknown']);
    expect(run('submit', 'u@example.org', ['status', 'abc'], { home: null }).lines).toEqual(['unknown']);
    const r = run('submit', 'u@example.org', ['status', 'a/b'], { home: newHome() });
    expect({ status: r.status, message: r.message }).toEqual({ status: 2, message: 'The token must be 1 to 128 letters, digits or . _ - @ + =' });
  });
});
