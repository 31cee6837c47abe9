import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCommandText } from '../../../src/protocol/command.js';
import { analyzeImport, batchEntries, exportText, mergeSorted, removeEntries, sortedHas } from '../../../ui/shared/entries.js';

const entry = fc.oneof(
  fc.stringMatching(/^[a-z0-9%+._-]{1,40}@[a-z0-9]{1,20}\.[a-z]{2,6}$/),
  fc.stringMatching(/^@[a-z0-9]{1,30}\.[a-z]{2,6}$/),
);

describe('mergeSorted and removeEntries', () => {
  it('merge like a sort of the union, and remove like a filter', () => {
    fc.assert(fc.property(fc.array(entry), fc.array(entry), (a, b) => {
      const sorted = [...new Set(a)].sort();
      expect(mergeSorted(sorted, b)).toEqual([...new Set([...a, ...b])].sort());
      expect(removeEntries(sorted, new Set(b))).toEqual(sorted.filter((e) => !b.includes(e)));
    }));
  });
});

describe('sortedHas', () => {
  it('finds in a sorted list exactly what a Set of it has', () => {
    fc.assert(fc.property(fc.array(entry), fc.array(entry), (a, probes) => {
      const sorted = [...new Set(a)].sort();
      const set = new Set(sorted);
      for (const probe of [...probes, ...sorted]) expect(sortedHas(sorted, probe)).toBe(set.has(probe));
    }));
  });

  it('is what the import checks against: entries already in the sorted list are duplicates', () => {
    const sorted = ['@x.example', 'a@b.example', 'b@c.example'];
    expect(analyzeImport('b@c.example\nnew@d.example\n', { has: (e) => sortedHas(sorted, e) })).toMatchObject({ fresh: ['new@d.example'], duplicates: 1 });
  });
});

describe('batchEntries', () => {
  it('keeps every command line under the limit, loses and reorders nothing', () => {
    fc.assert(fc.property(fc.array(entry, { minLength: 20, maxLength: 400, size: 'max' }), fc.integer({ min: 300, max: 4000 }), (entries, limit) => {
      const batches = batchEntries(entries, limit);
      expect(batches.flat()).toEqual(entries);
      for (const batch of batches) {
        expect(batch.length).toBeGreaterThan(0);
        const text = buildCommandText({ module: 'blacklist', args: ['add', ...batch] });
        if (!text.ok) throw new Error('unsendable');
        // The tag and "UID XEXEC " fit in what batchEntries keeps free.
        expect(text.value.length + '999 UID XEXEC \r\n'.length).toBeLessThanOrEqual(limit);
      }
    }), { numRuns: 60 });
  });

  it('100,000 entries make a few dozen commands', () => {
    const entries = Array.from({ length: 100_000 }, (_, i) => `user${i}@example.com`);
    const batches = batchEntries(entries);
    expect(batches.length).toBeGreaterThan(30);
    expect(batches.length).toBeLessThan(60);
  });
});

describe('analyzeImport', () => {
  it('counts new, duplicate and rejected lines, with line numbers and reasons', () => {
    const result = analyzeImport('# comment\r\n A@B.example \n\nb@c.example\na@b.example\nno-at\n@x\n', new Set(['b@c.example']));
    expect(result.fresh).toEqual(['a@b.example']);
    expect(result.duplicates).toBe(2);
    expect(result.rejected).toEqual([
      { line: 6, text: 'no-at', problem: 'missing-at' },
      { line: 7, text: '@x', problem: 'domain' },
    ]);
  });

  it('reads back what exportText wrote', () => {
    fc.assert(fc.property(fc.array(entry), (entries) => {
      const sorted = [...new Set(entries)].sort();
      expect(analyzeImport(exportText(sorted), new Set()).fresh).toEqual(sorted);
    }));
  });
});
