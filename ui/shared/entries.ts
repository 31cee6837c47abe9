/**
 * Block/allow list entries on the page: kept sorted as the module sorts them (by bytes; entries
 * are ASCII, so by UTF-16 code units too), merged and removed without re-sorting 100,000
 * entries, parsed from pasted text or a file, and split into commands that keep the IMAP line
 * short.
 */

import type { UserError } from '../../src/messages/errors.js';
import type { EntryProblem } from '../../src/modules/address.js';
import { normalizeEntry } from '../../src/modules/address.js';
import { argumentBytes, LINE_OVERHEAD, MAX_LINE_BYTES } from '../../src/protocol/line-size.js';

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `sorted` with `added` (any order, may repeat or overlap) merged in; a new array. */
export function mergeSorted(sorted: readonly string[], added: Iterable<string>): string[] {
  const fresh = [...new Set(added)].sort(compare);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < sorted.length || j < fresh.length) {
    const a = sorted[i];
    const b = fresh[j];
    if (b === undefined || (a !== undefined && a < b)) {
      out.push(a as string);
      i++;
    } else if (a === undefined || b < a) {
      out.push(b);
      j++;
    } else {
      out.push(a);
      i++;
      j++;
    }
  }
  return out;
}

/** Whether a list sorted as the module sorts it holds `entry` (binary search). */
export function sortedHas(sorted: readonly string[], entry: string): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const value = sorted[mid] as string;
    if (value === entry) return true;
    if (value < entry) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** What the import checks entries against: a Set, or a sorted list looked up by sortedHas. */
export interface EntryLookup {
  has(entry: string): boolean;
}

/** `sorted` without the entries in `removed`; a new array. */
export function removeEntries(sorted: readonly string[], removed: ReadonlySet<string>): string[] {
  return sorted.filter((entry) => !removed.has(entry));
}

export { MAX_LINE_BYTES };

/** Splits entries into batches whose command line stays under `maxBytes`. */
export function batchEntries(entries: readonly string[], maxBytes: number = MAX_LINE_BYTES): string[][] {
  const batches: string[][] = [];
  let current: string[] = [];
  let size = LINE_OVERHEAD;
  for (const entry of entries) {
    const bytes = argumentBytes(entry);
    if (current.length > 0 && size + bytes > maxBytes) {
      batches.push(current);
      current = [];
      size = LINE_OVERHEAD;
    }
    current.push(entry);
    size += bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** What a run of batches did. */
export interface BatchOutcome {
  /** Entries the server now has (add) or no longer has (del), as it answered. */
  readonly changed: string[];
  /** Entries not sent: a batch failed (it is included), or the user stopped the run. */
  readonly rest: string[];
  readonly error: UserError | null;
  /** The user stopped the run between batches; what was sent stays sent. */
  readonly cancelled: boolean;
  /**
   * The list on the page is the server's: always after answered batches; after a failed one only
   * if reading the list again worked (the failed batch may have run on the server all the same).
   */
  readonly listInStep: boolean;
}

export interface RejectedLine {
  /** 1-based, as an editor counts. */
  readonly line: number;
  readonly text: string;
  readonly problem: EntryProblem;
}

export interface ImportAnalysis {
  /** Valid, normalised, not yet in the list, each once, in the order given. */
  readonly fresh: string[];
  /** Valid lines whose entry is already in the list (or earlier in the text). */
  readonly duplicates: number;
  readonly rejected: RejectedLine[];
}

/**
 * Reads one entry a line. Blank lines and lines starting with `#` (comments, as in exported
 * files of other tools) are skipped; everything else is validated with the module's rules.
 */
export function analyzeImport(text: string, existing: EntryLookup): ImportAnalysis {
  const fresh: string[] = [];
  const seen = new Set<string>();
  const rejected: RejectedLine[] = [];
  let duplicates = 0;
  const lines = text.split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const entry = normalizeEntry(raw);
    if (!entry.ok) {
      rejected.push({ line: i + 1, text: raw, problem: entry.error });
      continue;
    }
    if (existing.has(entry.value) || seen.has(entry.value)) {
      duplicates++;
      continue;
    }
    seen.add(entry.value);
    fresh.push(entry.value);
  }
  return { fresh, duplicates, rejected };
}

/** The text of an exported list: one entry a line, as the import reads it back. */
export function exportText(entries: readonly string[]): string {
  return entries.length === 0 ? '' : entries.join('\n') + '\n';
}
