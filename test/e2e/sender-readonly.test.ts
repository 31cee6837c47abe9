// End-to-end: "Block sender" on a message in a folder that the server serves read-only (issue
// 11: "the message stays where it was and the notification says why"), in a real, headless
// Thunderbird against a real Dovecot: a folder read-only by the rights the server grants (Dovecot's
// ACL plugin gives the owner only "lr", proven first over raw IMAP: SELECT says [READ-ONLY],
// MYRIGHTS says lr). Thunderbird reads MYRIGHTS, so the add-on knows before moving and says why the
// message stays. (A folder whose files the mail user cannot write is no such case: Dovecot then
// answers a MOVE with OK, copies the message and keeps the original, and no client can tell;
// docs/THUNDERBIRD.md.) The driver is sender-driver.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDovecot24, pw, startServer, type TestServer } from '../server/fixture/index.js';
import { maildirFolder } from '../server/fixture/mail.js';
import { buildAddon, type BuiltAddon } from './addon.js';
import { BLOCK, clickResult, closeResults, contextMenu, deliver, env, list, PEST, PRELUDE, resultView, subjectsIn, USER } from './sender-driver.js';
import { stopAll } from './teardown.js';
import { startThunderbird, thunderbirdAvailable, type Thunderbird } from './thunderbird.js';
import { ADDON_ID } from '../support/constants.js';

/** Read-only through the rights the server grants (Dovecot's ACL plugin, which Thunderbird reads with MYRIGHTS). */
const BY_ACL = 'Frozen';
/** Dovecot's ACL plugin for IMAP, in the running version's syntax: the owner's rights come from a dovecot-acl file. */
const ACL_CONFIG = isDovecot24()
  ? 'protocol imap {\n  mail_plugins {\n    acl = yes\n    imap_acl = yes\n  }\n}\nacl_driver = vfile\n'
  : 'protocol imap {\n  mail_plugins = acl imap_acl xexec\n}\nplugin {\n  acl = vfile\n}\n';

let built: BuiltAddon;
let server: TestServer;
let tb: Thunderbird;
let alice: string;
/** The subject of the message in the read-only folder. */
let subject: string;

describe('"Block sender" on a message in a folder the server serves read-only', () => {
  beforeAll(async () => {
    if (!thunderbirdAvailable()) throw new Error('Thunderbird is missing: run `npm run deps` as root');
    built = await buildAddon();
    server = await startServer({ extraConfig: ACL_CONFIG });
    env.server = server;
    // Junk exists and every folder is subscribed before Thunderbird first lists the account's folders.
    const imap = await server.login(USER);
    try {
      for (const folder of [BY_ACL, 'Junk']) {
        for (const cmd of [`CREATE ${folder}`, `SUBSCRIBE ${folder}`]) expect((await imap.command(cmd)).status, cmd).toBe('OK');
      }
      // Delivered over LMTP (to the Inbox, where the server files it), then moved into the folder.
      subject = await deliver(server, PEST);
      expect((await imap.command('SELECT INBOX')).status).toBe('OK');
      const moved = await imap.command(`MOVE 1:* ${BY_ACL}`);
      expect(moved.status, moved.text).toBe('OK');
      expect(subjectsIn(BY_ACL)).toEqual([subject]);
    } finally {
      imap.close();
    }
    // The owner may look and read, nothing else: no flags, no insert, no delete, no expunge (RFC 4314 "lr").
    fs.writeFileSync(path.join(maildirFolder(server.home(USER), BY_ACL), 'dovecot-acl'), 'owner lr\n');
    const check = await server.login(USER);
    try {
      expect((await check.command(`SELECT ${BY_ACL}`)).message).toMatch(/^OK \[READ-ONLY\]/);
      expect((await check.command(`MYRIGHTS ${BY_ACL}`)).untagged.map(String)).toEqual([`* MYRIGHTS ${BY_ACL} lr`]);
    } finally {
      check.close();
    }

    tb = await startThunderbird({ prefs: { 'mail.server.default.spamLevel': 0 } });
    alice = (await tb.createImapAccount({ port: server.imapPort, user: USER, password: pw(USER) })).accountId;
    expect(await tb.installAddon(built.xpi)).toBe(ADDON_ID);
    const base = await tb.chrome<string>('return "moz-extension://" + WebExtensionPolicy.getByID(arguments[0]).mozExtensionHostname + "/";', [ADDON_ID]);
    Object.assign(env, { tb, base });
    await tb.waitFor('the background to run', 'return WebExtensionPolicy.getByID(arguments[0]).extension.backgroundState === "running";', 30_000, [ADDON_ID]);
  }, 240_000);

  afterAll(async () => {
    await stopAll({ tb, servers: [server], cleanLogs: [server], built });
  }, 120_000);

  it('a folder without the right to delete: the message stays, nothing reaches Junk, the result window says why; the block entry stays until Undo', async () => {
    expect((await contextMenu(alice, [subject], BLOCK, BLOCK, BY_ACL)).chosen).toBe(true);
    // Thunderbird knows the folder's rights (MYRIGHTS), so the add-on does not try the move; the
    // sender is blocked all the same (the server comes first, the move is an extra).
    expect(await resultView()).toEqual({
      text: ['Added to the block list: pest@spam.example.', `The messages stay in “${BY_ACL}”: messages cannot be moved out of it.`],
      buttons: ['Undo', 'Close'],
    });
    expect(list('blacklist')).toEqual(['pest@spam.example']);
    expect(subjectsIn(BY_ACL)).toEqual([subject]);
    expect(subjectsIn('Junk')).toEqual([]);
    // And Thunderbird still shows it there (updating the folder from the server).
    expect(await shownIn(BY_ACL, subject)).toBe(true);
    // Undo takes back the entry; there is no move to take back.
    expect(await clickResult('Undo')).toEqual({ text: ['Removed from the block list again: pest@spam.example.'], buttons: ['Close'] });
    expect(list('blacklist')).toEqual([]);
    expect(subjectsIn(BY_ACL)).toEqual([subject]);
    await closeResults();
  }, 180_000);
});

/** Whether Thunderbird shows a message with this subject in the folder, updating it from the server (false after 40 s). */
function shownIn(folder: string, subject: string): Promise<boolean> {
  return tb.chrome<boolean>(`${PRELUDE}
    const [accountId, subject, folder] = arguments;
    try {
      await showInbox(accountId, [subject], folder);
      return true;
    } catch {
      return false;
    }
  `, [alice, subject, folder]);
}
