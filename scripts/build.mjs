// Builds the add-on into dist/addon/ (what the .xpi contains; `npm run build`
// then zips it with `web-ext build`). The code is bundled with esbuild and NOT
// minified: add-on review needs readable code. Test pages are never put here:
// test/e2e stages its own copy of dist/addon/ with its page added.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const DIST = path.join(ROOT, 'dist');
const ADDON = path.join(DIST, 'addon');

/** The experiment's bundle keeps its exports here; the footer turns them into the global Thunderbird looks up. */
const EXPERIMENT_GLOBAL = 'xexecExperimentBundle';

const common = {
  bundle: true,
  minify: false,
  sourcemap: false,
  // Thunderbird 140 ESR is the oldest supported version (manifest strict_min_version).
  target: 'firefox140',
  charset: 'utf8',
  legalComments: 'inline',
  logLevel: 'warning',
  absWorkingDir: ROOT,
};

function readJson(file) {
  return JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8'));
}

function copy(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.cpSync(from, to, { recursive: true });
}

/** The manifest's version must be package.json's, and every __MSG_x__ must exist in the English messages. */
function checkManifest(manifest, messages) {
  const pkg = readJson('package.json');
  if (manifest.version !== pkg.version) {
    throw new Error(`manifest.json version ${manifest.version} differs from package.json version ${pkg.version}`);
  }
  for (const [, key] of JSON.stringify(manifest).matchAll(/__MSG_(\w+)__/g)) {
    if (!messages[key]) throw new Error(`manifest.json uses __MSG_${key}__, which _locales/en/messages.json lacks`);
  }
}

/**
 * A self-hosted update manifest (docs/ADMIN.md): `XEXEC_UPDATE_URL=https://... npm run build`
 * puts browser_specific_settings.gecko.update_url into the built manifest (not into the
 * source one). Thunderbird fetches update manifests only over https.
 */
function updateUrl() {
  const url = process.env.XEXEC_UPDATE_URL;
  if (url === undefined || url === '') return null;
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`XEXEC_UPDATE_URL is not a URL: ${url}`);
  }
  if (parsed.protocol !== 'https:') throw new Error(`XEXEC_UPDATE_URL must be an https:// URL (Thunderbird refuses others): ${url}`);
  return parsed.href;
}

async function build() {
  const manifest = readJson('manifest.json');
  checkManifest(manifest, readJson('_locales/en/messages.json'));
  fs.rmSync(ADDON, { recursive: true, force: true });

  await Promise.all([
    // The experiment: one classic script that defines the global `xexec` class
    // (Thunderbird loads it into a sandbox and reads that global).
    esbuild.build({
      ...common,
      entryPoints: ['experiments/xexec/implementation.ts'],
      outfile: path.join(ADDON, 'experiments/xexec/implementation.js'),
      format: 'iife',
      globalName: EXPERIMENT_GLOBAL,
      footer: { js: `var xexec = ${EXPERIMENT_GLOBAL}.xexec;` },
    }),
    // The notices in the main window (the reminder), a second experiment namespace built the same way.
    esbuild.build({
      ...common,
      entryPoints: ['experiments/xexec/notices.ts'],
      outfile: path.join(ADDON, 'experiments/xexec/notices.js'),
      format: 'iife',
      globalName: 'xexecNoticesBundle',
      footer: { js: 'var xexecNotices = xexecNoticesBundle.xexecNotices;' },
    }),
    // Thunderbird's message filters, read-only, for moving them to server rules.
    esbuild.build({
      ...common,
      entryPoints: ['experiments/xexec/filters.ts'],
      outfile: path.join(ADDON, 'experiments/xexec/filters.js'),
      format: 'iife',
      globalName: 'xexecFiltersBundle',
      footer: { js: 'var xexecFilters = xexecFiltersBundle.xexecFilters;' },
    }),
    // The outgoing server type "xexec" (sending through the IMAP connection), loaded at start-up.
    esbuild.build({
      ...common,
      entryPoints: ['experiments/xexec/outgoing.ts'],
      outfile: path.join(ADDON, 'experiments/xexec/outgoing.js'),
      format: 'iife',
      globalName: 'xexecOutgoingBundle',
      footer: { js: 'var xexecOutgoing = xexecOutgoingBundle.xexecOutgoing;' },
    }),
    esbuild.build({
      ...common,
      entryPoints: ['src/background/index.ts'],
      outfile: path.join(ADDON, 'background/background.js'),
      format: 'iife',
    }),
    esbuild.build({
      ...common,
      entryPoints: ['ui/options/options.tsx'],
      outfile: path.join(ADDON, 'ui/options/options.js'),
      format: 'iife',
    }),
    // The result window of block/allow from the message (src/background/sender-actions.ts).
    esbuild.build({
      ...common,
      entryPoints: ['ui/sender/result.tsx'],
      outfile: path.join(ADDON, 'ui/sender/result.js'),
      format: 'iife',
    }),
  ]);
  const update = updateUrl();
  if (update === null) {
    copy(path.join(ROOT, 'manifest.json'), path.join(ADDON, 'manifest.json'));
  } else {
    manifest.browser_specific_settings.gecko.update_url = update;
    fs.writeFileSync(path.join(ADDON, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  }
  copy(path.join(ROOT, '_locales'), path.join(ADDON, '_locales'));
  copy(path.join(ROOT, 'icons'), path.join(ADDON, 'icons'));
  copy(path.join(ROOT, 'experiments/xexec/schema.json'), path.join(ADDON, 'experiments/xexec/schema.json'));
  copy(path.join(ROOT, 'experiments/xexec/notices.json'), path.join(ADDON, 'experiments/xexec/notices.json'));
  copy(path.join(ROOT, 'experiments/xexec/filters.json'), path.join(ADDON, 'experiments/xexec/filters.json'));
  copy(path.join(ROOT, 'experiments/xexec/outgoing.json'), path.join(ADDON, 'experiments/xexec/outgoing.json'));
  copy(path.join(ROOT, 'ui/sender/result.html'), path.join(ADDON, 'ui/sender/result.html'));
  for (const file of ['options.html', 'options.css']) {
    copy(path.join(ROOT, 'ui/options', file), path.join(ADDON, 'ui/options', file));
  }
}

await build();
