/**
 * What an administrator presets for the add-on (docs/ADMIN.md): Thunderbird's enterprise
 * policies (`policies.json`, `"3rdparty": {"Extensions": {"xexec@xexec.invalid": {...}}}`)
 * reach the add-on as `storage.managed`. The settings, globally and per IMAP host:
 *
 * - `modules`: the server's names for the standard modules, e.g. `{"changepassword": "password"}`;
 * - `hiddenPanels`: settings panels not to show (by standard module name);
 * - `disableConsole`: the raw console locked off;
 * - `vacationDefault`: `{subject, body}` to start a new vacation reply from;
 * - `alerts`: `{targetDomains, lockConditions}`, what the Alerts panel may change;
 * - `spam`: `{level, tlds, charsets}`, spam filter values fixed for the user (policy-spam.ts);
 * - `sending`: `"on"` or `"off"`, sending through the IMAP connection fixed (sending.ts);
 * - `servers`: `{"<imap host>": {the settings above}}`, which win over the global ones for
 *   accounts on that host (`modules` entry by entry, the others as a whole).
 *
 * No policy means the defaults, never an error. A wrong entry is left out and named in
 * `problems`, so one typo does not throw the rest of the policy away: Thunderbird checks
 * managed storage against no schema (153 has no manifest `storage.managed_schema`; it warns
 * "unexpected property" about one). docs/managed-schema.json describes the same shape for
 * administrators' tools; the unit tests keep the two in step.
 */

import { NO_ALERTS_POLICY, type AlertsPolicy, type EffectivePolicy, type Panel, type SendingPolicy, type VacationDefault } from '../messages/policy.js';
import { normalizeEntry } from '../modules/address.js';
import { STANDARD_MODULES, type StandardModule } from '../modules/standard.js';
import type { SpamFixed } from '../modules/spam.js';
import { vacationSetRequest } from '../modules/vacation.js';
import { isModuleName, sameModule } from '../protocol/module-name.js';
import { parseSpamPolicy } from './policy-spam.js';

/** The settings of one scope (global, or one host); a missing field is not set there. */
export interface PolicySettings {
  readonly modules: Readonly<Partial<Record<StandardModule, string>>>;
  readonly hiddenPanels?: readonly Panel[];
  readonly disableConsole?: boolean;
  readonly vacationDefault?: VacationDefault;
  readonly alerts?: AlertsPolicy;
  readonly spam?: SpamFixed;
  readonly sending?: SendingPolicy;
}

/** storage.managed, read and checked. */
export interface ManagedPolicy {
  /** Whether there is a policy for the add-on at all. */
  readonly present: boolean;
  readonly global: PolicySettings;
  /** By host name in lower case, without a trailing dot. */
  readonly servers: ReadonlyMap<string, PolicySettings>;
  /** What was left out, in English, for administrators (the browser console shows it too). */
  readonly problems: readonly string[];
}

export const NO_POLICY: ManagedPolicy = { present: false, global: { modules: {} }, servers: new Map(), problems: [] };

/** What `storage.managed.get()` rejects with when there is no policy for the add-on. */
const NO_MANAGED_STORAGE = /managed storage manifest not found/i;

const SETTING_KEYS = ['modules', 'hiddenPanels', 'disableConsole', 'vacationDefault', 'alerts', 'spam', 'sending'] as const;

function isStandardModule(name: string): name is StandardModule {
  return (STANDARD_MODULES as readonly string[]).includes(name);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

/** A host name as the policy keys it: lower case, no trailing dot. */
export function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '');
}

function parseModules(value: unknown, where: string, problems: string[]): Partial<Record<StandardModule, string>> {
  if (!isPlainObject(value)) {
    problems.push(`${where}modules: expected an object like {"changepassword": "password"}, got ${describe(value)}; ignored`);
    return {};
  }
  const modules: Partial<Record<StandardModule, string>> = {};
  for (const [standard, name] of Object.entries(value)) {
    if (!isStandardModule(standard)) {
      problems.push(`${where}modules: "${standard}" is not a standard module (${STANDARD_MODULES.join(', ')}); ignored`);
    } else if (typeof name !== 'string' || !isModuleName(name)) {
      problems.push(`${where}modules.${standard}: ${describe(name)} is not a module name (PROTOCOL.md §2); ignored`);
    } else {
      modules[standard] = name;
    }
  }
  return modules;
}

function parsePanels(value: unknown, where: string, problems: string[]): Panel[] | undefined {
  if (!Array.isArray(value)) {
    problems.push(`${where}hiddenPanels: expected a list like ["forwardmail"], got ${describe(value)}; ignored`);
    return undefined;
  }
  const panels: Panel[] = [];
  for (const panel of value) {
    if (typeof panel !== 'string' || !isStandardModule(panel)) {
      problems.push(`${where}hiddenPanels: ${describe(panel)} is not a panel (${STANDARD_MODULES.join(', ')}); ignored`);
    } else if (!panels.includes(panel)) {
      panels.push(panel);
    }
  }
  return panels;
}

function parseVacationDefault(value: unknown, where: string, problems: string[]): VacationDefault | undefined {
  if (!isPlainObject(value)) {
    problems.push(`${where}vacationDefault: expected an object like {"subject": "...", "body": "..."}, got ${describe(value)}; ignored`);
    return undefined;
  }
  const text = (key: 'subject' | 'body'): string | null | undefined => {
    const v = value[key];
    if (v === undefined) return null;
    if (typeof v === 'string') return v;
    problems.push(`${where}vacationDefault.${key}: expected text, got ${describe(v)}; vacationDefault ignored`);
    return undefined;
  };
  for (const key of Object.keys(value)) {
    if (key !== 'subject' && key !== 'body') problems.push(`${where}vacationDefault: unknown key "${key}" ignored`);
  }
  const subject = text('subject');
  const body = text('body');
  if (subject === undefined || body === undefined) return undefined;
  if (subject === null && body === null) {
    problems.push(`${where}vacationDefault: neither subject nor body; ignored`);
    return undefined;
  }
  // The same checks as for a reply the user sets: a default must be one the server accepts.
  const check = vacationSetRequest({ ...(subject !== null ? { subject } : {}), ...(body !== null ? { body } : {}) });
  if (!check.ok) {
    problems.push(`${where}vacationDefault: ${check.error.message}; ignored`);
    return undefined;
  }
  return { subject, body };
}

/**
 * `alerts`: the domains a target may be at (checked as §6.1 domains, lower-cased) and whether
 * the conditions are locked. A wrong part is left out with a problem; the rest applies.
 */
function parseAlerts(value: unknown, where: string, problems: string[]): AlertsPolicy | undefined {
  if (!isPlainObject(value)) {
    problems.push(`${where}alerts: expected an object like {"targetDomains": ["sms.example.com"], "lockConditions": true}, got ${describe(value)}; ignored`);
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (key !== 'targetDomains' && key !== 'lockConditions') problems.push(`${where}alerts: unknown key "${key}" ignored`);
  }
  const targetDomains: string[] = [];
  if (value.targetDomains !== undefined) {
    if (!Array.isArray(value.targetDomains)) {
      problems.push(`${where}alerts.targetDomains: expected a list like ["sms.example.com"], got ${describe(value.targetDomains)}; ignored`);
    } else {
      for (const domain of value.targetDomains) {
        const entry = typeof domain === 'string' ? normalizeEntry(`@${domain}`) : null;
        if (entry === null || !entry.ok) problems.push(`${where}alerts.targetDomains: ${describe(domain)} is not a domain; ignored`);
        else if (!targetDomains.includes(entry.value.slice(1))) targetDomains.push(entry.value.slice(1));
      }
    }
  }
  let lockConditions = false;
  if (value.lockConditions !== undefined) {
    if (typeof value.lockConditions === 'boolean') lockConditions = value.lockConditions;
    else problems.push(`${where}alerts.lockConditions: expected true or false, got ${describe(value.lockConditions)}; ignored`);
  }
  return { targetDomains, lockConditions };
}

function parseSettings(value: Record<string, unknown>, where: string, problems: string[], allowed: readonly string[]): PolicySettings {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) problems.push(`${where}"${key}" is not a setting of the add-on; ignored`);
  }
  const settings: { -readonly [K in keyof PolicySettings]: PolicySettings[K] } = {
    modules: value.modules === undefined ? {} : parseModules(value.modules, where, problems),
  };
  if (value.hiddenPanels !== undefined) {
    const panels = parsePanels(value.hiddenPanels, where, problems);
    if (panels) settings.hiddenPanels = panels;
  }
  if (value.disableConsole !== undefined) {
    if (typeof value.disableConsole === 'boolean') settings.disableConsole = value.disableConsole;
    else problems.push(`${where}disableConsole: expected true or false, got ${describe(value.disableConsole)}; ignored`);
  }
  if (value.vacationDefault !== undefined) {
    const vacation = parseVacationDefault(value.vacationDefault, where, problems);
    if (vacation) settings.vacationDefault = vacation;
  }
  if (value.alerts !== undefined) {
    const alerts = parseAlerts(value.alerts, where, problems);
    if (alerts) settings.alerts = alerts;
  }
  if (value.spam !== undefined) {
    const spam = parseSpamPolicy(value.spam, where, problems);
    if (spam) settings.spam = spam;
  }
  if (value.sending !== undefined) {
    if (value.sending === 'on' || value.sending === 'off') settings.sending = value.sending;
    else problems.push(`${where}sending: expected "on" or "off", got ${describe(value.sending)}; ignored`);
  }
  return settings;
}

/** Checks what `storage.managed.get()` gave. */
export function parsePolicy(data: unknown): ManagedPolicy {
  if (!isPlainObject(data)) {
    return { ...NO_POLICY, problems: [`the managed settings are ${describe(data)}, not an object; ignored`] };
  }
  if (Object.keys(data).length === 0) return NO_POLICY;
  const problems: string[] = [];
  const global = parseSettings(data, '', problems, [...SETTING_KEYS, 'servers']);
  const servers = new Map<string, PolicySettings>();
  if (data.servers !== undefined) {
    if (!isPlainObject(data.servers)) {
      problems.push(`servers: expected an object like {"imap.example.com": {...}}, got ${describe(data.servers)}; ignored`);
    } else {
      for (const [host, settings] of Object.entries(data.servers)) {
        const key = normalizeHost(host);
        if (key === '') {
          problems.push('servers: an empty host name; ignored');
        } else if (!isPlainObject(settings)) {
          problems.push(`servers["${host}"]: expected an object, got ${describe(settings)}; ignored`);
        } else if (servers.has(key)) {
          problems.push(`servers["${host}"]: the host is listed twice; the second entry is ignored`);
        } else {
          servers.set(key, parseSettings(settings, `servers["${host}"].`, problems, SETTING_KEYS));
        }
      }
    }
  }
  return { present: true, global, servers, problems };
}

/** The policy for an account on `host` (null: no account, or its host is unknown). */
export function effectivePolicy(policy: ManagedPolicy, host: string | null): EffectivePolicy {
  const server = host === null ? null : normalizeHost(host);
  const local = server === null ? undefined : policy.servers.get(server);
  const renamed = { ...policy.global.modules, ...local?.modules };
  const modules = Object.fromEntries(STANDARD_MODULES.map((m) => [m, renamed[m] ?? m])) as Record<StandardModule, string>;
  return {
    managed: policy.present,
    server: local ? server : null,
    modules,
    renamedModules: STANDARD_MODULES.filter((m) => !sameModule(modules[m], m)),
    hiddenPanels: local?.hiddenPanels ?? policy.global.hiddenPanels ?? [],
    consoleDisabled: local?.disableConsole ?? policy.global.disableConsole ?? false,
    vacationDefault: local?.vacationDefault ?? policy.global.vacationDefault ?? null,
    alerts: local?.alerts ?? policy.global.alerts ?? NO_ALERTS_POLICY,
    spam: local?.spam ?? policy.global.spam ?? {},
    sending: local?.sending ?? policy.global.sending ?? null,
    problems: policy.problems,
  };
}

/**
 * The server's `.modules` list in the names the pages know: a module the policy renamed is
 * reported under its standard name (the server's `password` is `changepassword` when the
 * policy says so), and a standard name the policy points elsewhere is left out (the server's
 * own `changepassword` is then not the module the add-on would use). Other names stay as
 * they are; each name once, in the server's order.
 */
export function standardNames(policy: EffectivePolicy, serverModules: readonly string[]): string[] {
  const out: string[] = [];
  const add = (name: string) => {
    if (!out.some((n) => sameModule(n, name))) out.push(name);
  };
  for (const name of serverModules) {
    const standard = STANDARD_MODULES.filter((m) => sameModule(policy.modules[m], name));
    if (standard.length > 0) {
      standard.forEach(add);
    } else if (!STANDARD_MODULES.some((m) => sameModule(m, name))) {
      add(name);
    }
  }
  return out;
}

/** `browser.storage.managed`, as far as it is used here. */
export interface ManagedStorageArea {
  get(keys?: null): Promise<Record<string, unknown>>;
}

/**
 * Reads storage.managed once. No policy ("Managed storage manifest not found", or no
 * managed area at all) is the defaults; any other failure is the defaults with a problem.
 */
export async function readManagedPolicy(area: ManagedStorageArea | undefined): Promise<ManagedPolicy> {
  if (!area) return NO_POLICY;
  let data: unknown;
  try {
    data = await area.get(null);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (NO_MANAGED_STORAGE.test(message)) return NO_POLICY;
    return { ...NO_POLICY, problems: [`the managed settings could not be read: ${message}`] };
  }
  return parsePolicy(data);
}

/** The effective policy of an account, or the global one for null. */
export type PolicySource = (accountId: string | null) => Promise<EffectivePolicy>;

/**
 * Thunderbird reads policies.json once, at start-up, so storage.managed is read once per
 * background. The account's IMAP host is looked up only when some `servers` entry could apply.
 */
export function createPolicySource(
  area: ManagedStorageArea | undefined,
  hostOf: (accountId: string) => Promise<string>,
  warn: (message: string) => void = () => {},
): PolicySource {
  let managed: Promise<ManagedPolicy> | null = null;
  return async (accountId) => {
    if (managed === null) {
      managed = readManagedPolicy(area);
      void managed.then((p) => p.problems.forEach((problem) => warn(`XEXEC policy: ${problem}`)));
    }
    const policy = await managed;
    const host = accountId !== null && policy.servers.size > 0 ? await hostOf(accountId) : null;
    return effectivePolicy(policy, host);
  };
}
