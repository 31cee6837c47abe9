// The rules module (PROTOCOL.md §6.7) against real Dovecot + Pigeonhole, over IMAP and LMTP: each
// condition and each action seen on delivered mail (the folder it lands in, its \Seen and \Flagged
// flags in the maildir file name, the forwarded copy in the sendmail capture, a deleted message
// nowhere), several rules with stop, a disabled rule, an order change that changes the outcome,
// the merged order with the allow and block lists, spam, forwarding and vacation, folder names
// that round-trip through IMAP's modified UTF-7, two sessions adding at once, check and the limit.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultModules, rulesModule, USERS, type TestServer } from '../fixture/index.js';
import { itStopsCleanly, useServer, xexecAs as cmd, xexecOk as ok } from '../helpers.js';

const EXTRA = ['erin', 'frank', 'gina', 'hugo', 'ida', 'jo', 'kim', 'lou'].map((n) => `${n}@example.com`);
const server = useServer({
  modules: (dir) => [...defaultModules(dir), rulesModule(dir, ['--max-rules=50']), rulesModule(dir, ['--max-rules=2'], 'rules2')],
  users: Object.fromEntries(EXTRA.map((u) => [u, 'pass-' + u])),
});

/** An IMAP literal (LITERAL+) of a rule's text, which has line breaks. */
const lit = (t: string) => `{${Buffer.byteLength(t)}+}\r\n${t}`;

/** rules add; returns the new id. */
async function add(s: TestServer, user: string, rule: string, module = 'rules'): Promise<number> {
  const lines = await ok(s, user, `XEXEC ${module} add ${lit(rule)}`);
  expect(lines[0]).toMatch(/^added \d+$/);
  return Number(lines[0]!.slice(6));
}

/** IMAP's modified UTF-7 (RFC 3501 §5.1.3). */
export function mutf7(name: string): string {
  return name.replace(/&/g, '&-').replace(/[^\x20-\x7e]+/g, (run) => {
    const u = Buffer.alloc(run.length * 2);
    for (let i = 0; i < run.length; i++) u.writeUInt16BE(run.charCodeAt(i), i * 2);
    return '&' + u.toString('base64').replace(/=+$/, '').replace(/\//g, ',') + '-';
  }).replace(/&-&/g, '&-&');
}

export function unmutf7(name: string): string {
  return name.replace(/&([^-]*)-/g, (_, b: string) => {
    if (b === '') return '&';
    const u = Buffer.from(b.replace(/,/g, '/'), 'base64');
    let s = '';
    for (let i = 0; i + 1 < u.length; i += 2) s += String.fromCharCode(u.readUInt16BE(i));
    return s;
  });
}

interface Stored { subject: string; flags: string }

/** The messages of a folder (its UTF-8 name, "." the hierarchy separator): subject and maildir flags. */
function folder(s: TestServer, user: string, name: string): Stored[] {
  const root = path.join(s.home(user), 'Maildir');
  const dir = name === 'INBOX' ? root : path.join(root, '.' + mutf7(name));
  const out: Stored[] = [];
  for (const sub of ['new', 'cur']) {
    const d = path.join(dir, sub);
    if (!fs.existsSync(d)) continue;
    for (const n of fs.readdirSync(d).sort()) {
      const text = fs.readFileSync(path.join(d, n), 'utf8');
      out.push({ subject: /^Subject: (.*)$/m.exec(text)?.[1]?.replace(/\r$/, '') ?? '', flags: /:2,([A-Za-z]*)$/.exec(n)?.[1] ?? '' });
    }
  }
  return out;
}
const subjects = (s: TestServer, u: string, f: string) => folder(s, u, f).map((m) => m.subject).sort();

/** The folders IMAP lists, decoded to UTF-8. */
async function listFolders(s: TestServer, user: string): Promise<string[]> {
  const c = await s.login(user);
  try {
    const r = await c.command('LIST "" "*"');
    return r.untagged.map((l) => l.toString('utf8')).filter((l) => l.startsWith('* LIST '))
      .map((l) => {
        const m = /"((?:[^"\\]|\\.)*)"\r?\n?$/.exec(l) ?? /([^ ]+)\r?\n?$/.exec(l);
        return unmutf7(m![1]!.replace(/\\(.)/g, '$1'));
      }).sort();
  } finally {
    await c.logout();
  }
}

async function deliver(s: TestServer, user: string, o: { from?: string; subject: string; body?: string; headers?: Record<string, string>; raw?: string }) {
  const before = s.captured().length;
  const res = await s.deliver({ from: o.from ?? 'someone@example.org', to: user, subject: o.subject, body: o.body, headers: o.headers, raw: o.raw });
  for (const r of res.dataReplies) expect(r, res.transcript.join('\n')).toMatch(/^250 /);
  return s.captured().slice(before);
}

const MIXED = (subject: string) => [
  'From: someone@example.org', 'To: x@example.com', `Subject: ${subject}`, 'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b1"', '', '--b1', 'Content-Type: text/plain', '', 'see attached', '--b1',
  'Content-Type: application/pdf; name="a.pdf"', 'Content-Disposition: attachment; filename="a.pdf"',
  'Content-Transfer-Encoding: base64', '', 'JVBERi0xLjQK', '--b1--', ''].join('\r\n');

describe('rules over LMTP', () => {
  it('list on a fresh account: the abilities and the limit, no rules', async () => {
    expect(await ok(server(), USERS.alice, 'XEXEC rules list')).toEqual(['ability body', 'limit rules 50']);
  });

  it('each condition type files the matching message, and only it', async () => {
    const s = server();
    const u = EXTRA[0]!;
    const rules: [string, string][] = [
      ['from contains anna', 'F-from'],
      ['to is erin@example.com', 'F-to'],
      ['cc begins boss', 'F-cc'],
      ['to-or-cc ends @lists.example', 'F-tocc'],
      ['subject matches inv?ice *', 'F-subject'],
      ['header X-Project is Apollo', 'F-header'],
      ['sender-domain is clients.example', 'F-sdom'],
      ['recipient-domain is team.example', 'F-rdom'],
      ['size over 5000', 'F-big'],
      ['attachment', 'F-attach'],
      ['body contains secret word', 'F-body'],
    ];
    for (const [c, f] of rules) await add(s, u, `name ${f}\nif ${c}\nif not subject contains plain\ndo move ${f}\nstop yes`);
    // Each matches one message (the negated condition keeps the "plain" ones in the INBOX).
    const d = (o: { from?: string; subject: string; body?: string; headers?: Record<string, string> }) =>
      deliver(s, u, { ...o, headers: { To: 'x@example.com', ...o.headers } });
    await d({ from: 'anna@example.org', subject: 'a1', headers: { From: 'Anna <anna@example.org>' } });
    await d({ subject: 'a2', headers: { To: u } });
    await d({ subject: 'a3', headers: { Cc: 'Boss@firm.example' } });
    await d({ subject: 'a4', headers: { Cc: 'all@lists.example' } });
    await d({ subject: 'invoice 42' });
    await d({ subject: 'a6', headers: { 'X-Project': 'apollo' } });
    await d({ from: 'bob@Clients.Example', subject: 'a7' });
    await d({ subject: 'a8', headers: { To: 'x@example.com, y@team.example' } });
    await d({ subject: 'a9', body: 'x'.repeat(6000) });
    await deliver(s, u, { subject: 'a10', raw: MIXED('a10') });
    await d({ subject: 'a11', body: 'the Secret Word is here' });
    await d({ subject: 'plain invoice 7', from: 'anna@example.org' });
    await d({ subject: 'none' });
    const want = ['a1', 'a2', 'a3', 'a4', 'invoice 42', 'a6', 'a7', 'a8', 'a9', 'a10', 'a11'];
    rules.forEach(([, f], i) => expect(subjects(s, u, f), f).toEqual([want[i]]));
    expect(subjects(s, u, 'INBOX')).toEqual(['none', 'plain invoice 7']);
  });

  it('each action: move, copy, read, flag, forward, delete', async () => {
    const s = server();
    const u = EXTRA[1]!;
    await add(s, u, 'name mv\nif subject is move me\ndo move Moved\ndo read');
    await add(s, u, 'name cp\nif subject is copy me\ndo copy Copies\ndo flag');
    await add(s, u, 'name fw\nif subject is forward me\ndo forward Fwd@Example.NET');
    await add(s, u, 'name rm\nif subject is delete me\ndo delete');
    await deliver(s, u, { subject: 'move me' });
    await deliver(s, u, { subject: 'copy me' });
    const fw = await deliver(s, u, { subject: 'forward me' });
    expect(await deliver(s, u, { subject: 'delete me' })).toEqual([]);
    expect(folder(s, u, 'Moved')).toEqual([{ subject: 'move me', flags: 'S' }]);
    expect(folder(s, u, 'Copies')).toEqual([{ subject: 'copy me', flags: 'F' }]);
    expect(folder(s, u, 'INBOX').sort((x, y) => x.subject.localeCompare(y.subject))).toEqual(
      [{ subject: 'copy me', flags: 'F' }, { subject: 'forward me', flags: '' }]);
    expect(fw.map((m) => m.recipients)).toEqual([['fwd@example.net']]);
    expect(fw[0]!.data).toContain('Subject: forward me');
    // Deleted is gone: with forwarding and a vacation reply on, a deleted message gets neither.
    await ok(s, u, 'XEXEC forwardmail set all@example.net keep');
    await ok(s, u, 'XEXEC vacation set body=away');
    expect(await deliver(s, u, { from: 'someone@example.org', subject: 'delete me' })).toEqual([]);
    expect(folder(s, u, 'INBOX').map((m) => m.subject)).not.toContain('delete me');
    expect((await deliver(s, u, { from: 'someone@example.org', subject: 'keep me' })).map((m) => m.recipients.join(',')).sort())
      .toEqual(['all@example.net', 'someone@example.org']);
  });

  it('several rules with stop, a disabled rule, and an order change that changes the outcome', async () => {
    const s = server();
    const u = EXTRA[2]!;
    const a = await add(s, u, 'name A\nif from contains @example.org\ndo copy Seen-by-A\ndo read');
    const b = await add(s, u, 'name B\nif subject contains report\ndo move Reports\nstop yes');
    const c = await add(s, u, 'name C\nif subject contains report\ndo move Other\ndo flag');
    await deliver(s, u, { subject: 'report 1' });
    expect(folder(s, u, 'Reports')).toEqual([{ subject: 'report 1', flags: 'S' }]);
    expect(folder(s, u, 'Seen-by-A')).toEqual([{ subject: 'report 1', flags: 'S' }]);
    expect(folder(s, u, 'Other')).toEqual([]);
    expect(folder(s, u, 'INBOX')).toEqual([]);
    // C first: its move happens and its flag is set, then B still runs (C has no stop); a message
    // filed twice lands in both folders.
    let lines = await ok(s, u, `XEXEC rules move ${c} 1`);
    expect(lines.filter((l) => l.startsWith('rule '))).toEqual([`rule ${c}`, `rule ${a}`, `rule ${b}`]);
    await ok(s, u, `XEXEC rules replace ${c} ${lit('name C\nif subject contains report\ndo move Other\ndo flag\nstop yes')}`);
    await deliver(s, u, { subject: 'report 2' });
    expect(folder(s, u, 'Other')).toEqual([{ subject: 'report 2', flags: 'F' }]);
    expect(subjects(s, u, 'Reports')).toEqual(['report 1']);
    expect(subjects(s, u, 'Seen-by-A')).toEqual(['report 1']);
    // C disabled: B again.
    lines = await ok(s, u, `XEXEC rules disable ${c}`);
    expect(lines.slice(lines.indexOf(`rule ${c}`), lines.indexOf(`rule ${c}`) + 3)).toEqual([`rule ${c}`, 'name C', 'enabled no']);
    await deliver(s, u, { subject: 'report 3' });
    expect(subjects(s, u, 'Reports')).toEqual(['report 1', 'report 3']);
    expect(subjects(s, u, 'Other')).toEqual(['report 2']);
    // B down below C re-enabled: C wins.
    await ok(s, u, `XEXEC rules enable ${c}`);
    await ok(s, u, `XEXEC rules move ${b} down`);
    lines = await ok(s, u, 'XEXEC rules list');
    expect(lines.filter((l) => l.startsWith('rule '))).toEqual([`rule ${c}`, `rule ${a}`, `rule ${b}`]);
    await ok(s, u, `XEXEC rules move ${c} down`);
    await ok(s, u, `XEXEC rules move ${c} down`);
    expect((await ok(s, u, 'XEXEC rules list')).filter((l) => l.startsWith('rule '))).toEqual([`rule ${a}`, `rule ${b}`, `rule ${c}`]);
    await deliver(s, u, { subject: 'report 4' });
    expect(subjects(s, u, 'Reports')).toEqual(['report 1', 'report 3', 'report 4']);
    // Delete B: C takes it.
    await ok(s, u, `XEXEC rules delete ${b}`);
    await deliver(s, u, { subject: 'report 5' });
    expect(subjects(s, u, 'Other')).toEqual(['report 2', 'report 5']);
    const r = await cmd(s, u, `XEXEC rules delete ${b}`);
    expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-EXIT', detail: 2, message: `There is no rule ${b} (it may have been deleted in another session)` });
  });

  it('the merged order: allow list, block list and spam before the rules; forwarding and vacation after, even with stop', async () => {
    const s = server();
    const u = EXTRA[3]!;
    await add(s, u, 'name all\nif subject contains hello\ndo move Sorted\nstop yes');
    await ok(s, u, 'XEXEC blacklist add @bad.example');
    await ok(s, u, 'XEXEC whitelist add friend@bad.example');
    await deliver(s, u, { from: 'spammer@bad.example', subject: 'hello 1' });
    expect(subjects(s, u, 'Junk')).toEqual(['hello 1']);
    await deliver(s, u, { from: 'friend@bad.example', subject: 'hello 2' });
    expect(subjects(s, u, 'Sorted')).toEqual(['hello 2']);
    await ok(s, u, 'XEXEC spam set level=allowed-only');
    await deliver(s, u, { from: 'stranger@example.net', subject: 'hello 3' });
    expect(subjects(s, u, 'Junk')).toEqual(['hello 1', 'hello 3']);
    await ok(s, u, 'XEXEC spam set level=off');
    await ok(s, u, 'XEXEC vacation set body=away days=1');
    await ok(s, u, 'XEXEC forwardmail set copy@example.net keep');
    const sent = await deliver(s, u, { from: 'person@example.net', subject: 'hello 4' });
    expect(sent.map((m) => m.recipients.join(',')).sort()).toEqual(['copy@example.net', 'person@example.net']);
    expect(subjects(s, u, 'Sorted')).toEqual(['hello 2', 'hello 4']);
    expect(subjects(s, u, 'INBOX')).toEqual([]);
    const script = fs.readFileSync(path.join(s.home(u), '.xexec/xexec.sieve'), 'utf8');
    const at = (t: string) => script.indexOf(t);
    expect(at('# Blacklist')).toBeGreaterThan(0);
    expect(at('# Rules')).toBeGreaterThan(at('# Blacklist'));
    // The order of issue 12: allow list, block list, rules, forwarding, automatic reply.
    expect(at('# Forwarding')).toBeGreaterThan(at('# Rules'));
    expect(at('# Vacation')).toBeGreaterThan(at('# Forwarding'));
  });

  it('folder names with &, ., non-ASCII characters and quotes round-trip: delivered, then listed over IMAP as given', async () => {
    const s = server();
    const u = EXTRA[4]!;
    const names = ['R&D', 'Clients.Example', 'Ünïcödé 日本', 'Say "hi" \\ back', '${x}'];
    for (const [i, n] of names.entries()) await add(s, u, `name n${i}\nif subject is m${i}\ndo move ${n}`);
    for (const [i] of names.entries()) await deliver(s, u, { subject: `m${i}` });
    const listed = await listFolders(s, u);
    for (const [i, n] of names.entries()) {
      expect(listed).toContain(n);
      expect(subjects(s, u, n)).toEqual([`m${i}`]);
    }
    // The list gives each name back exactly as sent.
    const lines = await ok(s, u, 'XEXEC rules list');
    expect(lines.filter((l) => l.startsWith('do move ')).map((l) => l.slice(8))).toEqual(names);
    // A name this server cannot store ("/" under Maildir++ with the separator "."): Sieve's fileinto
    // fails at delivery, and the message is kept in the INBOX, not lost.
    await add(s, u, 'name slash\nif subject is slash\ndo move a/b');
    await deliver(s, u, { subject: 'slash' });
    expect(subjects(s, u, 'INBOX')).toEqual(['slash']);
    expect(await listFolders(s, u)).not.toContain('a/b');
  });

  it('two sessions adding at once lose nothing; ids are distinct and never given again', async () => {
    const s = server();
    const u = EXTRA[5]!;
    const N = 12;
    const run = (tag: string) => (async () => {
      const ids: number[] = [];
      for (let i = 0; i < N; i++) ids.push(await add(s, u, `name ${tag}${i}\nif subject is ${tag}${i}\ndo flag`));
      return ids;
    })();
    const [x, y] = await Promise.all([run('x'), run('y')]);
    const all = [...x, ...y];
    expect(new Set(all).size).toBe(2 * N);
    const lines = await ok(s, u, 'XEXEC rules list');
    expect(lines.filter((l) => l.startsWith('rule ')).length).toBe(2 * N);
    expect(lines.filter((l) => l.startsWith('name ')).sort()).toEqual(
      [...Array(N).keys()].flatMap((i) => [`name x${i}`, `name y${i}`]).sort());
    await ok(s, u, `XEXEC rules delete ${Math.max(...all)}`);
    expect(await add(s, u, 'name z\nif size under 10\ndo read')).toBe(Math.max(...all) + 1);
  });

  it('check compiles a proposed rule without storing it; a bad rule is refused naming its line; the limit', async () => {
    const s = server();
    const u = EXTRA[6]!;
    expect(await ok(s, u, `XEXEC rules check ${lit('name t\nif from is a@b.example\ndo move X')}`)).toEqual(['ok']);
    expect(await ok(s, u, 'XEXEC rules list')).toEqual(['ability body', 'limit rules 50']);
    const bad = await cmd(s, u, `XEXEC rules check ${lit('name t\nif from sounds a\ndo move X')}`);
    expect(bad.tagged).toMatchObject({ ok: false, detail: 2, message: 'Line 2 of the rule: "sounds" is not one of contains, is, begins, ends, matches' });
    const self = await cmd(s, u, `XEXEC rules add ${lit(`name t\nif size over 1\ndo forward ${u.toUpperCase()}`)}`);
    expect(self.tagged).toMatchObject({ ok: false, detail: 2, message: 'Line 3 of the rule: mail cannot be forwarded to this mailbox\'s own address' });
    await add(s, u, 'name 1\nif size over 1\ndo read', 'rules2');
    await add(s, u, 'name 2\nif size over 1\ndo flag', 'rules2');
    const over = await cmd(s, u, `XEXEC rules2 add ${lit('name 3\nif size over 1\ndo read')}`);
    expect(over.tagged).toMatchObject({ ok: false, detail: 1, message: 'At most 2 rules can be stored (the server\'s limit); nothing was changed' });
    expect((await ok(s, u, 'XEXEC rules2 list')).filter((l) => l.startsWith('rule '))).toHaveLength(2);
  });

  itStopsCleanly(server);
});
