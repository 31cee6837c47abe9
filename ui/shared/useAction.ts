/**
 * One action at a time per panel: `run` refuses to start while another is in flight (so a
 * double click or Enter twice sends once), and `busy` names the action for the buttons.
 */

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Action<Name extends string> {
  /** The action in flight, or null. */
  readonly busy: Name | null;
  /** Runs `work` unless an action is in flight; resolves undefined when it did not run. */
  run<T>(name: Name, work: () => Promise<T>): Promise<T | undefined>;
}

export function useAction<Name extends string>(): Action<Name> {
  const [busy, setBusy] = useState<Name | null>(null);
  const inFlight = useRef(false);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const run = useCallback(async <T,>(name: Name, work: () => Promise<T>): Promise<T | undefined> => {
    if (inFlight.current) return undefined;
    inFlight.current = true;
    setBusy(name);
    try {
      return await work();
    } finally {
      inFlight.current = false;
      if (mounted.current) setBusy(null);
    }
  }, []);

  return { busy, run };
}
