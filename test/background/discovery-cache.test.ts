import { describe, expect, it, vi } from 'vitest';
import { DiscoveryCache, type Discovery } from '../../src/background/discovery-cache.js';
import type { UserError } from '../../src/messages/errors.js';

function serverError(code: UserError['code']): Discovery {
  return { ok: false, error: { kind: 'server', code, message: String(code), serverMessage: null, field: null } };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('DiscoveryCache', () => {
  it('asks once per account and answers from the cache after that', async () => {
    const discover = vi.fn(async (accountId: string): Promise<Discovery> => ({ ok: true, modules: [accountId] }));
    const cache = new DiscoveryCache(discover);
    expect(await cache.get('a')).toEqual({ ok: true, modules: ['a'] });
    expect(await cache.get('a')).toEqual({ ok: true, modules: ['a'] });
    expect(await cache.get('b')).toEqual({ ok: true, modules: ['b'] });
    expect(discover.mock.calls).toEqual([['a'], ['b']]);
  });

  it('concurrent requests share one command', async () => {
    const answer = deferred<Discovery>();
    const discover = vi.fn(() => answer.promise);
    const cache = new DiscoveryCache(discover);
    const both = Promise.all([cache.get('a'), cache.get('a')]);
    answer.resolve({ ok: true, modules: ['blacklist'] });
    expect(await both).toEqual([{ ok: true, modules: ['blacklist'] }, { ok: true, modules: ['blacklist'] }]);
    expect(discover).toHaveBeenCalledTimes(1);
  });

  it('refresh asks again and replaces the cached answer', async () => {
    let modules = ['blacklist'];
    const cache = new DiscoveryCache(async () => ({ ok: true, modules }));
    await cache.get('a');
    modules = ['blacklist', 'vacation'];
    expect(await cache.get('a')).toEqual({ ok: true, modules: ['blacklist'] });
    expect(await cache.get('a', true)).toEqual({ ok: true, modules: ['blacklist', 'vacation'] });
    expect(await cache.get('a')).toEqual({ ok: true, modules: ['blacklist', 'vacation'] });
  });

  it('keeps "unsupported", but not a lost connection, a timeout or a broken reply', async () => {
    for (const [code, kept] of [['unsupported', true], ['disconnected', false], ['timeout', false], ['bad-reply', false], ['XEXEC-EXIT', false]] as const) {
      const discover = vi.fn(async () => serverError(code));
      const cache = new DiscoveryCache(discover);
      await cache.get('a');
      await cache.get('a');
      expect(discover, code).toHaveBeenCalledTimes(kept ? 1 : 2);
    }
  });

  it('a rejection is passed on and not kept', async () => {
    const discover = vi.fn().mockRejectedValueOnce(new Error('boom')).mockResolvedValueOnce({ ok: true, modules: [] });
    const cache = new DiscoveryCache(discover);
    await expect(cache.get('a')).rejects.toThrow('boom');
    expect(await cache.get('a')).toEqual({ ok: true, modules: [] });
  });

  it('a late failure of an old request does not evict a newer answer', async () => {
    const first = deferred<Discovery>();
    const discover = vi.fn().mockReturnValueOnce(first.promise).mockResolvedValueOnce({ ok: true, modules: ['new'] });
    const cache = new DiscoveryCache(discover);
    const old = cache.get('a');
    expect(await cache.get('a', true)).toEqual({ ok: true, modules: ['new'] });
    first.resolve(serverError('disconnected'));
    await old;
    expect(await cache.get('a')).toEqual({ ok: true, modules: ['new'] });
    expect(discover).toHaveBeenCalledTimes(2);
  });
});
