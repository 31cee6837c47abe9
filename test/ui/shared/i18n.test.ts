import { afterEach, describe, expect, it, vi } from 'vitest';
import { browserFake } from '../fakes.js';
import { formatDate, formatNumber, t, todayIso } from '../../../ui/shared/i18n.js';

vi.mock('webextension-polyfill', async () => (await import('../fakes.js')).polyfillModule());

afterEach(() => {
  browserFake.i18n.getUILanguage = () => 'en-US';
});

describe('i18n', () => {
  it('t fills placeholders from the real messages', () => {
    expect(t('listCountFiltered', ['1', '2'])).toBe('Showing 1 of 2 entries');
  });

  it('numbers and dates follow Thunderbird\'s UI language', () => {
    expect(formatNumber(100000)).toBe('100,000');
    expect(formatDate('2030-07-01', 'long')).toBe('Monday, July 1, 2030');
    browserFake.i18n.getUILanguage = () => 'de';
    expect(formatNumber(100000)).toBe('100.000');
    expect(formatDate('2030-07-01', 'long')).toBe('Montag, 1. Juli 2030');
    browserFake.i18n.getUILanguage = () => 'fr';
    expect(formatNumber(100000)).toMatch(/^100\s000$/);
    expect(formatDate('2030-07-01', 'long')).toBe('lundi 1 juillet 2030');
  });

  it('a calendar day stays that day in every time zone', () => {
    expect(formatDate('2030-01-01', 'medium')).toBe('Jan 1, 2030');
    expect(todayIso(new Date(2030, 0, 5, 23, 59))).toBe('2030-01-05');
  });
});
