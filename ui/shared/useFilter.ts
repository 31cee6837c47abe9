/**
 * Filters a big list as the user types without making typing wait: the input shows each key
 * at once, and the list is filtered after it in slices of SLICE entries, each slice in its own
 * task; a newer query cancels the older run. A query that extends the last one only searches
 * the last result.
 */

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';

/** Entries filtered per task; a list this short is filtered at once. */
const SLICE = 20_000;

export interface Filtered {
  /** The entries that match the query (the list itself for an empty query). */
  readonly items: readonly string[];
  /** The query `items` belong to lags behind the one typed. */
  readonly pending: boolean;
}

export function normalizeQuery(query: string): string {
  return query.trim().toLowerCase();
}

export function useFilter(entries: readonly string[], query: string): Filtered {
  const wanted = normalizeQuery(query);
  const [done, setDone] = useState<{ source: readonly string[]; query: string; items: readonly string[] }>({
    source: entries,
    query: '',
    items: entries,
  });
  const last = useRef(done);
  last.current = done;

  // A short list is filtered right away: that takes well under a millisecond.
  const immediate = useMemo(
    () => (wanted !== '' && entries.length <= SLICE ? entries.filter((entry) => entry.includes(wanted)) : null),
    [entries, wanted],
  );

  useEffect(() => {
    if (immediate !== null) return undefined;
    if (wanted === '') {
      setDone({ source: entries, query: '', items: entries });
      return undefined;
    }
    const previous = last.current;
    // Narrowing: "spam.ex" can only match among what "spam" matched.
    const base = previous.source === entries && previous.query !== '' && wanted.includes(previous.query) ? previous.items : entries;
    const out: string[] = [];
    let i = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const step = () => {
      const end = Math.min(i + SLICE, base.length);
      for (; i < end; i++) {
        const entry = base[i] as string;
        if (entry.includes(wanted)) out.push(entry);
      }
      if (i < base.length) timer = setTimeout(step, 0);
      else setDone({ source: entries, query: wanted, items: out });
    };
    // The first slice waits a task too, so the keystroke is painted before any filtering.
    timer = setTimeout(step, 0);
    return () => clearTimeout(timer);
  }, [entries, wanted, immediate]);

  if (wanted === '') return { items: entries, pending: false };
  if (immediate !== null) return { items: immediate, pending: false };
  // Until the run for this query is done, the last result stays on screen.
  return { items: done.items, pending: !(done.source === entries && done.query === wanted) };
}
