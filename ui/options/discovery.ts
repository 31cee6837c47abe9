/** What each account's server offers, as the page keeps it. */

import type { UserError } from '../../src/messages/errors.js';
import { offers } from '../../src/modules/discovery.js';
import { IN_TAB_ORDER, standardInfo, type StandardModule } from '../../src/modules/standard.js';
import { SUBMIT } from '../../src/modules/submit.js';
import { sameModule } from '../../src/protocol/module-name.js';
import { t, type MessageKey } from '../shared/i18n.js';

export type Discovery =
  | { readonly state: 'loading' }
  | { readonly state: 'ready'; readonly modules: readonly string[] }
  | { readonly state: 'failed'; readonly error: UserError };

/** A panel of a standard module (src/modules/standard.ts), named by the module it speaks to. */
export type PanelKey = StandardModule;

export interface PanelInfo {
  readonly key: PanelKey;
  readonly label: MessageKey;
}

/** The panels in the order of the tabs. */
export const PANELS: readonly PanelInfo[] = IN_TAB_ORDER.map((m) => ({ key: m.module, label: m.label }));

export function offeredPanels(modules: readonly string[]): { offered: PanelInfo[]; missing: PanelInfo[] } {
  const offered: PanelInfo[] = [];
  const missing: PanelInfo[] = [];
  for (const panel of PANELS) (offers(modules, panel.key) ? offered : missing).push(panel);
  return { offered, missing };
}

/** Modules the server offers that no panel speaks (the console can still run them). */
export function otherModules(modules: readonly string[]): string[] {
  return modules.filter((name) => standardInfo(name) === undefined);
}

/** A module as people call it: the panel's name for a standard module or submit (Sending), else the server's name. */
export function moduleLabel(module: string): string {
  const standard = standardInfo(module);
  if (standard !== undefined) return t(standard.label);
  return sameModule(module, SUBMIT) ? t('sendingTab') : module;
}

/** Whether an account's name already shows its address ("Mail for jane@example.com"). */
export function showsEmail(name: string, email: string | null): boolean {
  return email === null || name.toLowerCase().includes(email.toLowerCase());
}
