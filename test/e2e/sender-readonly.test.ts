// End-to-end: "Block sender" on a message in a folder that the server serves read-only (issue
// 11: "the message stays where it was and the notification says why"), in a real, headless
// Thunderbird against a real Dovecot, the two ways a Dovecot folder is read-only (each proven
// first over raw IMAP: SELECT says [READ-ONLY]):
// - by rights: Dovecot's ACL plugin grants the owner only "lr" there; Thunderbird reads MYRIGHTS,
//   so the add-on knows before moving and says why the message stays;
// - on the disk: the mail user cannot write the folder's Maildir directories; Dovecot tells
//   clients nothing, answers the move with OK and keeps the original (what the user then sees is
//   asserted as it is). The driver is sender-driver.ts.
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
/** Read-only on the disk: the server opens it read-only, without telling clients about rights. */
const BY_MODE = 'Locked';
/** Dovecot's ACL plugin for IMAP, in the running version's syntax: the owner's rights come from a dovecot-acl file. */
const ACL_CONFIG = isDovecot24()
  ? 'protocol imap {\n  mail_plugins {\n    acl = yes\n    imap_acl = yes\n  }\n}\nacl_driver = vfile\n'
  : 'protocol imap {\n  mail_plugins = acl imap_acl xexec\n}\nplugin {\n  acl = vfile\n}\n';

let built: BuiltAddon;
let server: TestServer;
let tb: Thunderbird;
let alice: string;
/** The subject of the message in each folder. */
const subjects: Record<string, string> = {};
/** The Maildir directories made unwritable, with their modes before, for afterAll. */
const unwritable: { dir: string; mode: number }[] = [];

describe('"Block sender" on a message in a folder the server serves read-only', () => {
  beforeAll(async () => {
    if (!thunderbirdAvailable()) throw new Error('Thunderbird is missing: run `npm run deps` as root');
    built = await buildAddon();
    server = await startServer({ extraConfig: ACL_CONFIG });
    env.server = server;
    // Junk exists and every folder is subscribed before Thunderbird first lists the account's folders.
    const imap = await server.login(USER);
    try {
      for (const folder of [BY_ACL, BY_MODE, 'Junk']) {
        for (const cmd of [`CREATE ${folder}`, `SUBSCRIBE ${folder}`]) expect((await imap.command(cmd)).status, cmd).toBe('OK');
      }
      // Delivered over LMTP (to the Inbox, where the server files it), then moved into the folder.
      for (const folder of [BY_ACL, BY_MODE]) {
        const subject = await deliver(server, PEST);
        subjects[folder] = subject;
        expect((await imap.command('SELECT INBOX')).status).toBe('OK');
        const moved = await imap.command(`MOVE 1:* ${folder}`);
        expect(moved.status, moved.text).toBe('OK');
        // Selecting it once moves the message from new/ to cur/, as any client's first look does.
        expect((await imap.command(`SELECT ${folder}`)).status).toBe('OK');
        expect(subjectsIn(folder)).toEqual([subject]);
      }
    } finally {
      imap.close();
    }
    // The owner may look and read, nothing else: no flags, no insert, no delete, no expunge (RFC 4314 "lr").
    fs.writeFileSync(path.join(maildirFolder(server.home(USER), BY_ACL), 'dovecot-acl'), 'owner lr\n');
    // The mail user may not write into the other folder's Maildir directories.
    for (const sub of ['cur', 'new', 'tmp']) {
      const dir = path.join(maildirFolder(server.home(USER), BY_MODE), sub);
      unwritable.push({ dir, mode: fs.statSync(dir).mode & 0o7777 });
      fs.chmodSync(dir, 0o555);
    }
    const check = await server.login(USER);
    try {
      for (const folder of [BY_ACL, BY_MODE]) expect((await check.command(`SELECT ${folder}`)).message, folder).toMatch(/^OK \[READ-ONLY\]/);
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
    try {
      // Writable again, so that the server's cleanup can remove the folder.
      for (const { dir, mode } of unwritable) fs.chmodSync(dir, mode);
    } finally {
      await stopAll({ tb, servers: [server], cleanLogs: [server], built });
    }
  }, 120_000);

  it('a folder without the right to delete: the message stays, nothing reaches Junk, the result window says why; the block entry stays until Undo', async () => {
    const subject = subjects[BY_ACL]!;
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

  it('a folder the server cannot write: Dovecot answers the move with OK but keeps the message, so it is in both folders and the add-on says moved', async () => {
    const subject = subjects[BY_MODE]!;
    expect((await contextMenu(alice, [subject], BLOCK, BLOCK, BY_MODE)).chosen).toBe(true);
    // Thunderbird sees no rights here (no MYRIGHTS says otherwise), so the add-on moves. Dovecot
    // copies the message into Junk, fails to delete the original file, logs it and still answers
    // the MOVE with OK: the add-on can only report what Thunderbird was told.
    expect(await resultView()).toEqual({ text: ['Added to the block list: pest@spam.example.', 'Messages moved to Junk: 1.'], buttons: ['Undo', 'Close'] });
    expect(server.readLog()).toMatch(new RegExp(`Mailbox ${BY_MODE}: unlink\\(.*\\) failed: Permission denied`));
    expect(list('blacklist')).toEqual(['pest@spam.example']);
    // Nothing is lost: the message stays where it was, and Thunderbird shows it there (updating
    // the folder from the server); a copy is in Junk.
    expect(subjectsIn(BY_MODE)).toEqual([subject]);
    expect(subjectsIn('Junk')).toEqual([subject]);
    expect(await shownIn(BY_MODE, subject)).toBe(true);
    // Undo takes the entry back; the copy cannot go back into the unwritable folder and stays in Junk.
    const undone = await clickResult('Undo');
    expect(undone.text[0]).toBe('Removed from the block list again: pest@spam.example.');
    expect(undone.text.slice(1).map((l) => l.startsWith('The messages could not be moved: '))).toEqual([true]);
    expect(undone.buttons).toEqual(['Close']);
    expect(list('blacklist')).toEqual([]);
    expect(subjectsIn(BY_MODE)).toEqual([subject]);
    expect(subjectsIn('Junk')).toEqual([subject]);
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
