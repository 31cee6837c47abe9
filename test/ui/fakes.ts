/**
 * Test doubles for the settings page: the browser API (i18n over the real _locales/en, so a
 * missing key fails the test; storage.local in memory), Thunderbird's accounts, and a
 * background that keeps a server's state in memory and answers like the real router
 * (its errors are made by the real errors.ts). Requests can be held (in flight) or failed.
 */

import { vi } from 'vitest';
import type { SavedPasswordUpdate } from '../../experiments/xexec/api.js';
import { executeFailureError } from '../../src/background/errors.js';
import { DEFAULT_POLICY, type EffectivePolicy } from '../../src/messages/policy.js';
import type { UserError } from '../../src/messages/errors.js';
import { joinEntries, type BackgroundRequest, type BackgroundResponse, type RequestType, type ResponseValues } from '../../src/messages/messages.js';
import { normalizeEntry } from '../../src/modules/address.js';
import type { ForwardState } from '../../src/modules/forwarding.js';
import type { EntryChange } from '../../src/modules/lists.js';
import type { VacationState } from '../../src/modules/vacation.js';
import type { ExecuteFailureCode, ExecuteResult } from '../../src/protocol/execute-result.js';
import { getMessage as realGetMessage, translate } from '../background/fakes.js';
import messages from '../../_locales/en/messages.json';

/** browser.i18n.getMessage over the real English messages; an unknown key throws. */
export function getMessage(key: string, substitutions?: string | readonly string[]): string {
  if (!(key in messages)) throw new Error(`_locales/en/messages.json has no key ${JSON.stringify(key)}`);
  return realGetMessage(key, substitutions);
}

export const storage: Record<string, unknown> = {};

export const browserFake = {
  i18n: {
    getMessage: vi.fn((key: string, subs?: string | string[]) => getMessage(key, subs)),
    getUILanguage: () => 'en-US',
  },
  storage: {
    local: {
      get: vi.fn(async (key: string) => (key in storage ? { [key]: storage[key] } : {})),
      set: vi.fn(async (values: Record<string, unknown>) => {
        Object.assign(storage, values);
      }),
    },
  },
  runtime: { id: 'xexec@xexec.invalid' },
};

/** The module object for vi.mock('webextension-polyfill'). */
export function polyfillModule() {
  return { default: browserFake };
}

export interface FakeAccount {
  id: string;
  name: string;
  type: string;
  identities?: { email: string }[];
}

/** messenger.accounts.list for Thunderbird's accounts. */
export function setAccounts(accounts: FakeAccount[] | (() => Promise<FakeAccount[]>)) {
  const list = typeof accounts === 'function' ? accounts : async () => accounts;
  (globalThis as Record<string, unknown>).messenger = { accounts: { list: vi.fn(list) } };
}

/** A failure as the background reports it for `code`, in real words. */
export function serverError(code: ExecuteFailureCode, message: string, module = 'blacklist', detail: number | null = null): UserError {
  const failure = { ok: false, code, detail, message, lines: [] } as Extract<ExecuteResult, { ok: false }>;
  return executeFailureError(translate, failure, module);
}

interface Held {
  readonly type: RequestType;
  release(): void;
}

type Value<T extends RequestType> = ResponseValues[T];

/** Per account: the server's state, and what happens to the next requests. */
export class FakeBackground {
  modules: Record<string, readonly string[] | UserError> = {};
  /** The administrator's policy per account (policy.get); the defaults for the others. */
  policies: Record<string, EffectivePolicy> = {};
  lists: Record<'blacklist' | 'whitelist', string[]> = { blacklist: [], whitelist: [] };
  forward: ForwardState = { status: 'off', address: null, keepCopy: false };
  /** The primary addresses of the user's contacts, as the background reads them. */
  contacts: string[] = [];
  contactsSkipped = 0;
  vacation: VacationState = { status: 'off', subject: '', days: 7, start: null, end: null, body: '', only: [] };
  passwordResult: ResponseValues['password.change'] = {
    updated: { incomingSaved: true, incomingSession: true, outgoingSaved: false, outgoingSession: false } satisfies SavedPasswordUpdate,
    updateError: null,
  };
  password: string | null = null;
  /** What `password.info` answers (the server's changepassword with no arguments). */
  passwordInfo: ResponseValues['password.info'] = { currentPassword: 'optional', minLength: 8 };
  /** The current password the last `password.change` sent (the two-argument form), if any. */
  currentPassword: string | undefined = undefined;
  console: (module: string, args: readonly string[]) => ResponseValues['console'] = () => ({ result: { ok: true, lines: [] }, error: null });
  readonly calls: BackgroundRequest[] = [];
  private readonly failures: { type: RequestType; error: UserError; times: number; applied: boolean }[] = [];
  private readonly holds: { type: RequestType; gate: Promise<void>; open: () => void }[] = [];

  /**
   * The next `times` requests of `type` fail with `error`; `applied`: the server did the change
   * all the same (a timeout that came after the module ran).
   */
  failNext(type: RequestType, error: UserError, times = 1, { applied = false } = {}): void {
    this.failures.push({ type, error, times, applied });
  }

  /** The next request of `type` waits until `release()`. */
  holdNext(type: RequestType): Held {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    this.holds.push({ type, gate, open });
    return { type, release: () => open() };
  }

  callsOf<T extends RequestType>(type: T): Extract<BackgroundRequest, { type: T }>[] {
    return this.calls.filter((call): call is Extract<BackgroundRequest, { type: T }> => call.type === type);
  }

  async handle(request: BackgroundRequest): Promise<BackgroundResponse> {
    this.calls.push(request);
    // What happens to a request is decided when it arrives; a held one answers on release.
    const failure = this.failures.find((f) => f.type === request.type);
    if (failure && --failure.times === 0) this.failures.splice(this.failures.indexOf(failure), 1);
    const hold = this.holds.findIndex((h) => h.type === request.type);
    if (hold >= 0) {
      const [held] = this.holds.splice(hold, 1);
      await held!.gate;
    }
    if (failure) {
      if (failure.applied) this.answer(request);
      return { ok: false, error: failure.error };
    }
    return { ok: true, value: this.answer(request) };
  }

  private answer(r: BackgroundRequest): Value<RequestType> {
    switch (r.type) {
      case 'discover': {
        const modules = this.modules[r.accountId] ?? ['blacklist', 'whitelist', 'changepassword', 'forwardmail', 'vacation'];
        if (!Array.isArray(modules)) throw Object.assign(new Error('fail'), { userError: modules });
        return { modules };
      }
      case 'list.show':
        return { entries: joinEntries(this.lists[r.list]) };
      case 'list.add':
      case 'list.del': {
        const list = new Set(this.lists[r.list]);
        const changes: EntryChange[] = [];
        for (const raw of r.entries) {
          const entry = normalizeEntry(raw);
          if (!entry.ok) throw new Error(`the page sent an invalid entry ${raw}`);
          if (r.type === 'list.add') {
            changes.push({ entry: entry.value, outcome: list.has(entry.value) ? 'exists' : 'added' });
            list.add(entry.value);
          } else {
            changes.push({ entry: entry.value, outcome: list.has(entry.value) ? 'removed' : 'absent' });
            list.delete(entry.value);
          }
        }
        this.lists[r.list] = [...list].sort();
        return { changes };
      }
      case 'password.info':
        return this.passwordInfo;
      case 'password.change':
        this.password = r.newPassword;
        this.currentPassword = r.currentPassword;
        return this.passwordResult;
      case 'forward.show':
        return this.forward;
      case 'forward.set':
        this.forward = { status: 'on', address: r.address.trim().toLowerCase(), keepCopy: r.keepCopy };
        return this.forward;
      case 'forward.off':
        this.forward = { ...this.forward, status: 'off' };
        return this.forward;
      case 'vacation.show':
        return this.vacation;
      case 'vacation.set': {
        const u = r.update;
        this.vacation = {
          status: 'on',
          subject: u.subject ?? this.vacation.subject,
          body: (u.body ?? this.vacation.body).replace(/\n+$/, ''),
          days: u.days ?? this.vacation.days,
          start: u.start === undefined ? this.vacation.start : ((u.start || null) as VacationState['start']),
          end: u.end === undefined ? this.vacation.end : ((u.end || null) as VacationState['end']),
          only: u.only === undefined ? this.vacation.only : [...new Set(u.only.map((e) => e.trim().toLowerCase()))].sort(),
        };
        return this.vacation;
      }
      case 'vacation.off':
        this.vacation = { ...this.vacation, status: 'off' };
        return this.vacation;
      case 'contacts.addresses':
        return { addresses: this.contacts.join('\n'), skipped: this.contactsSkipped };
      case 'console':
        return this.console(r.module, r.args);
      case 'policy.get':
        return (r.accountId !== undefined ? this.policies[r.accountId] : undefined) ?? DEFAULT_POLICY;
    }
    throw new Error(`unknown request ${JSON.stringify(r)}`);
  }
}

export const background = { current: new FakeBackground() };

/** A fresh server for each test. */
export function resetBackground(): FakeBackground {
  background.current = new FakeBackground();
  for (const key of Object.keys(storage)) delete storage[key];
  return background.current;
}

/** The module object for vi.mock('src/messages/client.js'). */
export function clientModule() {
  return {
    callBackground: vi.fn(async (request: BackgroundRequest) => {
      try {
        return await background.current.handle(request);
      } catch (e) {
        const userError = (e as { userError?: UserError }).userError;
        if (userError) return { ok: false, error: userError };
        throw e;
      }
    }),
  };
}
