/**
 * The character sets the spam panel offers to block (PROTOCOL.md §6.5 `charsets`), grouped by the
 * language or script they are used for, so a user blocks "Cyrillic" and not a list of names they
 * cannot know. The names are those mail carries in `charset=` (lower case, as the module stores them).
 */

export interface CharsetGroup {
  /** Its _locales key is `spamCharsetGroup` + the id with a capital first letter. */
  readonly id: string;
  readonly charsets: readonly string[];
}

export const CHARSET_GROUPS: readonly CharsetGroup[] = [
  { id: 'cyrillic', charsets: ['koi8-r', 'koi8-u', 'windows-1251', 'iso-8859-5', 'ibm866', 'cp866', 'x-mac-cyrillic'] },
  { id: 'chinese', charsets: ['gb2312', 'gbk', 'gb18030', 'big5', 'big5-hkscs', 'hz-gb-2312'] },
  { id: 'japanese', charsets: ['iso-2022-jp', 'shift_jis', 'euc-jp', 'windows-31j'] },
  { id: 'korean', charsets: ['euc-kr', 'ks_c_5601-1987', 'iso-2022-kr', 'cp949'] },
  { id: 'greek', charsets: ['iso-8859-7', 'windows-1253'] },
  { id: 'arabic', charsets: ['iso-8859-6', 'windows-1256'] },
  { id: 'hebrew', charsets: ['iso-8859-8', 'iso-8859-8-i', 'windows-1255'] },
  { id: 'thai', charsets: ['tis-620', 'windows-874', 'iso-8859-11'] },
  { id: 'vietnamese', charsets: ['windows-1258', 'viscii'] },
  { id: 'turkish', charsets: ['iso-8859-9', 'windows-1254'] },
];

const GROUPED: ReadonlySet<string> = new Set(CHARSET_GROUPS.flatMap((g) => g.charsets));

/** Whether a group is blocked: all of its sets, some of them (shown as mixed), or none. */
export function groupState(group: CharsetGroup, blocked: ReadonlySet<string>): 'all' | 'some' | 'none' {
  const n = group.charsets.filter((c) => blocked.has(c)).length;
  return n === 0 ? 'none' : n === group.charsets.length ? 'all' : 'some';
}

/** The blocked list with a whole group added or taken out; other entries stay as they are. */
export function toggleGroup(blocked: readonly string[], group: CharsetGroup, on: boolean): string[] {
  const out = blocked.filter((c) => !group.charsets.includes(c));
  return on ? [...out, ...group.charsets] : out;
}

/** Blocked sets that are in no group (typed by hand or set by another client): kept and shown as they are. */
export function ungrouped(blocked: readonly string[]): string[] {
  return blocked.filter((c) => !GROUPED.has(c));
}
