// The submit module (PROTOCOL.md §6.8) with a real MTA (issue 15): the sendmail is Debian's
// Postfix's /usr/sbin/sendmail, run by the module as the mail uid (so through the setgid
// postdrop), of a throwaway Postfix (fixture/postfix.ts) that this file starts and stops. Postfix
// delivers example.com over LMTP into the same Dovecot (alice sends, bob's and carol's INBOX have
// it) and everything else to its smtp-sink, which records the envelope. Native Dovecot only (the
// Postfix config is mounted over /etc/postfix in the Dovecot's private mount namespace, and the
// other release's root has no Postfix): issue 15 asks for a real MTA "in at least one test";
// submit.test.ts covers the module's rules on both Dovecots with the capturing sendmail (also
// that the module itself removes Bcc: Postfix's cleanup drops Bcc fields anyway).
// Needs root: without it the file fails with a sentence saying so.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitModule } from '../fixture/config.js';
import { header, mailIds, startServer, USERS, waitFor, type TestServer } from '../fixture/index.js';
import { mountsOf, POSTFIX_ROOT_HINT, preparePostfix, type Postfix } from '../fixture/postfix.js';
import type { ImapClient } from '../imap-client.js';
import { xexec } from '../helpers.js';

const BOX = 'XEXEC Outbox';
const ALICE = USERS.alice;
let s: TestServer | undefined;
let pf: Postfix | undefined;
const server = () => s ?? fail('the server did not start');
const postfix = () => pf ?? fail('Postfix did not start');

function fail(why: string): never {
  throw new Error(why);
}

beforeAll(async () => {
  if (process.getuid!() !== 0) throw new Error(POSTFIX_ROOT_HINT);
  pf = preparePostfix();
  s = await startServer({
    modules: (dir) => [submitModule(dir, ['--sendmail=/usr/sbin/sendmail', `--log=${path.join(dir, 'etc/submit.log')}`])],
    argsInEnv: [],
    argsOnStdin: [],
    bindAt: pf.bindAt,
  });
  await pf.start({ 'example.com': `lmtp:[127.0.0.1]:${s.lmtpPort}` });
}, 120_000);

afterAll(async () => {
  try {
    await s?.stop();
  } finally {
    await pf?.stop();
  }
});

const raw = (headers: string[], body = 'Hello.\r\n') => headers.join('\r\n') + '\r\n\r\n' + body;

async function stage(c: ImapClient, message: string): Promise<number> {
  await c.command(`CREATE "${BOX}"`);
  const data = Buffer.from(message, 'utf8');
  const r = await c.command(Buffer.concat([Buffer.from(`APPEND "${BOX}" {${data.length}+}\r\n`), data]));
  const m = /\[APPENDUID \d+ (\d+)\]/.exec(r.text);
  if (!m) throw new Error(`APPEND: ${r.text}`);
  return Number(m[1]);
}

let tokens = 0;
const newToken = () => `pf${process.pid}-${++tokens}`;
/** A user's INBOX messages that carry `id`. */
const inbox = (user: string, id: string) => server().mailbox(user, 'INBOX').filter((m) => header(m, 'Message-ID') === id);
const headPart = (m: string) => m.split(/\r?\n\r?\n/)[0]!;

describe('submit through a real Postfix', () => {
  it('alice sends to bob, carol and a Bcc: Postfix takes it from the mail uid, LMTP into both INBOXes, the Bcc to the relay; staged copy gone', async () => {
    const c = await server().login(ALICE);
    let reply;
    try {
      const uid = await stage(c, raw([`From: Alice <${ALICE}>`, `To: ${USERS.bob}`, `Cc: ${USERS.carol}`,
        'Bcc: secret@example.net,', ' hidden@example.net', 'Subject: through Postfix'], 'Hello Bob.\r\n'));
      reply = await xexec(c, `XEXEC submit send ${uid} ${newToken()} ${ALICE} ${USERS.bob} ${USERS.carol} secret@example.net`);
    } finally {
      await c.logout();
    }
    expect(reply.tagged, reply.response.text).toMatchObject({ ok: true });
    const id = /^sent (<xexec\.\d+\.[0-9a-f]{32}@example\.com>)$/.exec(reply.lines[0] ?? '')?.[1] ?? fail(`reply: ${reply.lines.join('|')}`);
    expect(server().mailbox(ALICE, BOX)).toEqual([]);
    // Delivered by Postfix's lmtp client: Dovecot's Return-Path is the envelope sender.
    for (const u of [USERS.bob, USERS.carol]) {
      const [m] = await waitFor(`the message in ${u}'s INBOX`, () => { const l = inbox(u, id); return l.length > 0 ? l : null; }, 60_000, 100);
      expect(header(m!, 'Return-Path')).toBe(`<${ALICE}>`);
      expect(header(m!, 'Subject')).toBe('through Postfix');
      expect(headPart(m!)).toMatch(/^Received: by mta\.xexec\.test \(Postfix, from userid \d+\)/m);
      expect(headPart(m!)).not.toMatch(/^bcc:/im);
      expect(m!).not.toMatch(/secret@|hidden@/);
      expect(m!.split(/\r?\n\r?\n/).slice(1).join('\n\n')).toBe('Hello Bob.\n');
    }
    // The Bcc recipient, through the relayhost: the envelope as the module gave it.
    const sunk = await waitFor('the Bcc copy at smtp-sink', () => postfix().sunk().find((m) => header(m.data, 'Message-ID') === id), 60_000, 100);
    expect(sunk.sender).toBe(ALICE);
    expect(sunk.recipients).toEqual(['secret@example.net']);
    expect(headPart(sunk.data)).not.toMatch(/^bcc:|hidden@/im);
    // Postfix's pickup saw the mail uid (the module, through postdrop), the sender from -f.
    expect(postfix().log()).toMatch(new RegExp(`postfix/pickup\\[\\d+\\]: \\w+: uid=${mailIds().uid} from=<${ALICE.replace('.', '\\.')}>`));
    expect(fs.readFileSync(path.join(server().dir, 'etc/submit.log'), 'utf8')).toMatch(
      new RegExp(`user=${ALICE} sent message-id=${id.replace(/\./g, '\\.')} size=\\d+ recipients=3`));
  });

  it('Postfix refuses the mail uid (authorized_submit_users): exit 1, the staged copy kept; allowed again, one message arrives', async () => {
    const u = USERS.dave;
    const id = '<refused.1@example.com>';
    const token = newToken();
    postfix().configure([`authorized_submit_users = !${mailUserName()}, static:all`]);
    const c = await server().login(u);
    try {
      const uid = await stage(c, raw([`From: ${u}`, `To: ${USERS.bob}`, `Message-ID: ${id}`, 'Subject: refused first']));
      const no = await xexec(c, `XEXEC submit send ${uid} ${token} ${u} ${USERS.bob}`);
      expect(no.tagged).toMatchObject({ ok: false, code: 'XEXEC-EXIT', detail: 1,
        message: 'The mail server did not accept the message (sendmail exit status 75); it is kept, try again later' });
      expect(server().mailbox(u, BOX).filter((m) => m.includes(id))).toHaveLength(1);
      expect((await xexec(c, `XEXEC submit status ${token}`)).lines).toEqual(['unknown']);
      postfix().configure([]);
      const yes = await xexec(c, `XEXEC submit send ${uid} ${token} ${u} ${USERS.bob}`);
      expect(yes.lines).toEqual([`sent ${id}`]);
      expect(server().mailbox(u, BOX).filter((m) => m.includes(id))).toEqual([]);
    } finally {
      postfix().configure([]);
      await c.logout();
    }
    const [m] = await waitFor('the message in bob\'s INBOX', () => { const l = inbox(USERS.bob, id); return l.length > 0 ? l : null; }, 60_000, 100);
    expect(header(m!, 'Return-Path')).toBe(`<${u}>`);
    expect(fs.readFileSync(path.join(server().dir, 'etc/submit.log'), 'utf8')).toMatch(
      /user=dave@example\.com failed message-id=<refused\.1@example\.com> size=\d+ recipients=1 sendmail-exit=75/);
  });

  it('the Postfix master down: sendmail still queues (postdrop), the module answers sent; the master back, it is delivered once', async () => {
    const u = USERS.carol;
    const id = '<queued.1@example.com>';
    await postfix().stopMaster();
    try {
      const c = await server().login(u);
      try {
        const uid = await stage(c, raw([`From: ${u}`, `To: ${USERS.bob}`, `Message-ID: ${id}`, 'Subject: queued']));
        const r = await xexec(c, `XEXEC submit send ${uid} ${newToken()} ${u} ${USERS.bob}`);
        expect(r.lines).toEqual([`sent ${id}`]);
      } finally {
        await c.logout();
      }
      // Nothing runs that could deliver it: it waits in the maildrop queue.
      expect(fs.readdirSync(path.join(postfix().spool, 'maildrop'))).toHaveLength(1);
      expect(inbox(USERS.bob, id)).toEqual([]);
    } finally {
      await postfix().startMaster();
    }
    await waitFor('the queued message in bob\'s INBOX', () => inbox(USERS.bob, id).length > 0, 60_000, 100);
    expect(inbox(USERS.bob, id)).toHaveLength(1);
  });

  it('stops cleanly: no process of Dovecot or Postfix left, no mount of its folders anywhere, both folders removed', async () => {
    const d = server();
    const p = postfix();
    await d.stop();
    d.assertLogClean();
    expect(d.processes()).toEqual([]);
    await p.stop();
    expect(p.processes()).toEqual([]);
    expect(mountsOf(p.dir)).toEqual([]);
    const keep = process.env.XEXEC_KEEP === '1';
    expect(fs.existsSync(d.dir)).toBe(keep);
    expect(fs.existsSync(p.dir)).toBe(keep);
  });
});

function mailUserName(): string {
  const uid = mailIds().uid;
  const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.split(':')[2] === String(uid));
  return line?.split(':')[0] ?? fail(`no passwd entry for uid ${uid}`);
}
