// The one measure of a command line's size (src/protocol/line-size.ts) that list batches,
// vacation's only= and the trusted contacts are cut or refused by.
import { describe, expect, it } from 'vitest';
import { argumentBytes, commandLineBytes, LINE_OVERHEAD } from '../../src/protocol/line-size.js';

describe('command line size', () => {
  it('an argument is a space and its quoted form', () => {
    expect(argumentBytes('a@b.example')).toBe(1 + '"a@b.example"'.length);
  });

  it('a % counts three bytes, as Thunderbird sends it (%25)', () => {
    expect(argumentBytes('50%off')).toBe(1 + '"50%off"'.length + 2);
    expect(argumentBytes('%%')).toBe(1 + '"%%"'.length + 4);
  });

  it('an argument that is not quotable counts in its ~base64url form', () => {
    // "ü?" is 3 UTF-8 bytes: 4 base64url characters and the ~.
    expect(argumentBytes('ü?')).toBe(1 + 1 + 4);
  });

  it('the line is the words around the arguments plus each argument', () => {
    expect(commandLineBytes([])).toBe(LINE_OVERHEAD);
    expect(commandLineBytes(['set', 'x%'])).toBe(LINE_OVERHEAD + argumentBytes('set') + argumentBytes('x%'));
  });
});
