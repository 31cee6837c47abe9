// `npm run screenshots`: every panel of the settings tab, light and dark, as Thunderbird
// shows it, into docs/screenshots/<panel>-<light|dark>.png; and the 3-pane window with the
// automatic reply reminder (reminder-*), the message list's context menu with the block and
// allow items (sender-menu-*) and the message header button's menu (sender-header-*).
// XEXEC_SHOTS=panels or =screen makes only the one or the other set.
//
// A throwaway Dovecot with the reference modules only (so the account offers what a real
// server would), the user's settings put there over raw IMAP (a block list, an allow list,
// forwarding, an automatic reply), then for each colour scheme a headless Thunderbird 153
// (1280x800, `ui.systemUsesDarkTheme` 0 or 1) with the account and the built .xpi: the
// settings tab is used through its DOM as in test/e2e (settings-tab.ts) and the 3-pane
// window is captured with Marionette's WebDriver:TakeScreenshot (chrome context), then
// re-encoded losslessly (scripts/png.ts). The mail (five messages, one from "Spam Sender
// <pest@spam.example>") is delivered over LMTP. A headless Thunderbird's captures leave out open
// menus (a popup is a widget of its own), so the 3-pane shots come from a Thunderbird on a
// private Xvfb display (scripts/xvfb.ts): the screen as a person would see it, cropped to the
// window, the menus opened with the same trusted events as test/e2e/sender-actions.test.ts
// (scripts/screenshots-3pane.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ADDON_ID, alertsModule, buildAddon, defaultModules, ExtensionPage, isoDay, OPTIONS_PAGE, type PanelKey, REPO_DIR, rulesModule, SettingsTab, submitModule, startServer, startThunderbird, type TestServer, type Thunderbird } from '../test/support/harness.js';
import { recompressPng } from './png.js';
import { closeMenus, openHeaderMenu, openSenderMenu, reminderShown, shootScreen, showMessage } from './screenshots-3pane.js';
import { startXvfb, type XDisplay } from './xvfb.js';

const OUT = path.join(REPO_DIR, 'docs', 'screenshots');
const USER = 'jane@example.com';
const PASSWORD = 'jane-pass-1';
const ACCOUNT_NAME = 'Work';
const WIDTH = 1280;
const HEIGHT = 800;
const STANDARD = new Set(['blacklist', 'whitelist', 'changepassword', 'forwardmail', 'vacation', 'spam']);
const ALL_PANELS: readonly PanelKey[] = ['vacation', 'forwardmail', 'blacklist', 'whitelist', 'changepassword', 'spam', 'alerts', 'rules', 'sending', 'console'];
/** XEXEC_PANELS=spam,vacation makes only these panels' shots. */
const PANELS = process.env.XEXEC_PANELS ? ALL_PANELS.filter((p) => process.env.XEXEC_PANELS!.split(',').includes(p)) : ALL_PANELS;
/** Added through the page in each run, so the block list shows the live region at work. */
const ADDED = '@prize-draw.example';

const BLOCKED = [
  '@spam.example', '@casino-bonus.example', '@cheap-meds.example', 'offers@shop.example', 'newsletter@deals.example',
  'noreply@marketing.example', 'info@lottery.example', 'promo@travel-deals.example', 'sales@seo-experts.example',
  'winner@prize.example', 'support@phish.example', 'admin@fake-bank.example', 'crypto@get-rich.example',
  'hello@growth-hacks.example', 'team@webinar-now.example', 'ceo@unknown-startup.example', 'deals@black-friday.example',
  'mailer@bulk.example', 'news@daily-digest.example', 'jobs@recruit-now.example', 'survey@feedback.example',
];
const ALLOWED = ['@family.example', 'boss@spam.example', 'billing@bank.example', 'orders@shop.example'];

/** The rules panel's list (PROTOCOL.md §6.7 rule texts). */
const RULES = [
  'name Clients\nif sender-domain is example.com\ndo move Clients.Example\ndo read',
  'name Newsletters\nmatch any\nif subject contains newsletter\nif from begins news@\ndo move Newsletters\nstop yes',
  'name Receipts\nif from ends @shop.example\ndo copy Receipts\ndo flag',
  'name Large attachments\nenabled no\nif size over 10000000\nif attachment\ndo flag',
];

/** The `~base64url` form of an argument (PROTOCOL.md §3.1): any bytes, no quoting. */
const enc = (s: string) => `~${Buffer.from(s, 'utf8').toString('base64url')}`;

async function xexec(server: TestServer, command: string): Promise<void> {
  const c = await server.login(USER, PASSWORD);
  try {
    const r = await c.command(command);
    if (r.status !== 'OK') throw new Error(`${command.slice(0, 60)}: ${r.text}`);
  } finally {
    c.close();
  }
}

/** The Inbox (delivered over LMTP before the lists exist: the block list would take the spam). */
const MAIL: readonly { from: string; subject: string; hour: number }[] = [
  { from: 'Anna Berger <anna.berger@example.com>', subject: 'Minutes of Monday\'s meeting', hour: 8 },
  { from: 'IT Service Desk <it@example.com>', subject: 'Planned maintenance on Saturday', hour: 9 },
  { from: 'Tom Schmidt <tom@partner.example>', subject: 'Re: Offer for the new website', hour: 10 },
  { from: 'Spam Sender <pest@spam.example>', subject: 'You have won a free cruise!', hour: 11 },
  { from: 'Lena Fischer <lena.fischer@example.com>', subject: 'Lunch on Thursday?', hour: 12 },
];
const SPAM_SUBJECT = MAIL[3]!.subject;

async function deliverMail(server: TestServer): Promise<void> {
  const day = new Date();
  for (const m of MAIL) {
    day.setUTCHours(m.hour, 7, 0, 0);
    const address = /<(.*)>/.exec(m.from)![1]!;
    const r = await server.deliver({ from: address, to: USER, subject: m.subject, headers: { From: m.from, Date: day.toUTCString().replace('GMT', '+0000') },
      body: 'Hello Jane,\n\nthis message is here for the screenshots.\n' });
    if (!/^250 /.test(r.dataReplies[0] ?? '')) throw new Error(`LMTP: ${r.transcript.join(' | ')}`);
  }
}

/** What the user has set on the server before opening the settings. */
async function seed(server: TestServer): Promise<void> {
  await deliverMail(server);
  await xexec(server, `XEXEC blacklist add ${BLOCKED.join(' ')}`);
  await xexec(server, `XEXEC whitelist add ${ALLOWED.join(' ')}`);
  await xexec(server, 'XEXEC forwardmail set jane.doe@home.example keep');
  const body = 'Hello,\n\nI am out of the office and read no mail until I am back.\n'
    + 'For anything urgent, please write to office@example.com.\n\nBest regards,\nJane';
  await xexec(server, 'XEXEC spam set level=standard tlds=ru,cn,top,xyz charsets=koi8-r,koi8-u,windows-1251,iso-8859-5,ibm866,cp866,x-mac-cyrillic');
  await xexec(server, 'XEXEC spam contacts set anna.berger@example.com tom@partner.example lena.fischer@example.com');
  // A new alert target: the panel shows the code step (the code went to the capture).
  await xexec(server, `XEXEC alerts set ${['target=jane.pager@sms.example.net', 'senders=boss@example.com,@partner.example', 'words=server down,invoice overdue', 'urgent=yes'].map(enc).join(' ')}`);
  // Server rules, their folders made and subscribed as a mail client leaves them.
  for (const folder of ['Clients', 'Clients.Example', 'Newsletters', 'Receipts']) {
    await xexec(server, `CREATE "${folder}"`);
    await xexec(server, `SUBSCRIBE "${folder}"`);
  }
  for (const rule of RULES) await xexec(server, `XEXEC rules add ${enc(rule)}`);
  await xexec(server, `XEXEC vacation set ${[`subject=Out of office`, `body=${body}`, 'days=7', `start=${isoDay(0)}`, `end=${isoDay(14)}`].map(enc).join(' ')}`);
}

/** Per panel: what a person has just done there, so the shot shows the panel at work. */
async function prepare(tab: SettingsTab, panel: PanelKey): Promise<void> {
  switch (panel) {
    case 'blacklist':
      await tab.fill('blacklist', 'Add an address or domain', ADDED);
      await tab.act('blacklist', 'Add');
      await tab.clickRow('blacklist', '@casino-bonus.example');
      break;
    case 'changepassword':
      await tab.fill('changepassword', 'New password', 'correct horse battery staple');
      await tab.fill('changepassword', 'Repeat the new password', 'correct horse battery staple');
      break;
    case 'spam':
      await tab.fill('spam', 'Find a country or domain', 'ch');
      break;
    case 'sending':
      // Switched on through the panel: Thunderbird now has the xexec outgoing server.
      await tab.setChecked('sending', "Send through this account's IMAP connection", true);
      await tab.waitText('sending', /send through its IMAP connection/);
      break;
    case 'console':
      await tab.fill('console', 'Module', 'forwardmail');
      await tab.fill('console', 'Arguments, one a line', 'show');
      await tab.act('console', 'Run');
      break;
    default:
      break;
  }
}

/** Scrolls the account's heading to the top (the first panel: the page's top; spam: its lists) and drops the focus. */
async function frame(tab: SettingsTab, panel: PanelKey): Promise<void> {
  await tab.dom<void>(`
    doc.activeElement?.blur();
    if (args[0] === "vacation") window.scrollTo(0, 0);
    // The spam panel's level choice is plain radios: show its blocked countries and languages.
    else if (args[0] === "spam") window.scrollTo(0, scope("spam").querySelector(".spam-action").getBoundingClientRect().top + window.scrollY - 16);
    else window.scrollTo(0, view().getBoundingClientRect().top + window.scrollY - 16);
    await painted();
  `, [panel]);
}

/**
 * The 3-pane window with the settings tab, as on screen. Marionette's chrome screenshot
 * (WebDriver:TakeScreenshot) leaves out what the tab paints with opacity (the dimmed
 * buttons), so the window and the tab's content are drawn separately (drawSnapshot of each
 * window global, what Marionette uses) and the content is put where its <browser> is.
 */
async function shoot(tb: Thunderbird, tab: SettingsTab, file: string): Promise<void> {
  const dataUrl = await tb.chrome<string>(`
    const url = arguments[0];
    const win = Services.wm.getMostRecentWindow("mail:3pane");
    // The status bar would still say what Thunderbird last did with the account.
    const status = win.document.getElementById("statusText");
    if (status) status.value = "";
    await new Promise((r) => win.requestAnimationFrame(() => win.setTimeout(r, 0)));
    const tabmail = win.document.getElementById("tabmail");
    const info = tabmail.tabInfo.find((t) => t.browser && t.browser.currentURI && t.browser.currentURI.spec === url);
    const browser = info.browser;
    const scale = win.devicePixelRatio;
    const chrome = await win.browsingContext.currentWindowGlobal.drawSnapshot(null, scale, "white");
    const content = await browser.browsingContext.currentWindowGlobal.drawSnapshot(null, scale, "white");
    const box = browser.getBoundingClientRect();
    const canvas = win.document.createElementNS("http://www.w3.org/1999/xhtml", "canvas");
    canvas.width = chrome.width;
    canvas.height = chrome.height;
    const ctx = canvas.getContext("2d");
    ctx.drawImage(chrome, 0, 0);
    ctx.drawImage(content, Math.round(box.left * scale), Math.round(box.top * scale));
    return canvas.toDataURL("image/png");
  `, [tab.page.url]);
  const png = recompressPng(Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64'));
  fs.writeFileSync(file, png);
  console.log(`  ${path.relative(REPO_DIR, file)} (${Math.round(png.length / 1024)} KiB)`);
}

/** The settings tab as the add-on's Options open it: the page's own URL (no test tag in the address bar). */
async function openSettings(tb: Thunderbird): Promise<ExtensionPage> {
  const url = await tb.chrome<string>(`
    const [id, page] = arguments;
    const url = "moz-extension://" + WebExtensionPolicy.getByID(id).mozExtensionHostname + "/" + page;
    Services.wm.getMostRecentWindow("mail:3pane").document.getElementById("tabmail").openTab("contentTab", { url, background: false });
    return url;
  `, [ADDON_ID, OPTIONS_PAGE]);
  await tb.waitFor('the settings tab', `
    const tabmail = Services.wm.getMostRecentWindow("mail:3pane").document.getElementById("tabmail");
    const tab = tabmail.tabInfo.find((t) => t.browser && t.browser.currentURI && t.browser.currentURI.spec === arguments[0]);
    return !!(tab && tab.browser.browsingContext.currentWindowGlobal && !tab.browser.webProgress.isLoadingDocument);
  `, 30_000, [url]);
  return new ExtensionPage(tb, url);
}

async function run(server: TestServer, xpi: string, scheme: 'light' | 'dark'): Promise<void> {
  console.log(`${scheme}:`);
  // Overlay scrollbars, as GTK desktops have them by default (headless leaves a blank strip for classic ones).
  const tb = await startThunderbird({ prefs: { 'ui.systemUsesDarkTheme': scheme === 'dark' ? 1 : 0, 'ui.useOverlayScrollbars': 1 } });
  try {
    const { accountId } = await tb.createImapAccount({ port: server.imapPort, user: USER, password: PASSWORD, savePassword: true });
    await tb.chrome('MailServices.accounts.getAccount(arguments[0]).incomingServer.prettyName = arguments[1];', [accountId, ACCOUNT_NAME]);
    await tb.marionette!.send('WebDriver:SetWindowRect', { width: WIDTH, height: HEIGHT });
    if (await tb.installAddon(xpi) !== ADDON_ID) throw new Error('the .xpi installed under another id');
    await xexec(server, `XEXEC blacklist del ${ADDED}`);
    const tab = new SettingsTab(await openSettings(tb), accountId);
    await tab.waitReady();
    // The console is for administrators: shown once Advanced says so. Checked before every
    // panel: a click made before the page has read its settings can be undone by that read
    // (seen once under load: "no tab console").
    const showConsole = () => tab.dom<void>('const box = [...doc.querySelectorAll("footer label")].find((l) => norm(l.textContent) === "Show the console").control; if (!box.checked) box.click(); await until("the console tab", () => view().querySelector(\'[role="tab"][data-panel="console"]\'));');
    for (const panel of PANELS) {
      await showConsole();
      await tab.openPanel(panel);
      await prepare(tab, panel);
      await frame(tab, panel);
      await shoot(tb, tab, path.join(OUT, `${panel}-${scheme}.png`));
    }
  } finally {
    await tb.stop();
  }
}

/**
 * The 3-pane window on a private X display (Xvfb): the reminder's notice and badge with a
 * message open, then the message list's context menu with the add-on's items, which only a
 * screen capture shows (a menu is a window of its own).
 */
async function runOnScreen(server: TestServer, xpi: string, scheme: 'light' | 'dark', display: XDisplay): Promise<void> {
  console.log(`${scheme}, on the X display ${display.name}:`);
  const previous = process.env.DISPLAY;
  process.env.DISPLAY = display.name;
  let tb: Thunderbird;
  try {
    tb = await startThunderbird({ headless: false, prefs: { 'ui.systemUsesDarkTheme': scheme === 'dark' ? 1 : 0, 'ui.useOverlayScrollbars': 1 } });
  } finally {
    if (previous === undefined) delete process.env.DISPLAY;
    else process.env.DISPLAY = previous;
  }
  try {
    const { accountId } = await tb.createImapAccount({ port: server.imapPort, user: USER, password: PASSWORD, savePassword: true });
    await tb.chrome('MailServices.accounts.getAccount(arguments[0]).incomingServer.prettyName = arguments[1];', [accountId, ACCOUNT_NAME]);
    await tb.marionette!.send('WebDriver:SetWindowRect', { x: 0, y: 0, width: WIDTH, height: HEIGHT });
    if (await tb.installAddon(xpi) !== ADDON_ID) throw new Error('the .xpi installed under another id');
    await reminderShown(tb, accountId);
    await showMessage(tb, accountId, MAIL.map((m) => m.subject), MAIL[0]!.subject);
    await shootScreen(tb, display, path.join(OUT, `reminder-${scheme}.png`));
    await showMessage(tb, accountId, MAIL.map((m) => m.subject), SPAM_SUBJECT);
    await openSenderMenu(tb);
    await shootScreen(tb, display, path.join(OUT, `sender-menu-${scheme}.png`));
    await closeMenus(tb);
    await openHeaderMenu(tb);
    await shootScreen(tb, display, path.join(OUT, `sender-header-${scheme}.png`));
  } finally {
    await tb.stop();
  }
}

async function main(): Promise<void> {
  const built = await buildAddon();
  const server = await startServer({
    users: { [USER]: PASSWORD },
    // Alerts to one gateway domain, so the panel shows the administrator's restriction.
    modules: (dir) => [...defaultModules(dir).filter((m) => STANDARD.has(m.name)), alertsModule(dir, ['--target-domains=sms.example.net']), rulesModule(dir), submitModule(dir)],
    // The scanner's score reaches Sieve, so the spam panel's levels are all there.
    spamtest: 'spamassassin',
  });
  try {
    await seed(server);
    fs.mkdirSync(OUT, { recursive: true });
    const only = process.env.XEXEC_SHOTS;
    if (only !== 'screen') for (const scheme of ['light', 'dark'] as const) await run(server, built.xpi, scheme);
    if (only !== 'panels') {
      const display = await startXvfb(WIDTH, HEIGHT);
      try {
        for (const scheme of ['light', 'dark'] as const) await runOnScreen(server, built.xpi, scheme, display);
      } finally {
        await display.stop();
      }
    }
  } finally {
    await server.stop();
    built.remove();
  }
}

await main();
