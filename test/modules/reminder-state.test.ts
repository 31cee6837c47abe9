import { describe, expect, it } from 'vitest';
import { localDay, periodWords, reminderState, showsBadge } from '../../src/modules/reminder-state.js';
import type { IsoDate } from '../../src/modules/dates.js';

const day = (d: string) => d as IsoDate;
const TODAY = '2026-07-10';
const on = (start: string | null, end: string | null) => ({ status: 'on' as const, start: start === null ? null : day(start), end: end === null ? null : day(end) });

describe('reminderState', () => {
  it('off is nothing, whatever the dates', () => {
    expect(reminderState({ status: 'off', start: null, end: null }, TODAY)).toEqual({ kind: 'none' });
    expect(reminderState({ status: 'off', start: day('2026-07-01'), end: day('2026-07-20') }, TODAY)).toEqual({ kind: 'none' });
  });

  it('on without dates, or between them, is active (first and last day included)', () => {
    expect(reminderState(on(null, null), TODAY)).toEqual({ kind: 'active', start: null, end: null });
    expect(reminderState(on('2026-07-01', '2026-07-20'), TODAY)).toEqual({ kind: 'active', start: '2026-07-01', end: '2026-07-20' });
    expect(reminderState(on(TODAY, TODAY), TODAY)).toMatchObject({ kind: 'active' });
    expect(reminderState(on(null, TODAY), TODAY)).toMatchObject({ kind: 'active' });
    expect(reminderState(on(TODAY, null), TODAY)).toMatchObject({ kind: 'active' });
  });

  it('a first day still to come is scheduled', () => {
    expect(reminderState(on('2026-07-11', '2026-07-20'), TODAY)).toEqual({ kind: 'scheduled', start: '2026-07-11', end: '2026-07-20' });
    expect(reminderState(on('2027-01-01', null), TODAY)).toEqual({ kind: 'scheduled', start: '2027-01-01', end: null });
  });

  it('a last day that has passed is nothing', () => {
    expect(reminderState(on('2026-07-01', '2026-07-09'), TODAY)).toEqual({ kind: 'none' });
    expect(reminderState(on(null, '2025-12-31'), TODAY)).toEqual({ kind: 'none' });
  });
});

describe('showsBadge', () => {
  it('only while some reply goes out today', () => {
    expect(showsBadge([])).toBe(false);
    expect(showsBadge([{ kind: 'none' }, { kind: 'scheduled', start: '2026-08-01', end: null }])).toBe(false);
    expect(showsBadge([{ kind: 'none' }, { kind: 'active', start: null, end: '2026-08-01' }])).toBe(true);
  });
  it('a scheduled reply gets the badge on its first day', () => {
    const state = on('2026-07-11', '2026-07-20');
    expect(showsBadge([reminderState(state, '2026-07-10')])).toBe(false);
    expect(showsBadge([reminderState(state, '2026-07-11')])).toBe(true);
    expect(showsBadge([reminderState(state, '2026-07-21')])).toBe(false);
  });
});

describe('localDay and periodWords', () => {
  it('the local calendar day, zero-padded', () => {
    expect(localDay(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
    expect(localDay(new Date(2026, 11, 31, 0, 0))).toBe('2026-12-31');
  });
  it('picks the settings tab\'s period sentence', () => {
    expect(periodWords('2026-07-01', '2026-07-20')).toEqual({ key: 'vacationPeriodBoth', dates: ['2026-07-01', '2026-07-20'] });
    expect(periodWords('2026-07-01', null)).toEqual({ key: 'vacationPeriodFrom', dates: ['2026-07-01'] });
    expect(periodWords(null, '2026-07-20')).toEqual({ key: 'vacationPeriodUntil', dates: ['2026-07-20'] });
    expect(periodWords(null, null)).toEqual({ key: 'vacationPeriodAlways', dates: [] });
  });
});
