// Every locale has every key of en, with the same placeholders, and uses each of them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const LOCALES = path.join(ROOT, '_locales');

interface Entry {
  message: string;
  description?: string;
  placeholders?: Record<string, { content: string; example?: string }>;
}

function read(locale: string): Record<string, Entry> {
  return JSON.parse(fs.readFileSync(path.join(LOCALES, locale, 'messages.json'), 'utf8')) as Record<string, Entry>;
}

/** Placeholder names (lower-case, as browsers match them) with their $n content. */
function placeholders(entry: Entry): Record<string, string> {
  return Object.fromEntries(Object.entries(entry.placeholders ?? {}).map(([name, p]) => [name.toLowerCase(), p.content]));
}

/** The $NAME$ used in the message, lower-case. */
function used(entry: Entry): string[] {
  return [...entry.message.matchAll(/\$([A-Za-z0-9_@]+)\$/g)].map((m) => m[1]!.toLowerCase()).sort();
}

const en = read('en');
const locales = fs.readdirSync(LOCALES).filter((name) => name !== 'en');

describe('_locales', () => {
  it('has German and French besides English', () => {
    expect(locales.sort()).toEqual(['de', 'fr']);
  });

  it('en: every placeholder is used in its message and every $NAME$ is declared', () => {
    for (const [key, entry] of Object.entries(en)) {
      expect(used(entry), key).toEqual([...new Set(used(entry))].sort());
      expect([...new Set(used(entry))].sort(), key).toEqual(Object.keys(placeholders(entry)).sort());
      expect(entry.message.trim(), key).not.toBe('');
    }
  });

  for (const locale of ['de', 'fr']) {
    describe(locale, () => {
      const messages = read(locale);

      it('has every key of en and no other', () => {
        expect(Object.keys(messages).sort()).toEqual(Object.keys(en).sort());
      });

      it('has the same placeholders as en, each used in the message', () => {
        for (const [key, entry] of Object.entries(en)) {
          const translated = messages[key];
          if (translated === undefined) continue;
          expect(placeholders(translated), `${locale} ${key}`).toEqual(placeholders(entry));
          expect([...new Set(used(translated))].sort(), `${locale} ${key}`).toEqual([...new Set(used(entry))].sort());
          expect(translated.message.trim(), `${locale} ${key}`).not.toBe('');
        }
      });

      it('is translated, not copied', () => {
        const same = Object.keys(en).filter((key) => messages[key]?.message === en[key]!.message);
        // Names, codes and words that are the same in both languages (XEXEC, Console, Code, ...).
        expect(same.length, same.join(', ')).toBeLessThan(Object.keys(en).length / 20);
      });
    });
  }
});
