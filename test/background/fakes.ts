/** Test doubles for the background: browser.i18n over the real _locales, and messenger.xexec. */

import { vi } from 'vitest';
import messages from '../../_locales/en/messages.json';
import type { ExecuteArgument, ExecuteResult, SavedPasswordUpdate, XexecExperimentApi } from '../../experiments/xexec/api.js';
import type { Translate } from '../../src/background/errors.js';

interface Entry {
  readonly message: string;
  readonly placeholders?: Record<string, { readonly content: string }>;
}

const table = messages as Record<string, Entry>;

/** browser.i18n.getMessage as Firefox does it: named placeholders, then $1..$9, "" for an unknown key. */
export function getMessage(key: string, substitutions?: string | readonly string[]): string {
  const entry = table[key];
  if (entry === undefined) return '';
  const subs = substitutions === undefined ? [] : typeof substitutions === 'string' ? [substitutions] : substitutions;
  const withPlaceholders = entry.message.replace(/\$([A-Za-z0-9_@]+)\$/g, (whole, name: string) => {
    const placeholder = entry.placeholders?.[name.toLowerCase()];
    return placeholder ? placeholder.content : whole;
  });
  return withPlaceholders.replace(/\$(\$|[1-9])/g, (_, d: string) => (d === '$' ? '$' : subs[Number(d) - 1] ?? ''));
}

export const translate: Translate = (key, substitutions) => getMessage(key, substitutions);

/** What a call to execute() gets back in a test. */
export type Script = (module: string, args: readonly ExecuteArgument[], accountId: string) => ExecuteResult | Promise<ExecuteResult>;

export function okLines(...lines: string[]): ExecuteResult {
  return { ok: true, lines };
}

export type Failure = Extract<ExecuteResult, { ok: false }>;

export function failed(code: Failure['code'], message: string, detail: number | null = null): Failure {
  return { ok: false, code, detail, message, lines: [] };
}

export const UPDATED: SavedPasswordUpdate = { incomingSaved: true, incomingSession: true, outgoingSaved: false, outgoingSession: false };

/** A messenger.xexec whose execute() answers through `script`; its functions are vi.fn spies. */
export function fakeXexec(script: Script) {
  const api = {
    execute: vi.fn(async (accountId: string, module: string, args: readonly ExecuteArgument[]) => script(module, args, accountId)),
    updateSavedPassword: vi.fn(async (_accountId: string, _newPassword: string): Promise<SavedPasswordUpdate> => UPDATED),
    getServerHost: vi.fn(async (_accountId: string): Promise<string> => '127.0.0.1'),
  };
  const typed: XexecExperimentApi = api;
  return Object.assign(api, { typed });
}
