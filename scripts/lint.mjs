// `npm run lint`: `web-ext lint --privileged --self-hosted` on dist/addon/ (build it first),
// then every message is sorted into one of two piles:
//
// - expected: a message that is about Firefox or addons.mozilla.org, not about Thunderbird,
//   listed below with where it must come from (docs/ADMIN.md, "What `npm run lint` says",
//   explains each one). It is printed, and does not fail the lint.
// - anything else: printed, and fails the lint (warnings too, not only errors).
//
// An expected message must also come from the place named here: the innerHTML warning only
// from Preact's own code in the bundle, never from ours (esbuild marks each bundled file with
// a `// path` comment line, which is how the origin is found).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const ADDON = path.join(ROOT, 'dist', 'addon');

/**
 * code, file, and optionally: message (a pattern it must match), origin (a pattern for the
 * bundled source file it comes from), max (how many such messages at most; default 1).
 */
const EXPECTED = [
  {
    code: 'PRIVILEGED_FEATURES_REQUIRED', file: 'manifest.json',
    why: 'Firefox rule for add-ons signed by Mozilla as privileged: they must declare a privileged permission. Thunderbird runs experiment add-ons without that signature.',
  },
  {
    code: 'MOZILLA_ADDONS_PERMISSION_REQUIRED', file: 'manifest.json', message: /experiment_apis/,
    why: 'Firefox rule: "experiment_apis" needs the "mozillaAddons" permission, which Firefox grants only to Mozilla-signed add-ons. Thunderbird allows experiments (extensions.experiments.enabled, on by default).',
  },
  {
    code: 'MANIFEST_PERMISSIONS', file: 'manifest.json', message: /"accountsRead"/,
    why: 'accountsRead is a Thunderbird permission (messenger.accounts); the linter knows only Firefox permissions.',
  },
  {
    code: 'MANIFEST_PERMISSIONS', file: 'manifest.json', message: /"addressBooks"/,
    why: 'addressBooks is a Thunderbird permission (messenger.addressBooks, read for "reply only to my contacts"); the linter knows only Firefox permissions.',
  },
  // Block or allow a sender from the message (src/background/sender-actions.ts): the message list's
  // selection and From (messagesRead), the junk mark (messagesUpdate), the move to Junk
  // (messagesMove), a Junk folder made where none exists (accountsFolders).
  ...['accountsFolders', 'messagesMove', 'messagesRead', 'messagesUpdate'].map((permission) => ({
    code: 'MANIFEST_PERMISSIONS', file: 'manifest.json', message: new RegExp(`"${permission}"`),
    why: `${permission} is a Thunderbird permission (block or allow a sender from the message); the linter knows only Firefox permissions.`,
  })),
  {
    code: 'MISSING_DATA_COLLECTION_PERMISSIONS', file: 'manifest.json',
    why: 'A Firefox 140+ manifest key; the add-on sends nothing anywhere but to the user\'s own mail server, and Thunderbird does not use the key.',
  },
  {
    code: 'UNSUPPORTED_API', file: 'experiments/xexec/implementation.js', message: /ExtensionUtils\.ExtensionError/,
    origin: /^experiments\/xexec\//,
    why: 'Experiment code runs in Thunderbird\'s parent process, where ExtensionUtils.ExtensionError exists; the linter checks it as if it were extension-page code.',
  },
  {
    // The second experiment script (xexecNotices, the reminder's notices): the same message.
    code: 'UNSUPPORTED_API', file: 'experiments/xexec/notices.js', message: /ExtensionUtils\.ExtensionError/,
    origin: /^experiments\/xexec\//,
    why: 'Experiment code runs in Thunderbird\'s parent process, where ExtensionUtils.ExtensionError exists; the linter checks it as if it were extension-page code.',
  },
  {
    // The third (xexecFilters, Thunderbird's filters for the rules panel): the same message.
    code: 'UNSUPPORTED_API', file: 'experiments/xexec/filters.js', message: /ExtensionUtils\.ExtensionError/,
    origin: /^experiments\/xexec\//,
    why: 'Experiment code runs in Thunderbird\'s parent process, where ExtensionUtils.ExtensionError exists; the linter checks it as if it were extension-page code.',
  },
  {
    // The fourth (xexecOutgoing, the outgoing server type xexec): the same message.
    code: 'UNSUPPORTED_API', file: 'experiments/xexec/outgoing.js', message: /ExtensionUtils\.ExtensionError/,
    origin: /^experiments\/xexec\//,
    why: 'Experiment code runs in Thunderbird\'s parent process, where ExtensionUtils.ExtensionError exists; the linter checks it as if it were extension-page code.',
  },
  {
    code: 'UNSAFE_VAR_ASSIGNMENT', file: 'ui/options/options.js', message: /innerHTML/,
    origin: /^node_modules\/preact\//,
    why: 'Preact\'s support for dangerouslySetInnerHTML, which the add-on never uses.',
  },
  {
    // The result window of block/allow from the message bundles Preact too.
    code: 'UNSAFE_VAR_ASSIGNMENT', file: 'ui/sender/result.js', message: /innerHTML/,
    origin: /^node_modules\/preact\//,
    why: 'Preact\'s support for dangerouslySetInnerHTML, which the add-on never uses.',
  },
  {
    code: 'STRICT_MAX_VERSION', file: 'manifest.json',
    why: 'Deliberate: experiments use Thunderbird internals, so each new ESR is tested before the add-on claims to support it.',
  },
];

/** The bundled source file a line of a bundle comes from (esbuild's `// path` marker above it). */
function origin(file, line) {
  if (!line) return null;
  let lines;
  try {
    lines = fs.readFileSync(path.join(ADDON, file), 'utf8').split('\n');
  } catch {
    return null;
  }
  for (let i = Math.min(line, lines.length) - 1; i >= 0; i--) {
    const m = /^\s*\/\/ ((?:node_modules|src|ui|experiments)\/\S+\.(?:m?js|tsx?))$/.exec(lines[i]);
    if (m) return m[1];
  }
  return null;
}

function matches(rule, message) {
  if (rule.code !== message.code || rule.file !== message.file) return false;
  if (rule.message && !rule.message.test(message.message)) return false;
  if (rule.origin && !rule.origin.test(origin(message.file, message.line) ?? '')) return false;
  return true;
}

const run = spawnSync(
  process.execPath,
  [path.join(ROOT, 'node_modules', 'web-ext', 'bin', 'web-ext.js'), 'lint', '--source-dir', ADDON,
    '--privileged', '--self-hosted', '--output', 'json', '--no-config-discovery'],
  { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
);
let report;
try {
  report = JSON.parse(run.stdout);
} catch {
  console.error(`web-ext lint gave no report (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  process.exit(2);
}

const used = new Map();
let unexpected = 0;
for (const [kind, messages] of [['error', report.errors], ['warning', report.warnings], ['notice', report.notices]]) {
  for (const m of messages) {
    const where = `${m.file ?? ''}${m.line ? `:${m.line}` : ''}`;
    const rule = EXPECTED.find((r) => matches(r, m) && (used.get(r) ?? 0) < (r.max ?? 1));
    if (rule) {
      used.set(rule, (used.get(rule) ?? 0) + 1);
      console.log(`expected ${kind} ${m.code} (${where}): ${rule.why}`);
    } else {
      if (kind !== 'notice') unexpected++;
      console.log(`${kind === 'notice' ? 'notice' : 'UNEXPECTED'} ${kind} ${m.code} (${where}): ${m.message}`);
      if (m.description) console.log(`    ${String(m.description).replace(/\s+/g, ' ').trim()}`);
    }
  }
}
const s = report.summary;
console.log(`\nweb-ext lint --privileged --self-hosted: ${s.errors} errors, ${s.warnings} warnings, ${s.notices} notices; ` +
  `${unexpected === 0 ? 'all of them expected (docs/ADMIN.md explains each)' : `${unexpected} unexpected`}.`);
process.exit(unexpected === 0 ? 0 : 1);
