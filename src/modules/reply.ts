/**
 * What the standard modules' reply parsers share (PROTOCOL.md §6): the module check, and
 * `<key> <value>` lines where keys a parser does not know are skipped, so modules can grow.
 */

import { latin1String } from '../protocol/bytes.js';
import type { DecodeError, OutputLine, XexecReply } from '../protocol/data-line.js';
import { sameModule } from '../protocol/module-name.js';
import { err, ok, type Result } from '../protocol/result.js';

/** `line` is the index of the module's output line, counted from 0. */
export type ReplyError =
  | { readonly kind: 'decode'; readonly cause: DecodeError; readonly message: string }
  | { readonly kind: 'wrong-module'; readonly expected: string; readonly actual: string; readonly message: string }
  | { readonly kind: 'not-text'; readonly line: number; readonly message: string }
  | { readonly kind: 'missing-key'; readonly key: string; readonly message: string }
  | { readonly kind: 'duplicate-key'; readonly key: string; readonly line: number; readonly message: string }
  | { readonly kind: 'unexpected-key'; readonly key: string; readonly line: number; readonly message: string }
  | { readonly kind: 'bad-value'; readonly key: string; readonly value: string; readonly line: number; readonly message: string };

export function checkModule(reply: XexecReply, expected: string): Result<readonly OutputLine[], ReplyError> {
  if (!sameModule(reply.module, expected)) {
    return err({
      kind: 'wrong-module',
      expected,
      actual: reply.module,
      message: `Expected a reply from module ${expected}, got one from ${reply.module === '' ? '(none)' : reply.module}`,
    });
  }
  return ok(reply.lines);
}

const MAX_KEY_LENGTH = 64;

export interface KeyValue {
  readonly key: string;
  /** Everything after the first space, exactly; '' for a bare key. */
  readonly value: string;
  readonly line: number;
}

/**
 * Splits the lines whose key is in `known`. A line that is not UTF-8 is only an error when
 * its key is known: an unknown key's value is none of our business.
 */
export function readKeyValues(lines: readonly OutputLine[], known: ReadonlySet<string>): Result<KeyValue[], ReplyError> {
  const out: KeyValue[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === undefined) continue;
    if (typeof line !== 'string') {
      // Keys are short words: looking further than this would only cost time on huge lines.
      const head = line.subarray(0, MAX_KEY_LENGTH + 1);
      const space = head.indexOf(0x20);
      const key = latin1String(space < 0 ? head : head.subarray(0, space));
      if (known.has(key)) return err({ kind: 'not-text', line: i, message: `Line ${i + 1} (${key}) is not valid UTF-8` });
      continue;
    }
    const space = line.indexOf(' ');
    const key = space < 0 ? line : line.slice(0, space);
    if (!known.has(key)) continue;
    out.push({ key, value: space < 0 ? '' : line.slice(space + 1), line: i });
  }
  return ok(out);
}

/** For state replies where each key appears at most once. */
export function singleValues(pairs: readonly KeyValue[], single: ReadonlySet<string>): Result<Map<string, KeyValue>, ReplyError> {
  const map = new Map<string, KeyValue>();
  for (const pair of pairs) {
    if (!single.has(pair.key)) continue;
    if (map.has(pair.key)) {
      return err({ kind: 'duplicate-key', key: pair.key, line: pair.line, message: `Key ${pair.key} appears twice (line ${pair.line + 1})` });
    }
    map.set(pair.key, pair);
  }
  return ok(map);
}

export function missingKey(key: string): { ok: false; error: ReplyError } {
  return err({ kind: 'missing-key', key, message: `The reply has no ${key} line` });
}

export function badValue(pair: KeyValue, why: string): { ok: false; error: ReplyError } {
  return err({
    kind: 'bad-value',
    key: pair.key,
    value: pair.value,
    line: pair.line,
    message: `Line ${pair.line + 1}: ${pair.key} ${JSON.stringify(pair.value)} ${why}`,
  });
}

/** A state reply read: every line of a known key in order, and the single-valued keys by name. */
export interface StateLines {
  readonly pairs: readonly KeyValue[];
  readonly values: ReadonlyMap<string, KeyValue>;
}

/** The reply of `module` (checkModule), its lines of `known` keys, and those of `single` keys once each. */
export function readState(reply: XexecReply, module: string, known: ReadonlySet<string>, single: ReadonlySet<string>): Result<StateLines, ReplyError> {
  const lines = checkModule(reply, module);
  if (!lines.ok) return lines;
  const pairs = readKeyValues(lines.value, known);
  if (!pairs.ok) return pairs;
  const values = singleValues(pairs.value, single);
  return values.ok ? ok({ pairs: pairs.value, values: values.value }) : values;
}
