/**
 * Loads a panel's state from the server when the panel first shows, again on `reload` (the Retry
 * button), and quietly on `refresh` (after a change whose outcome is unknown). An answer that
 * arrives after a newer request started is dropped.
 */

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { UserError } from '../../src/messages/errors.js';

export type Loaded<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'ready'; readonly value: T }
  | { readonly state: 'failed'; readonly error: UserError };

/** What `load` answers: a background response, or one a panel made from it. */
export type LoadResponse<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: UserError };

export function useLoad<Value>(load: () => Promise<LoadResponse<Value>>) {
  const [loaded, setLoaded] = useState<Loaded<Value>>({ state: 'loading' });
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const reload = useCallback(() => {
    const mine = ++generation.current;
    setLoaded({ state: 'loading' });
    void loadRef.current().then((response) => {
      if (mine !== generation.current) return;
      setLoaded(response.ok ? { state: 'ready', value: response.value } : { state: 'failed', error: response.error });
    });
  }, []);

  useEffect(() => {
    reload();
    // The counter object itself, not a DOM node: bumping it on unmount drops a late answer.
    const counter = generation;
    return () => {
      counter.current++;
    };
  }, [reload]);

  /**
   * Reads the server's state again while the panel keeps showing what it has: after a failed
   * change, whose part on the server is unknown (a timeout may come after the module ran).
   * Resolves false, leaving the value as it was, when the read fails too.
   */
  const refresh = useCallback(async (): Promise<boolean> => {
    const mine = ++generation.current;
    const response = await loadRef.current();
    if (!response.ok) return false;
    if (mine === generation.current) setLoaded({ state: 'ready', value: response.value });
    return true;
  }, []);

  /** Replaces the loaded value with what a successful change answered. */
  const setValue = useCallback((value: Value) => {
    generation.current++;
    setLoaded({ state: 'ready', value });
  }, []);

  return { loaded, reload, refresh, setValue };
}
