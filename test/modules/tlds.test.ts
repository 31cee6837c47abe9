import { describe, expect, it } from 'vitest';
import { CHARSET_GROUPS, groupState, toggleGroup, ungrouped } from '../../src/modules/charsets.js';
import { normalizeCharset, normalizeTld } from '../../src/modules/spam.js';
import { filterTlds, GENERIC_TLDS, tldCatalogue, tldName } from '../../src/modules/tlds.js';

describe('tldCatalogue', () => {
  it('names countries in the user language, with the exceptions', () => {
    const de = tldCatalogue('de');
    const fr = tldCatalogue('fr');
    const en = tldCatalogue('en');
    const name = (list: typeof de, tld: string) => list.find((c) => c.tld === tld)?.name;
    expect(name(de, 'de')).toBe('Deutschland');
    expect(name(fr, 'de')).toBe('Allemagne');
    expect(name(en, 'ru')).toBe('Russia');
    expect(name(de, 'uk')).toBe('Vereinigtes Königreich');
    expect(name(en, 'gb')).toBe('United Kingdom');
    expect(name(fr, 'eu')).toBe('Union européenne');
    expect(name(en, 'ac')).toBe('Ascension Island');
    // .su is the former Soviet Union, not Russia: shown as its code.
    expect(name(de, 'su')).toBeNull();
  });

  it('every entry is a TLD the module accepts, once', () => {
    const all = tldCatalogue('en');
    expect(new Set(all.map((c) => c.tld)).size).toBe(all.length);
    for (const c of all) expect(normalizeTld(c.tld)).toBe(c.tld);
    expect(all.filter((c) => c.kind === 'generic').map((c) => c.tld)).toEqual(GENERIC_TLDS);
    expect(all.length).toBeLessThanOrEqual(300);
  });

  it('sorts countries by their name in the language, code-only ones after them', () => {
    const de = tldCatalogue('de').filter((c) => c.kind === 'country');
    const named = de.filter((c) => c.name !== null).map((c) => c.name as string);
    expect(named).toEqual([...named].sort(new Intl.Collator('de').compare));
    expect(de.at(-1)?.name).toBeNull();
  });

  it('search finds code and name, without accents', () => {
    const de = tldCatalogue('de');
    expect(filterTlds(de, 'osterr').map((c) => c.tld)).toEqual(['at']);
    expect(filterTlds(de, '.ru').map((c) => c.tld)).toContain('ru');
    expect(filterTlds(de, '').length).toBe(de.length);
    expect(tldName('fr', 'de')).toBe('Frankreich');
    expect(tldName('com', 'de')).toBeNull();
  });
});

describe('charset groups', () => {
  it('names the module accepts, each in one group', () => {
    const all = CHARSET_GROUPS.flatMap((g) => g.charsets);
    expect(new Set(all).size).toBe(all.length);
    for (const c of all) expect(normalizeCharset(c)).toBe(c);
  });

  it('toggles a group, keeping other entries', () => {
    const cyrillic = CHARSET_GROUPS.find((g) => g.id === 'cyrillic');
    if (!cyrillic) throw new Error('no cyrillic group');
    const on = toggleGroup(['x-custom', 'koi8-r'], cyrillic, true);
    expect(groupState(cyrillic, new Set(on))).toBe('all');
    expect(groupState(cyrillic, new Set(['koi8-r']))).toBe('some');
    expect(toggleGroup(on, cyrillic, false)).toEqual(['x-custom']);
    expect(ungrouped(on)).toEqual(['x-custom']);
  });
});
