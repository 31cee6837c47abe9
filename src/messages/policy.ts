/**
 * The administrator's policy as the pages get it (`policy.get`); src/background/policy.ts
 * reads and applies it.
 */

import type { SpamFixed } from '../modules/spam.js';
import { STANDARD_MODULES, type StandardModule } from '../modules/standard.js';

/** A settings panel an administrator can hide: the panel of one standard module. */
export type Panel = StandardModule;

export interface VacationDefault {
  /** null: the administrator set no subject. */
  readonly subject: string | null;
  readonly body: string | null;
}

/** What the administrator fixed for the Alerts panel (docs/ADMIN.md, `alerts`). */
export interface AlertsPolicy {
  /** The only domains the panel accepts a target at; empty: any (the server's own list still applies). */
  readonly targetDomains: readonly string[];
  /** The conditions are the administrator's: the panel shows them, the background refuses changes. */
  readonly lockConditions: boolean;
}

export const NO_ALERTS_POLICY: AlertsPolicy = { targetDomains: [], lockConditions: false };

/** Sending through the IMAP connection as the administrator fixed it (docs/ADMIN.md, `sending`). */
export type SendingPolicy = 'on' | 'off';

/** The policy as it applies to one account (or, without an account, the global part). */
export interface EffectivePolicy {
  /** Whether an administrator's policy exists; false means every value below is a default. */
  readonly managed: boolean;
  /** The IMAP host whose `servers` entry applied, or null. */
  readonly server: string | null;
  /** Every standard module and the name the add-on sends for it. */
  readonly modules: Readonly<Record<StandardModule, string>>;
  /** The standard modules whose name the administrator changed (for "set by your administrator"). */
  readonly renamedModules: readonly StandardModule[];
  readonly hiddenPanels: readonly Panel[];
  /** The raw console is locked off: its setting cannot be turned on. */
  readonly consoleDisabled: boolean;
  /** Text for a new vacation reply, or null when the administrator set none. */
  readonly vacationDefault: VacationDefault | null;
  readonly alerts: AlertsPolicy;
  /** Spam filter values the administrator fixed (docs/ADMIN.md, `spam`); {} when none. */
  readonly spam: SpamFixed;
  /** Sending fixed on or off by the administrator; null: the user chooses. */
  readonly sending: SendingPolicy | null;
  readonly problems: readonly string[];
}

/** The defaults: what applies without any policy (every module by its own name). */
export const DEFAULT_POLICY: EffectivePolicy = {
  managed: false,
  server: null,
  modules: Object.fromEntries(STANDARD_MODULES.map((m) => [m, m])) as Record<StandardModule, string>,
  renamedModules: [],
  hiddenPanels: [],
  consoleDisabled: false,
  vacationDefault: null,
  alerts: NO_ALERTS_POLICY,
  spam: {},
  sending: null,
  problems: [],
};
