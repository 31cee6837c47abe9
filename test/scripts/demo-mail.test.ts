// The demo's post office (scripts/demo-mail.ts): which captured mail it delivers, and, against the
// real demo server of `npm start`, that a message sent through its submit module reaches the
// demo user it was for while mail for outsiders stays in the capture, and that the vacation
// reply it causes comes back to the sender.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide, HOP_HEADER, MAX_HOPS, startPostOffice, type PostOffice } from '../../scripts/demo-mail.js';
import { DEMO_ADDRESSES, startDemoServer } from '../../scripts/demo-setup.js';
import { header } from '../server/fixture/index.js';
import { USERS, type TestServer } from '../support/harness.js';

const message = (extra = '') => `${extra}From: alice@example.com\r\nTo: bob@example.com\r\nSubject: hi\r\n\r\nHello.\r\n`;

describe('which captured mail the post office delivers', () => {
  it('only the demo users among the recipients, case-insensitively, with one more hop header', () => {
    const d = decide({ sender: 'alice@example.com', recipients: ['Bob@Example.com', 'x@elsewhere.example'], data: message() }, DEMO_ADDRESSES);
    expect(d).toEqual({ deliver: true, to: ['Bob@Example.com'], elsewhere: ['x@elsewhere.example'], raw: `${HOP_HEADER}: 1\r\n${message()}` });
  });

  it('nothing for outsiders only, or for no recipient', () => {
    expect(decide({ sender: 'a@example.com', recipients: ['x@elsewhere.example'], data: message() }, DEMO_ADDRESSES))
      .toEqual({ deliver: false, why: 'not for a demo user (x@elsewhere.example); kept in the capture' });
    expect(decide({ sender: '', recipients: [], data: message() }, DEMO_ADDRESSES)).toMatchObject({ deliver: false });
  });

  it('a message that went round MAX_HOPS times stays in the capture (two users forwarding to each other)', () => {
    const hops = (n: number) => Array.from({ length: n }, (_, i) => `${HOP_HEADER}: ${n - i}\r\n`).join('');
    expect(decide({ sender: 'a@example.com', recipients: [USERS.bob], data: message(hops(MAX_HOPS - 1)) }, DEMO_ADDRESSES))
      .toMatchObject({ deliver: true });
    expect(decide({ sender: 'a@example.com', recipients: [USERS.bob], data: message(hops(MAX_HOPS)) }, DEMO_ADDRESSES))
      .toMatchObject({ deliver: false, why: expect.stringContaining('forwarding loop') });
    // A hop header in the body is not counted.
    expect(decide({ sender: 'a@example.com', recipients: [USERS.bob], data: message() + hops(MAX_HOPS) }, DEMO_ADDRESSES))
      .toMatchObject({ deliver: true });
  });
});

describe('the demo server and its post office', () => {
  let server: TestServer | undefined;
  let office: PostOffice | undefined;
  const said: string[] = [];
  beforeAll(async () => {
    server = await startDemoServer();
    office = startPostOffice(server, DEMO_ADDRESSES, (line) => said.push(line), 60_000);
  });
  afterAll(async () => {
    office?.stop();
    await server?.stop();
  });

  it('mail sent through submit reaches bob, not the outsider; bob\'s vacation reply reaches alice', async () => {
    const s = server!;
    const bob = await s.login(USERS.bob);
    expect((await bob.command('XEXEC vacation set subject=Away "body=Back on Monday."')).text).toMatch(/^OK /);
    await bob.logout();

    const alice = await s.login(USERS.alice);
    const offer = await alice.command('XEXEC submit');
    const box = /mailbox (.+)/.exec(offer.untagged.map((l) => l.toString('utf8')).join('\n'))?.[1]?.trim();
    expect(box, offer.text).toBeTruthy();
    const data = Buffer.from('From: alice@example.com\r\nTo: bob@example.com, x@elsewhere.example\r\nSubject: Lunch\r\n'
      + 'Message-ID: <demo-mail-test@example.com>\r\n\r\nLunch at noon?\r\n');
    await alice.command(`CREATE "${box}"`);
    const appended = await alice.command(Buffer.concat([Buffer.from(`APPEND "${box}" {${data.length}+}\r\n`), data]));
    const uid = /\[APPENDUID \d+ (\d+)\]/.exec(appended.text)?.[1];
    expect(uid, appended.text).toBeDefined();
    const sent = await alice.command(`XEXEC submit send ${uid} demo-mail-test alice@example.com bob@example.com x@elsewhere.example`);
    expect(sent.text).toMatch(/^OK /);
    await alice.logout();

    expect(s.counts(USERS.bob).inbox).toBe(0);
    await office!.pass();
    const inbox = s.mailbox(USERS.bob);
    expect(inbox).toHaveLength(1);
    expect(header(inbox[0]!, 'Subject')).toBe('Lunch');
    expect(header(inbox[0]!, HOP_HEADER)).toBe('1');
    expect(said).toEqual([`Mail from alice@example.com delivered to bob@example.com (not to x@elsewhere.example: not demo users).`]);

    // Delivering to bob made Pigeonhole send his vacation reply through the same sendmail.
    await office!.pass();
    const replies = s.mailbox(USERS.alice);
    expect(replies, said.join('\n')).toHaveLength(1);
    expect(header(replies[0]!, 'Subject')).toMatch(/Away/);
    expect(said[1]).toBe('Mail from <> delivered to alice@example.com.');
    // Each captured message is delivered once.
    await office!.pass();
    expect(s.counts(USERS.bob).inbox).toBe(1);
    expect(s.counts(USERS.alice).inbox).toBe(1);
  });
});
