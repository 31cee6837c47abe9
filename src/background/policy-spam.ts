/**
 * The policy's `spam` setting (docs/ADMIN.md): values of the spam filter the administrator
 * fixes, `{"level": "standard", "tlds": ["ru"], "charsets": ["koi8-r"]}`, each optional. The
 * panel shows them read-only and the router sends them in place of the user's on every save.
 * Each part is checked as the module checks it; a wrong part is left out with a problem.
 */

import { normalizeCharsets, normalizeTlds, SPAM_LEVELS, type SpamFixed, type SpamLevel } from '../modules/spam.js';

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

export function parseSpamPolicy(value: unknown, where: string, problems: string[]): SpamFixed | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${where}spam: expected an object like {"level": "standard", "tlds": ["ru"]}, got ${describe(value)}; ignored`);
    return undefined;
  }
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) {
    if (key !== 'level' && key !== 'tlds' && key !== 'charsets') problems.push(`${where}spam: unknown key "${key}" ignored`);
  }
  const fixed: { -readonly [K in keyof SpamFixed]: SpamFixed[K] } = {};
  if (v.level !== undefined) {
    if (typeof v.level === 'string' && (SPAM_LEVELS as readonly string[]).includes(v.level)) fixed.level = v.level as SpamLevel;
    else problems.push(`${where}spam.level: ${describe(v.level)} is not one of ${SPAM_LEVELS.join(', ')}; ignored`);
  }
  for (const key of ['tlds', 'charsets'] as const) {
    const list = v[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) {
      problems.push(`${where}spam.${key}: expected a list of text like ${key === 'tlds' ? '["ru"]' : '["koi8-r"]'}, got ${describe(list)}; ignored`);
      continue;
    }
    const normal = key === 'tlds' ? normalizeTlds(list as string[]) : normalizeCharsets(list as string[]);
    if (normal.ok) fixed[key] = normal.value;
    else problems.push(`${where}spam.${key}: ${normal.error.message}; ignored`);
  }
  return fixed;
}
