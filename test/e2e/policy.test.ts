// End-to-end: an administrator's rollout (docs/ADMIN.md). A system-wide policies.json
// force-installs the built .xpi from a file:// URL and presets the add-on through managed
// storage ("3rdparty"); the server calls its password module `password`, and the policy
// says so. The background, asked from the add-on's own settings page, must send `password`
// (the password really changes: a raw IMAP LOGIN says so), report the policy, and refuse
// what the policy turns off.
//
// The policies.json is written only where none exists (policy-file.ts), removed as soon as
// Thunderbird has read it, and also when this process dies; while it exists no other
// test's Thunderbird starts (startup-lock.ts).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackgroundResponse, RequestType } from '../../src/messages/messages.js';
import { pw, referenceModules, startServer, USERS, type TestServer } from '../server/fixture/index.js';
import { buildAddon } from './addon.js';
import { distributionPolicyFile, SYSTEM_POLICY_FILE, writePolicyFile, type PolicyFile } from './policy-file.js';
import { acquireExclusiveStartup } from './startup-lock.js';
import { delay, startThunderbird, thunderbirdAvailable, type ExtensionPage, type Thunderbird } from './thunderbird.js';
import { ADDON_ID } from '../support/constants.js';

const USER = USERS.carol;

/** What the administrator presets (storage.managed). */
const MANAGED = {
  modules: { changepassword: 'password' },
  hiddenPanels: ['forwardmail'],
  disableConsole: true,
  vacationDefault: { subject: 'Out of office', body: 'I am away until Monday.' },
  // The accounts of this test are on 127.0.0.1.
  servers: { '127.0.0.1': { hiddenPanels: ['forwardmail', 'whitelist'] } },
  // A typo: left out, reported, and the rest applies.
  hiddenPanel: ['vacation'],
};
const PROBLEM = '"hiddenPanel" is not a setting of the add-on; ignored';

let tmp: string;
let xpiUrl: string;
let server: TestServer;
let policyFile: PolicyFile | null = null;
let releaseStartup: (() => void) | null = null;
let tb: Thunderbird;
let page: ExtensionPage;
let accountId: string;
let distributionDirExisted: boolean;

/** runtime.sendMessage(request) from the add-on's settings page. */
function send<T extends RequestType>(request: { type: T } & Record<string, unknown>): Promise<BackgroundResponse<T>> {
  return page.run<BackgroundResponse<T>>('return await page.browser.runtime.sendMessage(page.JSON.parse(arguments[0]));', [JSON.stringify(request)]);
}

function removePolicy(): void {
  policyFile?.remove();
  policyFile = null;
  releaseStartup?.();
  releaseStartup = null;
}

describe('an administrator\'s rollout: policies.json force-installs the .xpi and presets it', () => {
  beforeAll(async () => {
    if (!thunderbirdAvailable()) throw new Error('Thunderbird is missing: run `npm run deps` as root');
    const built = await buildAddon();
    // Only the .xpi is used here, from a folder of this test's own.
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xexec-policy-'));
    const xpi = path.join(tmp, path.basename(built.xpi));
    fs.copyFileSync(built.xpi, xpi);
    built.remove();
    xpiUrl = pathToFileURL(xpi).href;

    // The server knows the password module as `password` (and has no `changepassword`).
    server = await startServer({
      modules: (dir) => referenceModules(dir)
        .map((m) => (m.name === 'changepassword' ? { ...m, name: 'password' } : m)),
      argsInEnv: [],
      argsOnStdin: ['password'],
    });

    releaseStartup = await acquireExclusiveStartup();
    distributionDirExisted = fs.existsSync(path.dirname(distributionPolicyFile()));
    try {
      policyFile = writePolicyFile({
        ExtensionSettings: { [ADDON_ID]: { installation_mode: 'force_installed', install_url: xpiUrl } },
        '3rdparty': { Extensions: { [ADDON_ID]: MANAGED } },
      });
      // Content-process console output (the background's) in Thunderbird's log, too.
      tb = await startThunderbird({ prefs: { 'devtools.console.stdout.content': true } });
      // The policy installs the add-on while Thunderbird starts; wait for it to run.
      await tb.waitFor('the force-installed add-on', `
        const policy = WebExtensionPolicy.getByID(arguments[0]);
        return !!(policy && policy.extension && policy.extension.backgroundState === "running");
      `, 60_000, [ADDON_ID]);
    } finally {
      // Read once at start-up: from here on the file only matters to other Thunderbirds.
      removePolicy();
    }
    accountId = (await tb.createImapAccount({ port: server.imapPort, user: USER, password: pw(USER) })).accountId;
    page = await tb.openExtensionPage(ADDON_ID, 'ui/options/options.html');
  }, 240_000);

  afterAll(async () => {
    removePolicy();
    try {
      await tb?.stopExpectingNoCrash();
    } finally {
      await server?.stop();
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    }
  }, 120_000);

  it('Thunderbird applied the policies, installed the .xpi from file:// and will not let it go', async () => {
    const state = await tb.chrome<{ status: number; active: number; policies: string[]; source: string; temporary: boolean; canUninstall: boolean; canDisable: boolean; version: string }>(`
      const { AddonManager } = ChromeUtils.importESModule("resource://gre/modules/AddonManager.sys.mjs");
      const addon = await AddonManager.getAddonByID(arguments[0]);
      return {
        status: Services.policies.status,
        active: Ci.nsIEnterprisePolicies.ACTIVE,
        policies: Object.keys(Services.policies.getActivePolicies()).sort(),
        source: addon.sourceURI ? addon.sourceURI.spec : "",
        temporary: addon.temporarilyInstalled,
        canUninstall: !!(addon.permissions & AddonManager.PERM_CAN_UNINSTALL),
        canDisable: !!(addon.permissions & AddonManager.PERM_CAN_DISABLE),
        version: addon.version,
      };
    `, [ADDON_ID]);
    expect(state.status).toBe(state.active);
    expect(state.policies).toEqual(['3rdparty', 'ExtensionSettings']);
    expect(state.source).toBe(xpiUrl);
    expect(state.temporary).toBe(false);
    expect(state.canUninstall).toBe(false);
    expect(state.canDisable).toBe(false);
    expect(state.version).toBe(JSON.parse(fs.readFileSync('package.json', 'utf8')).version);
  });

  it('the policies.json is gone again, and nothing else was touched', () => {
    expect(fs.existsSync(distributionPolicyFile())).toBe(false);
    expect(fs.existsSync(path.dirname(distributionPolicyFile()))).toBe(distributionDirExisted);
    expect(fs.existsSync(SYSTEM_POLICY_FILE)).toBe(false);
  });

  it('storage.managed holds the preset, also after the file is gone (read once at start-up)', async () => {
    expect(await page.run('return JSON.parse(page.JSON.stringify(await page.browser.storage.managed.get()));')).toEqual(MANAGED);
  });

  it('policy.get: the effective policy, per account and global', async () => {
    expect(await send({ type: 'policy.get', accountId })).toEqual({
      ok: true,
      value: {
        managed: true,
        server: '127.0.0.1',
        modules: { blacklist: 'blacklist', whitelist: 'whitelist', changepassword: 'password', forwardmail: 'forwardmail', vacation: 'vacation', spam: 'spam', alerts: 'alerts', rules: 'rules' },
        renamedModules: ['changepassword'],
        hiddenPanels: ['forwardmail', 'whitelist'],
        consoleDisabled: true,
        vacationDefault: { subject: 'Out of office', body: 'I am away until Monday.' },
        alerts: { targetDomains: [], lockConditions: false },
        spam: {},
        sending: null,
        problems: [PROBLEM],
      },
    });
    expect(await send({ type: 'policy.get' })).toMatchObject({ ok: true, value: { server: null, hiddenPanels: ['forwardmail'] } });
  });

  it('a wrong entry is logged to the background\'s console for the administrator', () => {
    const logged = tb.readLog().split('\n').filter((l) => l.includes('XEXEC policy'));
    expect(logged).toEqual([`console.warn: ${JSON.stringify(`XEXEC policy: ${PROBLEM}`)}`]);
  });

  it('discovery reports the server\'s `password` as changepassword', async () => {
    const r = await send({ type: 'discover', accountId, refresh: true });
    // spam is not renamed by this policy: discovery passes it through under its own name.
    expect(r).toEqual({ ok: true, value: { modules: ['blacklist', 'whitelist', 'changepassword', 'forwardmail', 'vacation', 'spam'] } });
  });

  it('a password change goes to the server\'s `password` module, and the server has the new password', async () => {
    const newPassword = `carol-policy-${process.pid}`;
    expect(await send({ type: 'password.change', accountId, newPassword })).toEqual({
      ok: true,
      value: { updated: { incomingSaved: false, incomingSession: true, outgoingSaved: false, outgoingSession: false }, updateError: null },
    });
    // Dovecot re-reads its passwd-file at most once a second.
    await delay(1100);
    const c = await server.login(USER, newPassword);
    expect(c.loginResponse.status).toBe('OK');
    c.close();
    const old = await server.connect();
    try {
      expect((await old.login(USER, pw(USER))).status).toBe('NO');
    } finally {
      old.close();
    }
    // The standard name is no module on this server: the add-on did not send it.
    const raw = await server.login(USER, newPassword);
    try {
      expect((await raw.command('XEXEC changepassword x')).tagged.toString('utf8')).toMatch(/NO \[XEXEC-UNKNOWN\]/);
    } finally {
      raw.close();
    }
  });

  it('what the policy turns off is refused before anything is sent', async () => {
    const off = { ok: false, error: { kind: 'input', code: null, message: 'Your administrator has turned this off.', serverMessage: null, field: null } };
    expect(await send({ type: 'forward.show', accountId })).toEqual(off);
    expect(await send({ type: 'list.show', accountId, list: 'whitelist' })).toEqual(off);
    expect(await send({ type: 'console', accountId, module: 'blacklist', args: ['list'] })).toEqual(off);
    expect(await send({ type: 'list.show', accountId, list: 'blacklist' })).toEqual({ ok: true, value: { entries: '' } });
  });

  it('Thunderbird is still alive at the end', async () => {
    expect(await tb.responsive()).toBe(true);
  });
});
