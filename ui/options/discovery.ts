/** What each account's server offers, as the page keeps it. */

import type { UserError } from '../../src/messages/errors.js';
import { offers } from '../../src/modules/discovery.js';
import { t, type MessageKey } from '../shared/i18n.js';

export type Discovery =
  | { readonly state: 'loading' }
  | { readonly state: 'ready'; readonly modules: readonly string[] }
  | { readonly state: 'failed'; readonly error: UserError };

/** The panels of the standard modules (PROTOCOL.md §6), in the order of the tabs. */
export type PanelKey = 'vacation' | 'forwardmail' | 'blacklist' | 'whitelist' | 'changepassword';

export interface PanelInfo {
  readonly key: PanelKey;
  /** The module the panel speaks to. */
  readonly module: string;
  readonly label: MessageKey;
}

export const PANELS: readonly PanelInfo[] = [
  { key: 'vacation', module: 'vacation', label: 'tabVacation' },
  { key: 'forwardmail', module: 'forwardmail', label: 'tabForwarding' },
  { key: 'blacklist', module: 'blacklist', label: 'tabBlacklist' },
  { key: 'whitelist', module: 'whitelist', label: 'tabWhitelist' },
  { key: 'changepassword', module: 'changepassword', label: 'tabPassword' },
];

export function offeredPanels(modules: readonly string[]): { offered: PanelInfo[]; missing: PanelInfo[] } {
  const offered: PanelInfo[] = [];
  const missing: PanelInfo[] = [];
  for (const panel of PANELS) (offers(modules, panel.module) ? offered : missing).push(panel);
  return { offered, missing };
}

/** Modules the server offers that no panel speaks (the console can still run them). */
export function otherModules(modules: readonly string[]): string[] {
  return modules.filter((name) => !PANELS.some((panel) => panel.module === name.toLowerCase()));
}

/** A module as people call it: the panel's name for a standard module, else the server's name. */
export function moduleLabel(module: string): string {
  const panel = PANELS.find((p) => p.module === module.toLowerCase());
  return panel === undefined ? module : t(panel.label);
}

/** Whether an account's name already shows its address ("Mail for jane@example.com"). */
export function showsEmail(name: string, email: string | null): boolean {
  return email === null || name.toLowerCase().includes(email.toLowerCase());
}
