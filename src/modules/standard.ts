/**
 * The standard modules of PROTOCOL.md §6, in its order: the one list the policy, discovery,
 * the router and the settings tabs use. Each has the name the add-on knows it by, its panel's
 * label (a _locales key) and the panel's place among the tabs.
 */

import { sameModule } from '../protocol/module-name.js';

export const STANDARD = [
  { module: 'blacklist', label: 'tabBlacklist', tab: 2 },
  { module: 'whitelist', label: 'tabWhitelist', tab: 3 },
  { module: 'changepassword', label: 'tabPassword', tab: 4 },
  { module: 'forwardmail', label: 'tabForwarding', tab: 1 },
  { module: 'vacation', label: 'tabVacation', tab: 0 },
  { module: 'spam', label: 'tabSpam', tab: 5 },
  { module: 'alerts', label: 'tabAlerts', tab: 6 },
  { module: 'rules', label: 'tabRules', tab: 7 },
] as const;

export type StandardInfo = (typeof STANDARD)[number];

export type StandardModule = StandardInfo['module'];

/** The names alone, in PROTOCOL.md's order. */
export const STANDARD_MODULES: readonly StandardModule[] = STANDARD.map((m) => m.module);

/** The standard modules in the order of their panels' tabs. */
export const IN_TAB_ORDER: readonly StandardInfo[] = [...STANDARD].sort((a, b) => a.tab - b.tab);

/** The standard module a server's name is (names match as on the server), or undefined. */
export function standardInfo(name: string): StandardInfo | undefined {
  return STANDARD.find((m) => sameModule(m.module, name));
}
