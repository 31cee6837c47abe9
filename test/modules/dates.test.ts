import { describe, expect, it } from 'vitest';
import { parseIsoDate } from '../../src/modules/dates.js';

describe('parseIsoDate', () => {
  it('accepts real days', () => {
    for (const d of ['2026-01-01', '2024-02-29', '2000-02-29', '2026-12-31', '2026-04-30', '0001-01-01', '9999-12-31']) {
      expect(parseIsoDate(d)).toBe(d);
    }
  });
  it('refuses days that do not exist and other shapes', () => {
    for (const d of [
      '2023-02-29', '1900-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00', '2026-01-32', '0000-01-01',
      '2026-1-01', '26-01-01', '2026/01/01', ' 2026-01-01', '2026-01-01 ', '2026-01-01T00:00', '', '２０２６-01-01',
    ]) {
      expect(parseIsoDate(d)).toBeNull();
    }
  });
});
