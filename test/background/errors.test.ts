import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import messages from '../../_locales/en/messages.json';
import { executeFailureError, replyError } from '../../src/background/errors.js';
import {
  addressInputError,
  commandInputError,
  entryInputError,
  entryProblemMessage,
  passwordInputError,
  vacationInputError,
} from '../../src/messages/errors.js';
import type { ExecuteFailureCode } from '../../src/protocol/execute-result.js';
import { failed, getMessage, translate } from './fakes.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

const ALL_CODES: readonly ExecuteFailureCode[] = [
  'unsupported', 'disconnected', 'timeout', 'XEXEC-EXIT', 'XEXEC-SIGNAL', 'XEXEC-TIMEOUT', 'XEXEC-LIMIT',
  'XEXEC-UNKNOWN', 'XEXEC-BADARGS', 'XEXEC-UNAVAILABLE', 'XEXEC-BUSY', 'failed', 'bad-reply',
];

describe('executeFailureError', () => {
  it('every code: a sentence with every placeholder filled, and the server text kept beside it', () => {
    for (const code of ALL_CODES) {
      const detail = ['XEXEC-EXIT', 'XEXEC-SIGNAL', 'XEXEC-TIMEOUT', 'XEXEC-LIMIT'].includes(code) ? 42 : null;
      const e = executeFailureError(translate, { ...failed(code, 'SERVER TEXT'), detail } as never, 'vacation');
      expect(e.kind).toBe('server');
      expect(e.code).toBe(code);
      expect(e.serverMessage).toBe('SERVER TEXT');
      expect(e.message, code).not.toMatch(/\$|^$/);
      expect(e.field).toBeNull();
    }
  });

  it('what each sentence says', () => {
    const say = (code: ExecuteFailureCode, detail: number | null = null) =>
      executeFailureError(translate, { ...failed(code, 'TEXT'), detail } as never, 'vacation').message;
    expect(say('XEXEC-EXIT', 2)).toBe('The server refused: TEXT');
    expect(say('XEXEC-SIGNAL', 11)).toBe('The server\'s program for “vacation” crashed: TEXT');
    expect(say('XEXEC-UNKNOWN')).toBe('The server does not offer “vacation” to this account.');
    expect(say('XEXEC-TIMEOUT', 30)).toBe('The server stopped “vacation” after 30 seconds.');
    expect(say('XEXEC-LIMIT', 1048576)).toBe('The server stopped “vacation”: its answer was larger than 1048576 bytes.');
    expect(say('XEXEC-UNAVAILABLE')).toContain('server log');
    expect(say('XEXEC-BUSY')).toBe('The server is still busy with other changes of yours, so it did not start “vacation”. Try again in a moment.');
    expect(say('unsupported')).toBe("This account's server cannot be managed from Thunderbird: TEXT");
    expect(say('disconnected')).toBe('Thunderbird could not reach the server: TEXT');
    expect(say('timeout')).toContain('did not answer in time');
    expect(say('failed')).toBe('The server refused the command: TEXT');
    expect(say('bad-reply')).toBe("The server's answer could not be read: TEXT");
  });

  it('a server text with "$" stays as it is', () => {
    expect(executeFailureError(translate, failed('XEXEC-EXIT', 'costs $1 or $$'), 'm').message).toBe('The server refused: costs $1 or $$');
  });
});

describe('input errors', () => {
  it('list entries, by problem', () => {
    const entry = (value: string, problem: 'empty' | 'too-long' | 'missing-at' | 'local-part' | 'domain') =>
      entryInputError(translate, { kind: 'invalid-entry', index: 3, value, problem, message: '' });
    expect(entry('', 'empty')).toMatchObject({ kind: 'input', field: 'entries.3', message: 'An entry is empty.' });
    expect(entry('x', 'missing-at').message).toBe('“x” has no @.');
    expect(entry('x@y', 'domain').message).toBe('“x@y” has an invalid domain.');
    expect(entry('a b@y.z', 'local-part').message).toBe('“a b@y.z” has an invalid part before the @.');
    expect(entry('long', 'too-long').message).toBe('“long” is longer than 254 bytes.');
    expect(addressInputError(translate, { kind: 'invalid-address', value: 'x', problem: 'missing-at', message: '' })).toMatchObject({
      field: 'address', message: '“x” has no @.',
    });
  });

  it('entryProblemMessage: the same sentence for the pages\' own checks', () => {
    expect(entryProblemMessage(translate, 'missing-at', 'x')).toBe('“x” has no @.');
    expect(entryProblemMessage(translate, 'domain', 'a@b')).toBe('“a@b” has an invalid domain.');
  });

  it('passwords', () => {
    expect(passwordInputError(translate, { kind: 'too-short', message: '' }, 10).message).toBe('The new password must be at least 10 characters long.');
    expect(passwordInputError(translate, { kind: 'equals-username', message: '' }).message).toBe('The new password must not be your user name.');
  });

  it('vacation fields', () => {
    expect(vacationInputError(translate, { kind: 'invalid-field', field: 'body', problem: 'too-long', message: '' })).toMatchObject({
      field: 'body', message: 'The reply text must not be longer than 16384 bytes.',
    });
    expect(vacationInputError(translate, { kind: 'invalid-field', field: 'end', problem: 'not-a-date', message: '' }).message)
      .toBe('The end date must be a real day, written YYYY-MM-DD.');
  });

  it('console arguments', () => {
    expect(commandInputError(translate, { kind: 'lone-surrogate', position: 1, message: '' })).toMatchObject({
      field: 'args.0', message: 'Argument 1 is not valid Unicode.',
    });
  });

  it('reply errors name the module and keep the parser\'s detail', () => {
    expect(replyError(translate, { kind: 'missing-key', key: 'status', message: 'The reply has no status line' }, 'forwardmail').message)
      .toBe('The server\'s answer is not what “forwardmail” should say: The reply has no status line');
  });
});

describe('_locales/en/messages.json', () => {
  const entries = Object.entries(messages as Record<string, { message: string; description?: string; placeholders?: Record<string, { content: string }> }>);

  it('every placeholder used is defined and every defined one is used; every entry has a description', () => {
    for (const [key, entry] of entries) {
      const used = new Set([...entry.message.matchAll(/\$([A-Za-z0-9_@]+)\$/g)].map((m) => m[1]!.toLowerCase()));
      expect(used, key).toEqual(new Set(Object.keys(entry.placeholders ?? {})));
      expect(entry.description, key).toBeTruthy();
      expect(getMessage(key, ['1', '2', '3']), key).not.toMatch(/\$[A-Za-z]/);
    }
  });

  it('every message is used by the manifest, src/ or ui/', () => {
    const files = ['manifest.json'];
    const walk = (dir: string) => {
      for (const name of fs.readdirSync(path.join(ROOT, dir))) {
        const rel = path.join(dir, name);
        if (fs.statSync(path.join(ROOT, rel)).isDirectory()) walk(rel);
        else if (/\.(ts|tsx|json|html)$/.test(name)) files.push(rel);
      }
    };
    walk('src');
    walk('ui');
    const text = files.map((f) => fs.readFileSync(path.join(ROOT, f), 'utf8')).join('\n');
    for (const [key] of entries) {
      expect(text.includes(`'${key}'`) || text.includes(`__MSG_${key}__`), key).toBe(true);
    }
  });
});
