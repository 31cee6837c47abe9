/**
 * The "automatic reply is on" reminder, as pure decisions: what one account's stored reply
 * means today (a notice, and whether it counts for the toolbar badge), and the badge for all
 * accounts. Days are `YYYY-MM-DD` strings compared as strings, as the settings tab does.
 */

import type { VacationState } from './vacation.js';

/**
 * - `none`: nothing to remind of (off, or its last day has passed);
 * - `active`: replies go out today (first and last day count);
 * - `scheduled`: on, but its first day is still to come.
 */
export type ReminderState =
  | { readonly kind: 'none' }
  | { readonly kind: 'active'; readonly start: string | null; readonly end: string | null }
  | { readonly kind: 'scheduled'; readonly start: string; readonly end: string | null };

export const NO_REMINDER: ReminderState = { kind: 'none' };

/** What `state` means on `today` (the user's local day). */
export function reminderState(state: Pick<VacationState, 'status' | 'start' | 'end'>, today: string): ReminderState {
  if (state.status !== 'on') return NO_REMINDER;
  if (state.end !== null && state.end < today) return NO_REMINDER;
  if (state.start !== null && state.start > today) return { kind: 'scheduled', start: state.start, end: state.end };
  return { kind: 'active', start: state.start, end: state.end };
}

/** The badge shows while any account's reply goes out today; a scheduled one does not count yet. */
export function showsBadge(states: Iterable<ReminderState>): boolean {
  for (const state of states) if (state.kind === 'active') return true;
  return false;
}

/** The user's local day as `YYYY-MM-DD` (the server compares days in its own zone). */
export function localDay(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Which sentence describes the period, and its dates (vacationPeriod* keys of the settings tab). */
export type PeriodWords =
  | { readonly key: 'vacationPeriodBoth'; readonly dates: readonly [string, string] }
  | { readonly key: 'vacationPeriodFrom'; readonly dates: readonly [string] }
  | { readonly key: 'vacationPeriodUntil'; readonly dates: readonly [string] }
  | { readonly key: 'vacationPeriodAlways'; readonly dates: readonly [] };

export function periodWords(start: string | null, end: string | null): PeriodWords {
  if (start !== null && end !== null) return { key: 'vacationPeriodBoth', dates: [start, end] };
  if (start !== null) return { key: 'vacationPeriodFrom', dates: [start] };
  if (end !== null) return { key: 'vacationPeriodUntil', dates: [end] };
  return { key: 'vacationPeriodAlways', dates: [] };
}
