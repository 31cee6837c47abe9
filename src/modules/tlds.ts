/**
 * The top-level domains the spam panel offers to block (PROTOCOL.md §6.5 `tlds`): the delegated
 * country-code TLDs with the country's name in the user's language (Intl.DisplayNames, so no
 * list of names to translate), and the generic TLDs most spam comes from. Any other TLD can be
 * typed; this is only the list to pick from.
 */

/** Two-letter country-code TLDs in use (IANA root zone), each a region code unless an exception says otherwise. */
const COUNTRY_TLDS = (
  'ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo bq br bs bt bv bw by bz '
  + 'ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg er es et eu fi fj fk fm fo fr '
  + 'ga gb gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it je jm jo jp '
  + 'ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mg mh mk ml mm mn mo mp mq mr ms mt '
  + 'mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl pm pn pr ps pt pw py qa re ro rs ru '
  + 'rw sa sb sc sd se sg sh si sj sk sl sm sn so sr ss st su sv sx sy sz tc td tf tg th tj tk tl tm tn to tr tt tv tw '
  + 'tz ua ug uk us uy uz va vc ve vg vi vn vu wf ws ye yt za zm zw'
).split(' ');

/**
 * TLDs whose region code differs from the TLD (`uk` is the United Kingdom, GB), and TLDs with
 * no region of their own (null): `su` (the former Soviet Union) would be named "Russia" by
 * Intl, which is not what it is, so it is shown as its code.
 */
const REGION_OF: Readonly<Record<string, string | null>> = { uk: 'GB', su: null };

/** Generic TLDs that are cheap to register and common in spam, and the classic ones. */
export const GENERIC_TLDS: readonly string[] = (
  'com net org info biz xyz top online site shop club store app live pro mobi name work click link loan win '
  + 'bid stream download date review racing science party trade webcam men kim cyou buzz rest fun space website '
  + 'tech icu vip lol cfd sbs monster'
).split(' ');

export interface TldChoice {
  /** As the module stores it: lower case, no dot. */
  readonly tld: string;
  readonly kind: 'country' | 'generic';
  /** The country's name in the user's language; null: shown by its code only. */
  readonly name: string | null;
}

/** The country a ccTLD stands for, in `language`; null when Intl does not know it. */
export function countryName(tld: string, names: Intl.DisplayNames): string | null {
  const region = tld in REGION_OF ? REGION_OF[tld] : tld.toUpperCase();
  if (region === null || region === undefined) return null;
  try {
    const name = names.of(region);
    return name === undefined || name === region ? null : name;
  } catch {
    return null;
  }
}

function displayNames(language: string): Intl.DisplayNames | null {
  try {
    return new Intl.DisplayNames([language, 'en'], { type: 'region', fallback: 'none' });
  } catch {
    return null;
  }
}

/**
 * Every TLD to pick from: countries sorted by their name in `language` (code-only ones by code,
 * after them), then the generic ones in their list's order.
 */
export function tldCatalogue(language: string): TldChoice[] {
  const names = displayNames(language);
  const collator = new Intl.Collator(language);
  const countries: TldChoice[] = COUNTRY_TLDS.map((tld) => ({ tld, kind: 'country', name: names ? countryName(tld, names) : null }));
  countries.sort((a, b) => {
    if (a.name !== null && b.name !== null) return collator.compare(a.name, b.name) || collator.compare(a.tld, b.tld);
    if (a.name !== null) return -1;
    if (b.name !== null) return 1;
    return collator.compare(a.tld, b.tld);
  });
  return [...countries, ...GENERIC_TLDS.map((tld): TldChoice => ({ tld, kind: 'generic', name: null }))];
}

/** For matching what the user types: lower case without accents (`osterreich` finds Österreich). */
export function searchKey(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The choices whose code or name contains `query` (a leading dot ignored); all for an empty query. */
export function filterTlds(choices: readonly TldChoice[], query: string): TldChoice[] {
  const q = searchKey(query.trim().replace(/^\./, ''));
  if (q === '') return [...choices];
  return choices.filter((c) => c.tld.includes(q) || (c.name !== null && searchKey(c.name).includes(q)));
}

/** The name for a stored TLD (also one not in the list): its country, or null. */
export function tldName(tld: string, language: string): string | null {
  const names = displayNames(language);
  return names !== null && COUNTRY_TLDS.includes(tld) ? countryName(tld, names) : null;
}
