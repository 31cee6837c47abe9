// Sending benchmark (issue 15): a 1 MB message (and a 2 kB one) sent from the real Thunderbird
// through XEXEC (the outgoing server type xexec: APPEND of the staged copy, `XEXEC submit send`,
// the module's doveadm fetch and Postfix's sendmail) and through plain SMTP submission to the
// same throwaway Postfix (fixture/postfix.ts with an smtpd on 127.0.0.1, no AUTH, no TLS), in one
// run, against one native Dovecot. Both paths end the same way: Postfix delivers example.com over
// LMTP into the same Dovecot, and each message is checked to have arrived in bob's INBOX (not
// timed) before the next send. Timed, in the extension page: from compose.sendMessage until its
// promise resolves (Thunderbird reports the message sent: for SMTP after DATA's 250, for XEXEC
// after the module's `sent`, i.e. once Postfix's postdrop has the message); the Sent copy is off
// (identity.doFcc) so that only the transport is timed. One identity; its outgoing server is
// switched between the two before each send, alternating which goes first in each round.
// Run as root with `npx vite-node bench/ui/sending.ts` (after `npm run build:server`); it
// builds the add-on itself. XEXEC_THUNDERBIRD picks the Thunderbird. Prints figures, asserts
// nothing about time; they go into docs/PERFORMANCE.md by hand.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { dovecotLabel, pw, referenceModules, startServer, submitModule, USERS, waitFor, type TestServer } from '../../test/server/fixture/index.js';
import { maildirFolder } from '../../test/server/fixture/mail.js';
import { POSTFIX_ROOT_HINT, preparePostfix, type Postfix } from '../../test/server/fixture/postfix.js';
import { buildAddon, TEST_PAGE, type BuiltAddon } from '../../test/e2e/addon.js';
import { startThunderbird, thunderbirdAvailable, type ExtensionPage, type Thunderbird } from '../../test/e2e/thunderbird.js';
import { median } from '../common.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
/** Attachment bytes: base64 with line breaks makes the whole message just over 1,000,000 bytes. */
const LARGE_ATTACHMENT = 735_000;
/** A plain-text body of about 2 kB. */
const SMALL_BODY = ('Two kilobytes of plain text, sent to time the fixed costs of each path. '.repeat(28)).slice(0, 2000);

type Way = 'xexec' | 'smtp';
type Size = 'small' | 'large';

async function main(): Promise<void> {
  if (process.getuid!() !== 0) throw new Error(POSTFIX_ROOT_HINT);
  if (!thunderbirdAvailable()) throw new Error('Thunderbird is missing: run `npm run deps` as root');
  let pf: Postfix | undefined;
  let server: TestServer | undefined;
  let built: BuiltAddon | undefined;
  let tb: Thunderbird | undefined;
  try {
    pf = preparePostfix();
    server = await startServer({
      modules: (dir) => [...referenceModules(dir), submitModule(dir, ['--sendmail=/usr/sbin/sendmail', '--log=none'])],
      bindAt: pf.bindAt,
    });
    await pf.start({ 'example.com': `lmtp:[127.0.0.1]:${server.lmtpPort}` }, { smtpd: true });
    built = await buildAddon();
    const manifestPath = path.join(built.testAddonDir, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { permissions: string[] };
    manifest.permissions.push('compose', 'compose.send');
    fs.writeFileSync(manifestPath, JSON.stringify(manifest));
    tb = await startThunderbird();
    const addonId = await tb.installAddon(built.testAddonDir);
    const created = await tb.createImapAccount({
      port: server.imapPort, user: USERS.alice, password: pw(USERS.alice), smtp: { port: pf.smtpdPort },
    });
    const account = created.accountId;
    const smtpKey = created.smtpKey!;
    // Postfix's smtpd offers no AUTH: loopback clients are in its mynetworks.
    await tb.chrome(`
      const [accountId, smtpKey] = arguments;
      const smtp = MailServices.outgoingServer.getServerByKey(smtpKey).QueryInterface(Ci.nsISmtpServer);
      smtp.authMethod = Ci.nsMsgAuthMethod.none;
      MailServices.accounts.getAccount(accountId).identities[0].doFcc = false;
    `, [account, smtpKey]);
    const page = await tb.openExtensionPage(addonId, TEST_PAGE);
    const on = await page.run<{ enabled: boolean; serverKey: string }>('return page.messenger.xexecOutgoing.enable(arguments[0]);', [account]);
    if (!on.enabled) throw new Error('the xexec outgoing server could not be turned on');
    const keys: Record<Way, string> = { xexec: on.serverKey, smtp: smtpKey };
    console.log(`Sending benchmark: Thunderbird ${tb.version}, ${dovecotLabel()}, ${postfixVersion(pf)}, ` +
      `${os.cpus().length} cores (${os.cpus()[0]?.model}), Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);

    let delivered = 0;
    const send = async (way: Way, size: Size, label: string): Promise<number> => {
      await tb!.chrome(`
        const [accountId, key] = arguments;
        MailServices.accounts.getAccount(accountId).identities[0].smtpServerKey = key;
      `, [account, keys[way]]);
      const ms = await timedSend(page, account, size, label);
      delivered++;
      // Counted, not read: reading every 1 MB message at each poll would load the machine.
      await waitFor(`"${label}" in bob's INBOX`, () => inboxCount(server!) >= delivered, 120_000, 50);
      return ms;
    };

    // One warm-up each way and size (the staging mailbox, the first SMTP connection, the JIT-less
    // interpreter's first run of the compose code), not counted.
    for (const size of ['small', 'large'] as const) {
      for (const way of ['xexec', 'smtp'] as const) await send(way, size, `warm-up ${way} ${size}`);
    }
    const times: Record<`${Way} ${Size}`, number[]> = { 'xexec small': [], 'smtp small': [], 'xexec large': [], 'smtp large': [] };
    for (const size of ['large', 'small'] as const) {
      for (let r = 0; r < RUNS; r++) {
        const order: Way[] = r % 2 === 0 ? ['xexec', 'smtp'] : ['smtp', 'xexec'];
        for (const way of order) times[`${way} ${size}`].push(await send(way, size, `bench ${way} ${size} ${r}`));
      }
    }

    // What arrived: the message as Thunderbird wrote it is what follows the headers Postfix and
    // Dovecot's LMTP added (Return-Path, Delivered-To, Received).
    const sizes: Record<string, string> = {};
    for (const m of server.mailbox(USERS.bob)) {
      const subject = /^Subject: (bench (?:xexec|smtp) (?:small|large)) 0\r?$/m.exec(m)?.[1];
      if (!subject) continue;
      const written = m.replace(/^(?:(?:Return-Path|Delivered-To|Received):[^\n]*\n(?:[ \t][^\n]*\n)*)*/i, '');
      sizes[subject] = `${Buffer.byteLength(m)} bytes delivered, ${Buffer.byteLength(written)} as Thunderbird wrote it`;
    }
    const queued = [...pf.log().matchAll(/qmgr\[\d+\]: \w+: from=<alice@example\.com>, size=(\d+)/g)].map((x) => Number(x[1]));
    const fmt = (runs: number[]) => `median ${median(runs).toFixed(0)} ms, min ${Math.min(...runs).toFixed(0)}, max ${Math.max(...runs).toFixed(0)} ` +
      `(${runs.map((t) => t.toFixed(0)).join(', ')})`;
    for (const size of ['large', 'small'] as const) {
      console.log(size === 'large' ? `1 MB message (${LARGE_ATTACHMENT}-byte attachment):` : '2 kB message (plain text):');
      for (const way of ['xexec', 'smtp'] as const) {
        console.log(`  ${way === 'xexec' ? 'XEXEC (APPEND + submit send)' : 'SMTP submission (Postfix smtpd)'}: ${fmt(times[`${way} ${size}`])}`);
        console.log(`    size: ${sizes[`bench ${way} ${size}`] ?? '(not found)'}`);
      }
    }
    // Where the time goes: the same messages (as Thunderbird wrote them) from Node, over a raw IMAP
    // session (APPEND, then `XEXEC submit send`, and doveadm's fetch of the staged copy alone)
    // and over a raw SMTP connection to the same smtpd (connect to the 250 after DATA).
    for (const size of ['large', 'small'] as const) {
      const stored = server.mailbox(USERS.bob).find((m) => new RegExp(`^Subject: bench xexec ${size} 0\\r?$`, 'm').test(m));
      if (!stored) throw new Error(`no "bench xexec ${size} 0" in bob's INBOX`);
      const message = Buffer.from(stored.replace(/^(?:(?:Return-Path|Delivered-To|Received):[^\n]*\n(?:[ \t][^\n]*\n)*)*/i, '').replace(/\r?\n/g, '\r\n').replace(/(?<!\r\n)$/, '\r\n'));
      const parts = { append: [] as number[], submit: [] as number[], fetch: [] as number[], smtp: [] as number[] };
      for (let r = 0; r < RUNS; r++) {
        const c = await server.login(USERS.alice);
        try {
          let t0 = performance.now();
          const a = await c.command(Buffer.concat([Buffer.from(`APPEND "XEXEC Outbox" {${message.length}+}\r\n`), message]));
          parts.append.push(performance.now() - t0);
          const uid = /\[APPENDUID \d+ (\d+)\]/.exec(a.text)?.[1];
          if (!uid) throw new Error(`APPEND: ${a.text}`);
          t0 = performance.now();
          const f = spawnSync('doveadm', ['-c', server.config, '-f', 'pager', 'fetch', '-u', USERS.alice, 'text', 'mailbox', 'XEXEC Outbox', 'uid', uid],
            { stdio: ['ignore', 'ignore', 'pipe'] });
          parts.fetch.push(performance.now() - t0);
          if (f.status !== 0) throw new Error(`doveadm fetch: ${f.stderr.toString()}`);
          t0 = performance.now();
          const sent = await c.command(`XEXEC submit send ${uid} raw-${size}-${r} ${USERS.alice} ${USERS.bob}`);
          parts.submit.push(performance.now() - t0);
          const said = sent.untagged.map((l) => l.toString('latin1')).join('|');
          if (sent.status !== 'OK' || !said.includes('sent <')) throw new Error(`submit send: ${said} ${sent.text}`);
        } finally {
          await c.logout();
        }
        delivered++;
        await waitFor('the raw XEXEC message in bob\'s INBOX', () => inboxCount(server!) >= delivered, 120_000, 50);
        parts.smtp.push(await smtpSend(pf.smtpdPort, message));
        delivered++;
        await waitFor('the raw SMTP message in bob\'s INBOX', () => inboxCount(server!) >= delivered, 120_000, 50);
      }
      console.log(`${size === 'large' ? '1 MB' : '2 kB'} message (${message.length} bytes) from Node:`);
      console.log(`  IMAP APPEND to the staging mailbox: ${fmt(parts.append)}`);
      console.log(`  XEXEC submit send (the module: doveadm fetches, checks, sendmail, expunge): ${fmt(parts.submit)}`);
      console.log(`  doveadm fetch text of the staged copy alone (as root): ${fmt(parts.fetch)}`);
      console.log(`  SMTP: connect, EHLO, MAIL, RCPT, DATA until its 250: ${fmt(parts.smtp)}`);
    }
    console.log(`Postfix's queue sizes (qmgr size=, with its Received line), in order: ${queued.join(', ')}`);
    console.log(`load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  } finally {
    try {
      await tb?.stopExpectingNoCrash();
    } finally {
      try {
        await server?.stop();
      } finally {
        await pf?.stop();
        built?.remove();
      }
    }
  }
}

/** Opens a compose window (not timed) and times compose.sendMessage until it resolves, in the page. */
async function timedSend(page: ExtensionPage, account: string, size: Size, subject: string): Promise<number> {
  const r = await page.run<{ ms: number; id: string | null; error?: string }>(`
    const [accountId, size, subject, body, attachmentBytes] = arguments;
    const account = await page.messenger.accounts.get(accountId);
    const details = { identityId: account.identities[0].id, isPlainText: true, to: ["bob@example.com"], subject };
    if (size === "large") {
      // Bytes base64 cannot shorten, so the message on the wire is what it says.
      const bytes = new page.Uint8Array(attachmentBytes);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + (i >> 10)) & 0xff;
      details.plainTextBody = "One megabyte attached.";
      details.attachments = [{ file: new page.File([bytes], "one-mb.bin", { type: "application/octet-stream" }) }];
    } else {
      details.plainTextBody = body;
    }
    const tab = await page.messenger.compose.beginNew(details);
    const t0 = page.performance.now();
    try {
      const sent = await page.messenger.compose.sendMessage(tab.id);
      return { ms: page.performance.now() - t0, id: sent.headerMessageId };
    } catch (e) {
      return { ms: 0, id: null, error: String((e && e.message) || e) };
    }
  `, [account, size, subject, SMALL_BODY, LARGE_ATTACHMENT]);
  if (r.error || !r.id) throw new Error(`"${subject}" was not sent: ${r.error ?? 'no Message-ID'}`);
  return r.ms;
}

/** One message over a new SMTP connection, as Thunderbird sends it; ms from connect to the 250 after DATA. */
async function smtpSend(port: number, message: Buffer): Promise<number> {
  const t0 = performance.now();
  const sock = net.connect({ host: '127.0.0.1', port });
  let buffered = '';
  let waiting: ((line: string) => void) | null = null;
  const check = () => {
    // A reply ends with a line "NNN text" (not "NNN-text").
    if (waiting && /(?:^|\r\n)\d{3} [^\r\n]*\r\n$/.test(buffered)) {
      const w = waiting;
      waiting = null;
      const reply = buffered;
      buffered = '';
      w(reply);
    }
  };
  sock.on('data', (d) => {
    buffered += d.toString('latin1');
    check();
  });
  const reply = (code: string, send?: Buffer | string) => new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    waiting = (r) => (r.split('\r\n').at(-2)!.startsWith(code) ? resolve() : reject(new Error(`SMTP: ${r.trim()}`)));
    if (send !== undefined) sock.write(send);
    else check();
  });
  try {
    await reply('220');
    await reply('250', 'EHLO bench.xexec.test\r\n');
    await reply('250', `MAIL FROM:<${USERS.alice}> SIZE=${message.length}\r\n`);
    await reply('250', `RCPT TO:<${USERS.bob}>\r\n`);
    await reply('354', 'DATA\r\n');
    // Dot-stuffed; the message ends with CRLF.
    await reply('250', Buffer.concat([Buffer.from(message.toString('latin1').replace(/^\./gm, '..'), 'latin1'), Buffer.from('.\r\n')]));
    const ms = performance.now() - t0;
    await reply('221', 'QUIT\r\n');
    return ms;
  } finally {
    sock.destroy();
  }
}

function inboxCount(server: TestServer): number {
  const dir = maildirFolder(server.home(USERS.bob), 'INBOX');
  return ['new', 'cur'].reduce((n, sub) => n + (fs.existsSync(path.join(dir, sub)) ? fs.readdirSync(path.join(dir, sub)).length : 0), 0);
}

function postfixVersion(pf: Postfix): string {
  const v = /postfix\/master\[\d+\]: daemon started -- version ([^,]+)/.exec(pf.log())?.[1];
  return v ? `Postfix ${v}` : 'Postfix';
}

await main();
