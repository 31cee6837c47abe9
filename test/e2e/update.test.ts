// End-to-end: updates from the administrator's own server (docs/ADMIN.md §5). The built
// add-on, staged twice with an update_url (as XEXEC_UPDATE_URL=... npm run build makes it)
// as 0.1.0-like "old" and "new" versions; an https server on 127.0.0.1 with a throwaway CA
// (trusted in the test profile only) serves an update manifest in the form of
// docs/updates.json.example. Thunderbird checks for updates and installs the new one.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAddon, type BuiltAddon } from './addon.js';
import { REPO_DIR, startThunderbird, thunderbirdAvailable, type Thunderbird } from './thunderbird.js';
import { ADDON_ID } from '../support/constants.js';

const OLD = '0.0.1';
const NEW = '0.0.2';

let tmp: string;
let server: https.Server;
let base: string;
const requests: string[] = [];
let tb: Thunderbird;
let caDer: Buffer;

function openssl(args: string[]): void {
  execFileSync('openssl', args, { cwd: tmp, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A CA and a certificate for 127.0.0.1 signed by it. */
function makeCertificates(): { key: Buffer; cert: Buffer } {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2',
    '-subj', '/CN=XEXEC test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
  fs.writeFileSync(path.join(tmp, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem',
    '-days', '2', '-extfile', 'server.ext']);
  openssl(['x509', '-in', 'ca.pem', '-outform', 'DER', '-out', 'ca.der']);
  caDer = fs.readFileSync(path.join(tmp, 'ca.der'));
  return { key: fs.readFileSync(path.join(tmp, 'server.key')), cert: fs.readFileSync(path.join(tmp, 'server.pem')) };
}

/**
 * The built add-on with another version and the update_url, zipped as web-ext build does. From
 * buildAddon()'s private copy (without its test page), not from dist/addon/, which another test
 * file's buildAddon() may be rebuilding meanwhile.
 */
function stageXpi(built: BuiltAddon, version: string, updateUrl: string): string {
  const dir = path.join(tmp, `addon-${version}`);
  const testPage = path.join(built.testAddonDir, 'e2e');
  fs.cpSync(built.testAddonDir, dir, { recursive: true, filter: (src) => src !== testPage });
  const manifestPath = path.join(dir, 'manifest.json');
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  manifest.version = version;
  manifest.browser_specific_settings.gecko.update_url = updateUrl;
  fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  const out = path.join(tmp, 'www');
  execFileSync(process.execPath, [path.join(REPO_DIR, 'node_modules', 'web-ext', 'bin', 'web-ext.js'), 'build',
    '--source-dir', dir, '--artifacts-dir', out, '--filename', `xexec-${version}.xpi`, '--overwrite-dest'], { stdio: 'ignore' });
  return path.join(out, `xexec-${version}.xpi`);
}

describe('updates from a self-hosted update manifest', () => {
  beforeAll(async () => {
    if (!thunderbirdAvailable()) throw new Error('Thunderbird is missing: run `npm run deps` as root');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xexec-update-'));
    const built = await buildAddon();
    const { key, cert } = makeCertificates();
    const www = path.join(tmp, 'www');
    fs.mkdirSync(www);
    server = https.createServer({ key, cert }, (req, res) => {
      requests.push(req.url ?? '');
      const file = path.join(www, path.basename(req.url ?? ''));
      if (!fs.existsSync(file)) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': file.endsWith('.json') ? 'application/json' : 'application/x-xpinstall' });
      res.end(fs.readFileSync(file));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const updateUrl = `${base}/updates.json`;
    let oldXpi: string;
    let newXpi: string;
    try {
      oldXpi = stageXpi(built, OLD, updateUrl);
      newXpi = stageXpi(built, NEW, updateUrl);
    } finally {
      built.remove();
    }
    fs.renameSync(oldXpi, path.join(tmp, path.basename(oldXpi))); // not served
    // The form of docs/updates.json.example, with this server's links and the real hash.
    const example = JSON.parse(fs.readFileSync(path.join(REPO_DIR, 'docs', 'updates.json.example'), 'utf8'));
    const entries = example.addons[ADDON_ID].updates as { version: string; update_link: string; update_hash: string }[];
    const entry = { ...entries[entries.length - 1]!, version: NEW, update_link: `${base}/${path.basename(newXpi)}` };
    entry.update_hash = `sha256:${createHash('sha256').update(fs.readFileSync(newXpi)).digest('hex')}`;
    fs.writeFileSync(path.join(www, 'updates.json'), JSON.stringify({ addons: { [ADDON_ID]: { updates: [entry] } } }, null, 2));

    tb = await startThunderbird({ prefs: { 'extensions.update.enabled': true } });
    // The test CA is trusted in this throwaway profile only.
    await tb.chrome(`
      const db = Cc["@mozilla.org/security/x509certdb;1"].getService(Ci.nsIX509CertDB);
      db.addCertFromBase64(arguments[0], "C,,");
    `, [caDer.toString('base64')]);
    expect(await tb.installAddon(path.join(tmp, path.basename(oldXpi)), false)).toBe(ADDON_ID);
  }, 180_000);

  afterAll(async () => {
    try {
      await tb?.stop();
    } finally {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    }
  }, 60_000);

  it('Thunderbird finds the new version in the update manifest and installs it', async () => {
    const before = await tb.chrome<{ version: string; updateURL: string | null }>(`
      const { AddonManager } = ChromeUtils.importESModule("resource://gre/modules/AddonManager.sys.mjs");
      const addon = await AddonManager.getAddonByID(arguments[0]);
      return { version: addon.version, updateURL: addon.updateURL || null };
    `, [ADDON_ID]);
    expect(before).toEqual({ version: OLD, updateURL: `${base}/updates.json` });

    const outcome = await tb.chrome<string>(`
      const { AddonManager } = ChromeUtils.importESModule("resource://gre/modules/AddonManager.sys.mjs");
      const addon = await AddonManager.getAddonByID(arguments[0]);
      return await new Promise((resolve) => {
        addon.findUpdates({
          onUpdateAvailable(a, install) {
            install.addListener({
              onInstallEnded: (i, newAddon) => resolve("installed " + newAddon.version),
              onInstallFailed: (i) => resolve("install failed " + i.error),
              onDownloadFailed: (i) => resolve("download failed " + i.error),
            });
            install.install();
          },
          onNoUpdateAvailable() { resolve("no update"); },
          onUpdateFinished(a, error) { if (error) resolve("update check failed " + error); },
        }, AddonManager.UPDATE_WHEN_USER_REQUESTED);
      });
    `, [ADDON_ID]);
    expect(outcome).toBe(`installed ${NEW}`);
    expect(requests).toEqual(['/updates.json', `/xexec-${NEW}.xpi`]);
    await tb.waitFor('the updated add-on to run', `
      const policy = WebExtensionPolicy.getByID(arguments[0]);
      return !!(policy && policy.extension && policy.extension.version === arguments[1] && policy.extension.backgroundState === "running");
    `, 30_000, [ADDON_ID, NEW]);
  });

  it('a wrong update_hash is refused', async () => {
    const manifestFile = path.join(tmp, 'www', 'updates.json');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    const entry = manifest.addons[ADDON_ID].updates[0];
    entry.version = '0.0.3';
    entry.update_hash = `sha256:${'0'.repeat(64)}`;
    fs.writeFileSync(manifestFile, JSON.stringify(manifest));
    const outcome = await tb.chrome<string>(`
      const { AddonManager } = ChromeUtils.importESModule("resource://gre/modules/AddonManager.sys.mjs");
      const addon = await AddonManager.getAddonByID(arguments[0]);
      return await new Promise((resolve) => {
        addon.findUpdates({
          onUpdateAvailable(a, install) {
            install.addListener({
              onInstallEnded: (i, newAddon) => resolve("installed " + newAddon.version),
              onInstallFailed: (i) => resolve("install failed " + i.error),
              onDownloadFailed: (i) => resolve("download failed " + i.error),
            });
            install.install();
          },
          onNoUpdateAvailable() { resolve("no update"); },
          onUpdateFinished(a, error) { if (error) resolve("update check failed " + error); },
        }, AddonManager.UPDATE_WHEN_USER_REQUESTED);
      });
    `, [ADDON_ID]);
    expect(outcome).toMatch(/^download failed /);
    expect(await tb.chrome<string>(`
      const { AddonManager } = ChromeUtils.importESModule("resource://gre/modules/AddonManager.sys.mjs");
      return (await AddonManager.getAddonByID(arguments[0])).version;
    `, [ADDON_ID])).toBe(NEW);
  });
});
