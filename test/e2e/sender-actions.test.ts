// End-to-end: block or allow a sender from the message list (issue 11) in a real, headless
// Thunderbird with the .xpi as it ships, against a real Dovecot with the plugin: every action,
// several selected messages, an entry already there, the From headers Thunderbird parses, a
// server without the allow list whose block list fails. The driver (sender-driver.ts) right-clicks
// the messages, chooses the item, reads and clicks the result window, and checks the server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultModules, pw, referenceModules, startServer, USERS, type TestServer } from '../server/fixture/index.js';
import { buildAddon, type BuiltAddon } from './addon.js';
import { stopAll } from './teardown.js';
import {
  ALLOW,
  ALLOW_DOMAIN,
  BLOCK,
  BLOCK_DOMAIN,
  clickResult,
  closeResults,
  contextMenu,
  deliver,
  deliveredTo,
  env,
  expectOnServer,
  inResult,
  ITEMS,
  list,
  PEST,
  PRELUDE,
  resultView,
  USER,
} from './sender-driver.js';
import { startThunderbird, thunderbirdAvailable, type Thunderbird } from './thunderbird.js';
import enMessages from '../../_locales/en/messages.json';
import { ADDON_ID } from '../support/constants.js';

let built: BuiltAddon;
let server: TestServer;
/** A server whose whitelist module is missing and whose blacklist module always fails. */
let failing: TestServer;
let tb: Thunderbird;
let alice: string;
let bob: string;
let base: string;

describe('block or allow a sender from the message list, against the server', () => {
  beforeAll(async () => {
    if (!thunderbirdAvailable()) throw new Error('Thunderbird is missing: run `npm run deps` as root');
    built = await buildAddon();
    server = await startServer();
    failing = await startServer({
      modules: (dir) => [
        ...referenceModules(dir).filter((m) => m.name !== 'blacklist' && m.name !== 'whitelist'),
        { name: 'blacklist', command: defaultModules(dir).find((m) => m.name === 'fail')!.command },
      ],
    });
    tb = await startThunderbird({
      prefs: {
        'devtools.console.stdout.content': true,
        // Thunderbird's adaptive junk filter, trained by this test's junk marks, would mark new test
        // mail itself at random moments; the junk opt-in test is about the user's own mark.
        'mail.server.default.spamLevel': 0,
      },
    });
    alice = (await tb.createImapAccount({ port: server.imapPort, user: USER, password: pw(USER) })).accountId;
    // Another user: Thunderbird's folder URIs do not name the port.
    bob = (await tb.createImapAccount({ port: failing.imapPort, user: USERS.bob, password: pw(USERS.bob) })).accountId;
    expect(await tb.installAddon(built.xpi)).toBe(ADDON_ID);
    base = await tb.chrome<string>('return "moz-extension://" + WebExtensionPolicy.getByID(arguments[0]).mozExtensionHostname + "/";', [ADDON_ID]);
    Object.assign(env, { tb, base, server });
    await tb.waitFor('the background to run', 'return WebExtensionPolicy.getByID(arguments[0]).extension.backgroundState === "running";', 30_000, [ADDON_ID]);
  }, 240_000);

  afterAll(async () => {
    await stopAll({ tb, servers: [server, failing], cleanLogs: [server], built });
  }, 120_000);

  it('Block sender: the block list holds the address, the message is in Junk, new mail from it lands in Junk; Undo takes it all back', async () => {
    const subject = await deliver(server, PEST);
    const menu = await contextMenu(alice, [subject], BLOCK);
    expect(menu.items.map((i) => i.label)).toEqual(ITEMS);
    expect(menu.chosen).toBe(true);
    expect(await resultView()).toEqual({
      text: ['Added to the block list: pest@spam.example.', 'Messages moved to Junk: 1.'],
      buttons: ['Undo', 'Close'],
    });
    // The keyboard is on Undo.
    expect(await inResult<string>('return norm(doc.activeElement && doc.activeElement.textContent);')).toBe('Undo');
    expect(list('blacklist')).toEqual(['pest@spam.example']);
    await expectOnServer('Junk', [subject]);
    await expectOnServer('INBOX', [subject], false);
    expect(await deliveredTo(PEST)).toBe('Junk');

    expect(await clickResult('Undo')).toEqual({
      text: ['Removed from the block list again: pest@spam.example.', 'Messages put back: 1.'],
      buttons: ['Close'],
    });
    expect(list('blacklist')).toEqual([]);
    await expectOnServer('INBOX', [subject]);
    expect(await deliveredTo(PEST)).toBe('INBOX');
    await closeResults();
  }, 180_000);

  it("Block sender's domain: the block list holds @spam.example, any address of it lands in Junk; Undo", async () => {
    const subject = await deliver(server, PEST);
    expect((await contextMenu(alice, [subject], BLOCK_DOMAIN)).chosen).toBe(true);
    expect((await resultView()).text).toEqual(['Added to the block list: @spam.example.', 'Messages moved to Junk: 1.']);
    expect(list('blacklist')).toEqual(['@spam.example']);
    await expectOnServer('Junk', [subject]);
    expect(await deliveredTo('Someone Else <other@spam.example>')).toBe('Junk');
    expect((await clickResult('Undo')).text).toEqual(['Removed from the block list again: @spam.example.', 'Messages put back: 1.']);
    expect(list('blacklist')).toEqual([]);
    await expectOnServer('INBOX', [subject]);
    await closeResults();
  }, 180_000);

  it('several selected messages with a sender twice: each distinct sender once, every message in Junk; Undo', async () => {
    const subjects = [await deliver(server, PEST), await deliver(server, 'Pest Again <PEST@spam.example>'), await deliver(server, 'Other <other@junk.example>')];
    expect((await contextMenu(alice, subjects, BLOCK)).chosen).toBe(true);
    const view = await resultView();
    expect(view.text[0]).toMatch(/^Added to the block list: (pest@spam\.example, other@junk\.example|other@junk\.example, pest@spam\.example)\.$/);
    expect(view.text[1]).toBe('Messages moved to Junk: 3.');
    expect(list('blacklist').sort()).toEqual(['other@junk.example', 'pest@spam.example']);
    await expectOnServer('Junk', subjects);
    expect((await clickResult('Undo')).text[1]).toBe('Messages put back: 3.');
    expect(list('blacklist')).toEqual([]);
    await expectOnServer('INBOX', subjects);
    await closeResults();
  }, 180_000);

  let pestInInbox = '';
  it('a sender already on the block list gets no second entry, the window says so, and Undo leaves the entry', async () => {
    const first = await deliver(server, PEST);
    expect((await contextMenu(alice, [first], BLOCK)).chosen).toBe(true);
    expect((await resultView()).text[0]).toBe('Added to the block list: pest@spam.example.');
    await closeResults();
    pestInInbox = await deliver(server, PEST);
    // Delivered while blocked: the server put it in Junk. Thunderbird shows the Inbox: move it there by hand.
    await expectOnServer('Junk', [pestInInbox]);
    await tb.chrome(`${PRELUDE}
      const [accountId, subject] = arguments;
      const root = MailServices.accounts.getAccount(accountId).incomingServer.rootFolder;
      const junk = await until("the Junk folder", () => root.getChildNamed("Junk"));
      let last = 0;
      const hdr = await until("the message in Junk", () => {
        if (Date.now() - last > 1000) { last = Date.now(); junk.updateFolder(win.msgWindow); }
        return [...junk.messages].find(h => h.mime2DecodedSubject === subject);
      });
      MailServices.copy.copyMessages(junk, [hdr], inboxOf(accountId), true, null, win.msgWindow, false);
    `, [alice, pestInInbox]);
    await expectOnServer('INBOX', [pestInInbox]);
    expect((await contextMenu(alice, [pestInInbox], BLOCK)).chosen).toBe(true);
    expect((await resultView()).text).toEqual(['Already in the block list (no second entry): pest@spam.example.', 'Messages moved to Junk: 1.']);
    expect(list('blacklist')).toEqual(['pest@spam.example']);
    expect((await clickResult('Undo')).text).toEqual(['Messages put back: 1.']);
    expect(list('blacklist')).toEqual(['pest@spam.example']);
    await expectOnServer('INBOX', [pestInInbox]);
    await closeResults();
  }, 180_000);

  it('Always allow sender: on the allow list, off the block list (and says so), its mail lands in the Inbox; Undo restores both lists', async () => {
    expect(list('blacklist')).toEqual(['pest@spam.example']);
    expect((await contextMenu(alice, [pestInInbox], ALLOW)).chosen).toBe(true);
    expect((await resultView()).text).toEqual(['Added to the allow list: pest@spam.example.', 'Taken off the block list: pest@spam.example.']);
    expect(list('whitelist')).toEqual(['pest@spam.example']);
    expect(list('blacklist')).toEqual([]);
    expect(await deliveredTo(PEST)).toBe('INBOX');
    expect((await clickResult('Undo')).text).toEqual(['Removed from the allow list again: pest@spam.example.', 'Back on the block list: pest@spam.example.']);
    expect(list('whitelist')).toEqual([]);
    expect(list('blacklist')).toEqual(['pest@spam.example']);
    await closeResults();
  }, 180_000);

  it("Always allow sender's domain: @spam.example on the allow list wins over the blocked address; Undo", async () => {
    expect((await contextMenu(alice, [pestInInbox], ALLOW_DOMAIN)).chosen).toBe(true);
    expect((await resultView()).text).toEqual(['Added to the allow list: @spam.example.']);
    expect(list('whitelist')).toEqual(['@spam.example']);
    expect(list('blacklist')).toEqual(['pest@spam.example']);
    expect(await deliveredTo(PEST)).toBe('INBOX');
    expect((await clickResult('Undo')).text).toEqual(['Removed from the allow list again: @spam.example.']);
    expect(list('whitelist')).toEqual([]);
    expect(await deliveredTo(PEST)).toBe('Junk');
    await closeResults();
  }, 180_000);

  it('From headers as Thunderbird parses them: an encoded-word name, a quoted local part, a group, two addresses', async () => {
    const encoded = await deliver(server, '=?UTF-8?B?U3DDoW0gU2VuZGVy?= <enc@parse.example>');
    const quoted = await deliver(server, '"a b"@quoted.example');
    const group = await deliver(server, 'Friends: g1@group.example, g2@group.example;');
    const two = await deliver(server, 'first@two.example, Second <second@two.example>');
    // The quoted address cannot be a list entry (PROTOCOL.md §6.1): its items say why; its domain can.
    const menu = await contextMenu(alice, [quoted], undefined, BLOCK_DOMAIN);
    const why = enMessages.senderNotListable.message;
    expect(menu.items).toEqual([
      { label: `${BLOCK} (${why})`, disabled: true },
      { label: BLOCK_DOMAIN, disabled: false },
      { label: `${ALLOW} (${why})`, disabled: true },
      { label: ALLOW_DOMAIN, disabled: false },
    ]);
    for (const [subject, entry] of [[encoded, 'enc@parse.example'], [group, 'g1@group.example'], [two, 'first@two.example']] as const) {
      expect((await contextMenu(alice, [subject], BLOCK)).chosen).toBe(true);
      expect((await resultView()).text[0]).toBe(`Added to the block list: ${entry}.`);
      expect(list('blacklist')).toEqual(['pest@spam.example', entry].sort());
      await clickResult('Undo');
      await expectOnServer('INBOX', [subject]);
      await closeResults();
    }
  }, 240_000);


  it('a server without the allow list shows only the block items; when its block list fails, the message stays in the Inbox and the window says why', async () => {
    const subject = await deliver(failing, PEST, USERS.bob);
    const menu = await contextMenu(bob, [subject], BLOCK);
    expect(menu.items.map((i) => i.label)).toEqual([BLOCK, BLOCK_DOMAIN]);
    const view = await resultView();
    expect(view.text[0]).toMatch(/^Nothing was changed, the messages stay where they are: /);
    expect(view.buttons).toEqual(['Close']);
    expect(failing.counts(USERS.bob)).toEqual({ inbox: 1, junk: 0 });
    await closeResults();
  }, 180_000);
});

