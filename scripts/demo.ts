// `npm start`: the whole thing on this machine, in about half a minute. npm has built the
// add-on (dist/xexec-<version>.xpi) and the plugin; this starts
//
//   1. a throwaway Dovecot with the XEXEC plugin, the reference modules and a demo user
//      (demo-setup.ts; `npm run demo:server` shows the server alone),
//   2. a throwaway Thunderbird (test/e2e/thunderbird.ts: its own profile, HOME, TMPDIR and
//      caches in one temp dir) on your display, or headless when there is none,
//   3. the demo user's IMAP account in it, password saved (no prompt), the add-on installed,
//   4. the add-on's settings tab.
//
// Ctrl-C (or closing Thunderbird) stops Thunderbird and Dovecot and removes their temp dirs.
import * as path from 'node:path';
import { ADDON_ID, REPO_DIR, startThunderbird, type TestServer, type Thunderbird } from '../test/support/harness.js';
import { startPostOffice, type PostOffice } from './demo-mail.js';
import { DEMO_ADDRESSES, DEMO_USER, startDemoServer } from './demo-setup.js';
import { readFileSync } from 'node:fs';

const OPTIONS_PAGE = 'ui/options/options.html';

const version = (JSON.parse(readFileSync(path.join(REPO_DIR, 'package.json'), 'utf8')) as { version: string }).version;
const xpi = path.join(REPO_DIR, 'dist', `xexec-${version}.xpi`);

const display = process.env.WAYLAND_DISPLAY || process.env.DISPLAY || '';

let server: TestServer | null = null;
let office: PostOffice | null = null;
let tb: Thunderbird | null = null;
let stopping = false;

function say(text: string): void {
  console.log(text);
}

/** Stops Thunderbird, then Dovecot; both remove their temp dirs. */
async function shutdown(code: number, why: string): Promise<never> {
  if (!stopping) {
    stopping = true;
    say(`\n${why} Stopping Thunderbird and the demo server, removing their files...`);
    office?.stop();
    try {
      await tb?.stop();
    } finally {
      await server?.stop();
    }
    say('Stopped. Nothing is left running, and the temp dirs are gone.');
    process.exit(code);
  }
  return new Promise<never>(() => {});
}

// Registered before the fixture's and the harness's own handlers, so the message comes
// first; theirs then stop both synchronously, and this one finishes and exits.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => void shutdown(0, sig === 'SIGINT' ? 'Ctrl-C.' : `${sig}.`));
}

/** Opens the add-on's settings page in a tab of the main window, as its Settings button does. */
async function openSettingsTab(t: Thunderbird): Promise<void> {
  await t.chrome(`
    const [id, page] = arguments;
    const policy = WebExtensionPolicy.getByID(id);
    if (!policy) throw new Error("the add-on is not installed: " + id);
    const url = "moz-extension://" + policy.mozExtensionHostname + "/" + page;
    const win = Services.wm.getMostRecentWindow("mail:3pane");
    win.document.getElementById("tabmail").openTab("contentTab", { url, background: false });
  `, [ADDON_ID, OPTIONS_PAGE]);
  await t.waitFor('the settings tab', `
    const tabmail = Services.wm.getMostRecentWindow("mail:3pane").document.getElementById("tabmail");
    const tab = tabmail.currentTabInfo;
    return !!(tab && tab.browser && tab.browser.currentURI && tab.browser.currentURI.spec.endsWith(arguments[0])
      && !tab.browser.webProgress.isLoadingDocument);
  `, 30_000, [OPTIONS_PAGE]);
}

/** Selects the account's Inbox in the 3-pane tab, so the mail tab behind the settings shows it. */
async function showInbox(t: Thunderbird, accountId: string): Promise<void> {
  await t.chrome(`
    const win = Services.wm.getMostRecentWindow("mail:3pane");
    const server = MailServices.accounts.getAccount(arguments[0]).incomingServer;
    const inbox = server.rootFolder.getFolderWithFlags(Ci.nsMsgFolderFlags.Inbox);
    const about3Pane = win.document.getElementById("tabmail").tabInfo[0].chromeBrowser.contentWindow;
    if (inbox && about3Pane && about3Pane.displayFolder) about3Pane.displayFolder(inbox.URI);
  `, [accountId]);
}

const WELCOME = `Hello,

this is the XEXEC demo. The tab "Mail server settings" next to this one is the
add-on's (its Options in Add-ons and Themes open it again).

Things to try there:
- Block list: add an address or @domain; the server files its mail in Junk.
- Automatic reply: switch it on; the server answers senders, also while
  Thunderbird is closed.
- Forwarding, and Password (Thunderbird keeps using the new one).
- Sending: this account has no outgoing (SMTP) server. Switch on "Send
  through this account's IMAP connection", then write to yourself or to
  bob@example.com: the server sends it, and the copy is in Sent.

Everything goes over Thunderbird's own IMAP connection as the XEXEC command.
The server is a throwaway Dovecot on 127.0.0.1; Ctrl-C in the terminal where
npm start runs stops it and Thunderbird, and removes all their files.
`;

async function main(): Promise<void> {
  if (!display) {
    say(`No display: neither $DISPLAY nor $WAYLAND_DISPLAY is set, so Thunderbird runs HEADLESS
and you will not see it. To see it, run npm start in a desktop session, or give it a display:
  xvfb-run -a npm start                      (a virtual X display; apt-get install xvfb)
  Xvfb :99 & DISPLAY=:99 npm start           (the same, by hand; e.g. look at it with a VNC server)
  ssh -X <this machine>, then npm start      (your own screen)
Starting headless anyway: the server, the account and the add-on work the same.
`);
  }

  say('Starting a throwaway Dovecot with the XEXEC plugin and the reference modules...');
  server = await startDemoServer();
  const password = server.passwords[DEMO_USER];
  if (password === undefined) throw new Error(`no password for ${DEMO_USER}`);
  await server.deliver({ from: 'demo@example.net', to: DEMO_USER, subject: 'Welcome to the XEXEC demo', body: WELCOME });
  say(`  IMAP on 127.0.0.1:${server.imapPort}, user ${DEMO_USER}; files in ${server.dir}`);
  // What the server sends (Sending, vacation replies, forwards, alert codes) to the demo users arrives.
  office = startPostOffice(server, DEMO_ADDRESSES, (line) => say(`  [mail] ${line}`));

  say(`Starting Thunderbird ${display ? `on display ${display}` : 'HEADLESS (no display, see above)'} with a throwaway profile...`);
  tb = await startThunderbird({ headless: !display });
  say(`  profile in ${tb.profile}`);

  say(`Installing the add-on ${path.relative(REPO_DIR, xpi)}...`);
  const id = await tb.installAddon(xpi, false);
  if (id !== ADDON_ID) throw new Error(`installed ${id}, expected ${ADDON_ID}`);

  say(`Adding the IMAP account ${DEMO_USER} (password saved, so Thunderbird does not ask)...`);
  const { accountId } = await tb.createImapAccount({
    port: server.imapPort, user: DEMO_USER, password, savePassword: true, email: DEMO_USER,
  });
  await showInbox(tb, accountId);

  say('Opening the XEXEC settings tab...');
  await openSettingsTab(tb);

  say(`
Ready. Thunderbird shows the XEXEC settings tab for ${DEMO_USER}${display ? '' : ' (headless: not visible)'}.
The Inbox has a welcome message with things to try.

Try the server by hand too (the password is in ${server.passwdFile}):
  nc 127.0.0.1 ${server.imapPort}
  a LOGIN ${DEMO_USER} <password>
  b XEXEC blacklist list

Press Ctrl-C to stop Thunderbird and the server (closing Thunderbird does too).`);

  // Closing Thunderbird ends the demo as well.
  const watch = setInterval(() => {
    if (tb && !tb.running && !stopping) {
      clearInterval(watch);
      void shutdown(0, 'Thunderbird was closed.');
    }
  }, 500);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack ?? e.message : e);
  void shutdown(1, 'The demo could not start.');
});
