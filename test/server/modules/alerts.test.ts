// The alerts module (PROTOCOL.md §6.6) against real Dovecot + Pigeonhole, over LMTP: the
// target confirmed by the code from the sendmail capture (nothing else goes there before), one
// short notification per matching message (Sieve enotify, mailto) with the sender, the subject and
// the first characters under the administrator's length cap, the hourly cap, each condition, and
// the order with the lists, vacation and forwarding; an administrator's narrowed --target-domains
// suspending a confirmed target outside them.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { alertsModule, defaultModules, header, mailIds, USERS, type Captured, type TestServer } from '../fixture/index.js';
import { alertText, itStopsCleanly, useServer, xexecAs as cmd, xexecOk as ok } from '../helpers.js';
import { inDovecot, moduleEnv } from './run.js';

const TARGET = 'boss@sms.example';
const FROM = 'alerts@example.com';
const LENGTH = 80;
const CAP = 3;
const EXTRA = ['erin', 'frank', 'gina', 'hugo', 'ida', 'jack', 'kim'].map((n) => `${n}@example.com`);
const OPTIONS = [`--max-per-hour=${CAP}`, `--length=${LENGTH}`, `--from=${FROM}`];
/** The same module after the administrator narrowed the target domains (TARGET is outside them). */
const NARROW = [...OPTIONS, '--target-domains=pager.example'];

const server = useServer({
  modules: (dir) => [...defaultModules(dir), alertsModule(dir, OPTIONS), alertsModule(dir, NARROW, 'alertsnarrow')],
  users: Object.fromEntries(EXTRA.map((u) => [u, 'pass-' + u])),
});

/** What the capture holds for `to` (codes and alerts), after `from` (an index into captured()). */
const sentTo = (s: TestServer, to: string, from = 0): Captured[] =>
  s.captured().slice(from).filter((m) => m.recipients.includes(to));

/** Delivers; the message must be stored (an alert never replaces delivery). Returns the new captures. */
async function deliver(s: TestServer, user: string, o: { from?: string; subject?: string; body?: string; headers?: Record<string, string>; raw?: string }) {
  const before = s.captured().length;
  const res = await s.deliver({ from: o.from ?? 'someone@example.org', to: user, subject: o.subject ?? 'hello', body: o.body, headers: o.headers, raw: o.raw });
  for (const r of res.dataReplies) expect(r, res.transcript.join('\n')).toMatch(/^250 /);
  return s.captured().slice(before);
}

const codeOf = (m: Captured): string => /^Subject: Mail alert code (\d{6})$/m.exec(m.data)![1]!;

/** set target=TARGET plus keys; the one code message; confirm it. */
async function confirmed(s: TestServer, user: string, keys: string, target = TARGET): Promise<void> {
  const before = s.captured().length;
  await ok(s, user, `XEXEC alerts set target=${target} ${keys}`);
  const codes = sentTo(s, target, before);
  expect(codes).toHaveLength(1);
  expect(await ok(s, user, `XEXEC alerts confirm ${codeOf(codes[0]!)}`)).toContain('confirmed yes');
}


describe('alerts over LMTP', () => {
  it('an unconfirmed target gets nothing but the code; a wrong code is refused; the right one confirms, then alerts flow', async () => {
    const s = server();
    const u = USERS.alice;
    const before = s.captured().length;
    const lines = await ok(s, u, `XEXEC alerts set target=Boss@SMS.example words=urgent`);
    expect(lines).toEqual(['status on', `target ${TARGET}`, 'confirmed no', 'word urgent', 'urgent no', 'contacts no', `max-per-hour ${CAP}`]);
    const codes = sentTo(s, TARGET, before);
    expect(codes).toHaveLength(1);
    const m = codes[0]!;
    // The code message: from the administrator's address, short, plain UTF-8 text, automatic.
    expect(m.sender).toBe(FROM);
    expect(header(m.data, 'From')).toBe(FROM);
    expect(header(m.data, 'To')).toBe(TARGET);
    expect(header(m.data, 'Auto-Submitted')).toBe('auto-generated');
    expect(header(m.data, 'Content-Type')).toBe('text/plain; charset=utf-8');
    expect(header(m.data, 'Date')).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/);
    const code = codeOf(m);
    expect(m.data).toContain(`Code ${code}: ${u} wants mail alerts sent to this address.`);
    // Before the code: a matching message goes nowhere but the INBOX.
    expect(await deliver(s, u, { subject: 'urgent: before confirming' })).toEqual([]);
    // A wrong code (exit 2, tries left), a code that is not 6 digits.
    const wrong = code === '000000' ? '111111' : '000000';
    const r = await cmd(s, u, `XEXEC alerts confirm ${wrong}`);
    expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-EXIT', detail: 2 });
    expect(r.tagged.message).toBe(`That is not the code sent to ${TARGET}; 4 tries left`);
    expect((await cmd(s, u, 'XEXEC alerts confirm 12345')).tagged.message).toBe('The confirmation code is the 6 digits sent to the target address');
    expect(await ok(s, u, 'XEXEC alerts show')).toContain('confirmed no');
    expect(await deliver(s, u, { subject: 'urgent: still not confirmed' })).toEqual([]);
    // The right one.
    expect(await ok(s, u, `XEXEC alerts confirm ${code}`)).toEqual(
      ['status on', `target ${TARGET}`, 'confirmed yes', 'word urgent', 'urgent no', 'contacts no', `max-per-hour ${CAP}`]);
    const again = await cmd(s, u, `XEXEC alerts confirm ${code}`);
    expect(again.tagged).toMatchObject({ ok: false, detail: 1, message: 'The target address is already confirmed' });
    const sent = await deliver(s, u, { from: 'anna@example.org', subject: 'Urgent: the report', body: 'Please read it today.\nThanks, Anna' });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.recipients).toEqual([TARGET]);
    expect(header(sent[0]!.data, 'From')).toBe(FROM);
    expect(header(sent[0]!.data, 'Auto-Submitted')).toMatch(/^auto-notified/);
    expect(alertText(sent[0]!)).toEqual({ subject: 'anna@example.org: Urgent: the report', body: 'Please read it today.\nThanks, Anna' });
    expect(s.mailbox(u, 'INBOX').filter((x) => x.includes('Subject: Urgent: the report'))).toHaveLength(1);
    // Off keeps everything but sends nothing.
    expect((await ok(s, u, 'XEXEC alerts off'))[0]).toBe('status off');
    expect(await deliver(s, u, { subject: 'urgent: while off' })).toEqual([]);
  });

  it('the text is short: sender, subject, first characters, at most --length characters, never a cut character', async () => {
    const s = server();
    const u = USERS.bob;
    await confirmed(s, u, 'words=report');
    const body = 'Съешь же ещё этих мягких французских булок, да выпей чаю. '.repeat(10);
    const [m] = await deliver(s, u, { from: 'ivan@example.org', subject: 'Monthly report', body, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    const t = alertText(m!);
    expect(t.subject).toBe('ivan@example.org: Monthly report');
    expect(body.startsWith(t.body)).toBe(true);
    expect(t.body.length).toBeGreaterThan(10);
    // Together at most LENGTH characters (the line break between them counted as two).
    expect([...t.subject].length + 2 + [...t.body].length).toBeLessThanOrEqual(LENGTH);
    // A long subject is cut inside the subject: no body then.
    const long = 'report ' + 'ü'.repeat(200);
    const [m2] = await deliver(s, u, { from: 'ivan@example.org', subject: `=?utf-8?B?${Buffer.from(long).toString('base64')}?=`, body: 'x' });
    const t2 = alertText(m2!);
    expect(t2.body).toBe('');
    expect(`ivan@example.org: ${long}`.startsWith(t2.subject)).toBe(true);
    expect([...t2.subject].length).toBeLessThanOrEqual(LENGTH);
    expect(t2.subject).not.toContain('\ufffd');
  });

  it('the first characters come from the text: of an HTML-only message its text, of a multipart the text part', async () => {
    const s = server();
    const u = EXTRA[4]!;
    await confirmed(s, u, 'words=report');
    const html = ['From: ivan@example.org', `To: ${u}`, 'Subject: html report', 'MIME-Version: 1.0',
      'Content-Type: text/html; charset=utf-8', '', '<html><body><p>Hello <b>Bob</b></p></body></html>', ''].join('\r\n');
    expect(alertText((await deliver(s, u, { from: 'ivan@example.org', raw: html }))[0]!).body.trim()).toBe('Hello Bob');
    const multi = ['From: ivan@example.org', `To: ${u}`, 'Subject: the report', 'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"', '', '--b', 'Content-Type: text/plain; charset=utf-8', '',
      'The text part.', '--b', 'Content-Type: application/pdf', 'Content-Transfer-Encoding: base64', '', 'JVBERi0=', '--b--', ''].join('\r\n');
    expect(alertText((await deliver(s, u, { from: 'ivan@example.org', raw: multi }))[0]!).body).toBe('The text part.');
  });

  it(`the hourly cap holds: ${CAP + 2} matching messages, ${CAP} alerts; automatic mail takes no slot`, async () => {
    const s = server();
    const u = USERS.carol;
    await confirmed(s, u, 'urgent=yes');
    const auto = await deliver(s, u, { subject: 'auto', headers: { 'X-Priority': '1', 'Auto-Submitted': 'auto-replied' } });
    expect(auto).toEqual([]);
    const counts: number[] = [];
    for (let i = 0; i < CAP + 2; i++) {
      counts.push((await deliver(s, u, { subject: `message ${i}`, headers: { 'X-Priority': '1 (Highest)' } })).length);
    }
    expect(counts).toEqual([...Array(CAP).fill(1), 0, 0]);
    expect(s.mailbox(u).length).toBe(CAP + 3);
  });

  it('conditions: none matching gets none; words in any case; urgent headers; senders (From or envelope, @domain exactly)', async () => {
    const s = server();
    const u = USERS.dave;
    await confirmed(s, u, '"words=Budget,board meeting" urgent=yes senders=@partner.example,ceo@example.net');
    const n = async (o: Parameters<typeof deliver>[2]) => (await deliver(s, u, o)).length;
    expect(await n({ subject: 'lunch?' })).toBe(0);
    expect(await n({ subject: 'the BUDGET for 2027' })).toBe(1);
    expect(await n({ subject: 'Re: "Board Meeting" moved' })).toBe(1);
    expect(await n({ subject: 'board  meeting' })).toBe(0);
    expect(await n({ subject: 'a', headers: { 'X-Priority': '2 (High)' } })).toBe(1);
    // (the cap of this server is 3 an hour: a new user for the rest)
    const v = EXTRA[0]!;
    await confirmed(s, v, 'urgent=yes senders=@partner.example,ceo@example.net');
    const m = async (o: Parameters<typeof deliver>[2]) => (await deliver(s, v, o)).length;
    expect(await m({ subject: 'b', headers: { 'X-Priority': '3 (Normal)', Importance: 'normal' } })).toBe(0);
    expect(await m({ subject: 'c', headers: { Importance: 'High' } })).toBe(1);
    expect(await m({ subject: 'd', headers: { Priority: 'urgent' } })).toBe(1);
    const w = EXTRA[1]!;
    await confirmed(s, w, 'senders=@partner.example,ceo@example.net');
    const k = async (o: Parameters<typeof deliver>[2]) => (await deliver(s, w, o)).length;
    expect(await k({ from: 'x@mail.partner.example' })).toBe(0);
    expect(await k({ from: 'x@partner.example' })).toBe(1);
    expect(await k({ from: 'bounce@lists.example', headers: { From: 'CEO <ceo@example.net>' } })).toBe(1);
    expect(await k({ from: 'ceo@example.net', headers: { From: 'assistant@example.org' } })).toBe(1);
  });

  it('contacts=yes alerts on the trusted contacts (alerts contacts set); mail the blacklist or the spam module files into Junk gets no alert', async () => {
    const s = server();
    const u = EXTRA[2]!;
    await confirmed(s, u, 'contacts=yes words=urgent');
    expect((await ok(s, u, 'XEXEC alerts contacts set Anna@Example.org')).slice(0, 3)).toEqual(['status on', `target ${TARGET}`, 'confirmed yes']);
    expect(await ok(s, u, 'XEXEC alerts contacts list')).toEqual(['anna@example.org']);
    expect(await ok(s, u, 'XEXEC spam contacts list')).toEqual(['anna@example.org']);
    expect((await deliver(s, u, { from: 'stranger@example.org' })).length).toBe(0);
    expect((await deliver(s, u, { from: 'anna@example.org' })).length).toBe(1);
    // The blacklist files into Junk and stops: no alert, also when a condition matches.
    await ok(s, u, 'XEXEC blacklist add spammer@example.net');
    expect((await deliver(s, u, { from: 'spammer@example.net', subject: 'URGENT!!!' })).length).toBe(0);
    expect(s.mailbox(u, 'Junk')).toHaveLength(1);
    expect((await deliver(s, u, { from: 'other@example.net', subject: 'urgent' })).length).toBe(1);
    // So does the spam module: at allowed-only a stranger's urgent mail goes to Junk, unnoticed;
    // a trusted contact passes and is alerted (the cap of 3 is reached with it).
    await ok(s, u, 'XEXEC spam set level=allowed-only');
    expect((await deliver(s, u, { from: 'stranger@example.net', subject: 'urgent' })).length).toBe(0);
    expect(s.mailbox(u, 'Junk')).toHaveLength(2);
    expect((await deliver(s, u, { from: 'anna@example.org', subject: 'urgent' })).length).toBe(1);
  });

  it('an alert stops nothing: the vacation reply and forwarding still happen', async () => {
    const s = server();
    const u = EXTRA[3]!;
    await confirmed(s, u, 'words=urgent');
    await ok(s, u, 'XEXEC vacation set body=away days=1');
    await ok(s, u, 'XEXEC forwardmail set copy@example.net keep');
    const sent = await deliver(s, u, { from: 'person@example.net', subject: 'urgent' });
    expect(sent.map((m) => m.recipients.join(',')).sort()).toEqual(['copy@example.net', 'person@example.net', TARGET].sort());
    expect(s.mailbox(u).length).toBe(1);
  });

  const STATE = ['status on', `target ${TARGET}`, 'confirmed yes', 'word urgent', 'urgent no', 'contacts no', `max-per-hour ${CAP}`];
  const SUSPENDED = [...STATE, 'target-domain pager.example', 'target-allowed no'];

  it('narrowed target domains: from the module\'s next run a confirmed target outside them gets no alert and the state says so; another module keeps it so; allowed again, alerts resume without a new code', async () => {
    const s = server();
    const u = EXTRA[5]!;
    await confirmed(s, u, 'words=urgent');
    expect(await deliver(s, u, { subject: 'urgent: allowed' })).toHaveLength(1);
    const before = s.captured().length;
    // The administrator's narrowed configuration runs for this user: any command, show included.
    expect(await ok(s, u, 'XEXEC alertsnarrow show')).toEqual(SUSPENDED);
    expect(await deliver(s, u, { subject: 'urgent: outside the domains' })).toEqual([]);
    // Every module regenerates the script from the stored state, domains included.
    await ok(s, u, 'XEXEC blacklist add pest@example.net');
    expect(await deliver(s, u, { subject: 'urgent: after another module' })).toEqual([]);
    expect(await ok(s, u, 'XEXEC alertsnarrow set urgent=yes')).toEqual(SUSPENDED.map((l) => l === 'urgent no' ? 'urgent yes' : l));
    expect(await deliver(s, u, { subject: 'urgent: after set', headers: { 'X-Priority': '1' } })).toEqual([]);
    expect(sentTo(s, TARGET, before)).toEqual([]);
    expect(s.mailbox(u).filter((m) => /^Subject: urgent: /m.test(m))).toHaveLength(4);
    // Allowed again (the configuration without domains): the target was never unconfirmed.
    expect(await ok(s, u, 'XEXEC alerts show')).toEqual(STATE.map((l) => l === 'urgent no' ? 'urgent yes' : l));
    const sent = await deliver(s, u, { subject: 'urgent: allowed again' });
    expect(sent.map((m) => m.recipients)).toEqual([[TARGET]]);
    expect(sentTo(s, TARGET, before)).toHaveLength(1);
  });

  it('narrowed target domains applied at once: the module\'s show run for a user as the mail user (SERVER.md\'s loop) suspends the target before any command of the user', async () => {
    const s = server();
    const u = EXTRA[6]!;
    await confirmed(s, u, 'words=urgent');
    // alertsModule's command line with the narrowed options, as the administrator's loop runs it.
    const words = alertsModule(s.dir, NARROW).command.split(' ').filter((w) => w !== '%u');
    const { uid, gid } = mailIds();
    const env = moduleEnv(u, 'alerts', { home: s.home(u) });
    const r = spawnSync(...inDovecot('sh', [...words, u, 'show'], s.home(u), env, { server: s, uid, gid }),
      { env, cwd: s.home(u), encoding: 'utf8' });
    expect([r.status, r.stderr, r.stdout.split('\n').filter((l) => l !== '')]).toEqual([0, '', SUSPENDED]);
    expect(await deliver(s, u, { subject: 'urgent: after the loop' })).toEqual([]);
    expect(s.mailbox(u).filter((m) => m.includes('Subject: urgent: after the loop'))).toHaveLength(1);
  });

  itStopsCleanly(server);
});
