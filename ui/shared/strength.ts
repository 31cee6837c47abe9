/**
 * A rough strength hint for a new password, 0 (very weak) to 4 (strong): length and the kinds
 * of characters count, repeats, runs ("abcd", "1234", "qwerty") and the commonest passwords
 * count against it. Only a hint: the server decides what it accepts.
 */

export type Strength = 0 | 1 | 2 | 3 | 4;

const COMMON = new Set([
  'password', 'passwort', 'motdepasse', '123456', '12345678', '123456789', '1234567890', 'qwerty', 'qwertz', 'azerty',
  'letmein', 'welcome', 'iloveyou', 'admin', 'abc123', 'monkey', 'dragon', 'football', 'baseball', 'sunshine',
  'princess', 'master', 'hallo', 'bonjour', 'soleil', 'secret', 'geheim', 'changeme', 'trustno1', '000000', '111111',
]);

const SEQUENCES = ['abcdefghijklmnopqrstuvwxyz', '01234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', 'qwertzuiop', 'azertyuiop'];

/** Characters that are part of a run of 3+ ascending or descending sequence characters. */
function sequenceLength(lower: string): number {
  let covered = 0;
  for (const sequence of SEQUENCES) {
    const reversed = [...sequence].reverse().join('');
    for (const seq of [sequence, reversed]) {
      for (let i = 0; i + 3 <= lower.length; i++) {
        if (seq.includes(lower.slice(i, i + 3))) covered++;
      }
    }
  }
  return covered;
}

export function passwordStrength(password: string, avoid: readonly string[] = []): Strength {
  const chars = [...password];
  if (chars.length === 0) return 0;
  const lower = password.toLowerCase();
  const stripped = lower.replace(/[^a-z0-9]/g, '');
  if (COMMON.has(lower) || COMMON.has(stripped.replace(/\d+$/, ''))) return 0;
  if (avoid.some((word) => word.length >= 3 && lower.includes(word.toLowerCase()))) return chars.length >= 12 ? 1 : 0;

  let classes = 0;
  if (/[a-z]/.test(password)) classes++;
  if (/[A-Z]/.test(password)) classes++;
  if (/\d/.test(password)) classes++;
  if (/[^A-Za-z0-9]/.test(password)) classes++;

  const unique = new Set(chars).size;
  // Bits, roughly: length times a per-character guess by the pool of kinds used.
  const pool = [0, 26, 36, 62, 90][classes] ?? 90;
  let bits = chars.length * Math.log2(pool);
  // Repeats and runs are worth little.
  bits *= Math.min(1, unique / Math.max(4, chars.length * 0.6));
  bits -= sequenceLength(lower) * 3;

  if (chars.length < 8 || bits < 28) return 0;
  if (bits < 40) return 1;
  if (bits < 60) return 2;
  if (bits < 80) return 3;
  return 4;
}
