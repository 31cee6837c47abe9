import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseModulesReply } from '../../src/modules/discovery.js';
import { parseForwardState } from '../../src/modules/forwarding.js';
import { parseAddReply, parseDeleteReply, parseListReply } from '../../src/modules/lists.js';
import { parseChangePasswordReply } from '../../src/modules/password.js';
import type { ReplyError } from '../../src/modules/reply.js';
import { parseVacationState } from '../../src/modules/vacation.js';
import type { XexecReply } from '../../src/protocol/data-line.js';
import type { Result } from '../../src/protocol/result.js';
import { customCommandResult, parseCustomCommandResult } from './replies.js';

const parsers: ReadonlyArray<readonly [string, (reply: XexecReply) => Result<unknown, ReplyError>]> = [
  ['blacklist', (r) => parseListReply(r, 'blacklist')],
  ['blacklist', (r) => parseAddReply(r, 'blacklist')],
  ['whitelist', (r) => parseDeleteReply(r, 'whitelist')],
  ['changepassword', (r) => parseChangePasswordReply(r)],
  ['forwardmail', (r) => parseForwardState(r)],
  ['vacation', (r) => parseVacationState(r)],
  ['.modules', (r) => parseModulesReply(r)],
];

const key = fc.constantFrom('status', 'subject', 'days', 'start', 'end', 'body', 'address', 'keepcopy', 'added', 'exists', 'removed', 'absent', 'Password', 'x', '');
const value = fc.oneof(
  fc.constantFrom('on', 'off', 'yes', 'no', '7', '0', '99', '2026-02-29', '2026-07-01', 'a@b.example', '@c.example', 'changed', '', ' ', '{5}', '"', '\\'),
  fc.string({ unit: 'binary', maxLength: 12 }),
);
const textLine = fc.tuple(key, fc.constantFrom(' ', '', '  '), value).map(([k, s, v]) => new TextEncoder().encode(k + s + v));
const line = fc.oneof(textLine, fc.uint8Array({ maxLength: 16 }));
const moduleName = fc.constantFrom('blacklist', 'whitelist', 'changepassword', 'forwardmail', 'vacation', '.modules', 'other', '');

describe('module parsers on random and hostile replies', () => {
  it('return a result and never throw', () => {
    fc.assert(
      fc.property(moduleName, fc.array(line, { maxLength: 12 }), fc.nat(), (module, lines, cut) => {
        const result = customCommandResult(module, lines);
        for (const [expected, parse] of parsers) {
          const whole = parseCustomCommandResult(result, parse);
          if (!whole.ok) expect(whole.error.message.length).toBeGreaterThan(0);
          if (!whole.ok && module.toLowerCase() !== expected) expect(whole.error.kind).toBe('wrong-module');
          // Truncated at any point: still a result.
          parseCustomCommandResult(result.slice(0, cut % (result.length + 1)), parse);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('an oversized state reply (100,000 body lines) is parsed, not choked on', () => {
    const lines = ['status on', 'subject s', 'days 7', ...Array.from({ length: 100_000 }, (_, i) => `body line ${i}`)];
    const parsed = parseCustomCommandResult(customCommandResult('vacation', lines), (r) => parseVacationState(r));
    expect(parsed.ok && parsed.value.body.split('\n')).toHaveLength(100_000);
  });

  it('a single huge binary line does not overflow the stack', () => {
    const huge = new Uint8Array(4_000_000).fill(0xff);
    const parsed = parseCustomCommandResult(customCommandResult('forwardmail', [huge, 'status off', 'keepcopy no']), (r) => parseForwardState(r));
    expect(parsed).toEqual({ ok: true, value: { status: 'off', address: null, keepCopy: false } });
  });
});
