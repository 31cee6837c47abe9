/**
 * The modules each account's server offers (`.modules`), asked once per account and kept
 * until a page asks for a refresh. Concurrent requests for one account share one command.
 *
 * Kept in memory only: when Thunderbird suspends the idle background, the cache goes with
 * it, and the next page that asks costs one more `.modules` (a few milliseconds).
 */

import type { UserError } from '../messages/errors.js';

export type Discovery = { readonly ok: true; readonly modules: readonly string[] } | { readonly ok: false; readonly error: UserError };

/** Runs `.modules` for an account. */
export type Discover = (accountId: string) => Promise<Discovery>;

/**
 * What is worth keeping: the list, and the server's answer that it has no XEXEC. A lost
 * connection or a timeout says nothing about the server, so the next request asks again.
 */
function cacheable(result: Discovery): boolean {
  return result.ok || result.error.code === 'unsupported';
}

export class DiscoveryCache {
  private readonly entries = new Map<string, Promise<Discovery>>();

  constructor(private readonly discover: Discover) {}

  /** The cached answer, or a new one when there is none or `refresh` is true. */
  get(accountId: string, refresh = false): Promise<Discovery> {
    const cached = this.entries.get(accountId);
    if (cached && !refresh) return cached;
    const pending = this.discover(accountId).then(
      (result) => {
        if (!cacheable(result) && this.entries.get(accountId) === pending) this.entries.delete(accountId);
        return result;
      },
      (error: unknown) => {
        if (this.entries.get(accountId) === pending) this.entries.delete(accountId);
        throw error;
      },
    );
    this.entries.set(accountId, pending);
    return pending;
  }
}
