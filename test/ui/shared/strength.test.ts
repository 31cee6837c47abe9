import { describe, expect, it } from 'vitest';
import { passwordStrength } from '../../../ui/shared/strength.js';

describe('passwordStrength', () => {
  it('common passwords, runs and repeats are very weak', () => {
    for (const weak of ['', 'password', 'Password1', '12345678', 'qwertzuiop', 'aaaaaaaaaaaa', 'abcdefgh', 'azerty123']) {
      expect(passwordStrength(weak), weak).toBe(0);
    }
  });

  it('a password containing the address is weak at best', () => {
    expect(passwordStrength('jane-was-here-2025', ['jane'])).toBeLessThanOrEqual(1);
  });

  it('longer and more varied is stronger', () => {
    expect(passwordStrength('sunflower7')).toBeLessThanOrEqual(2);
    expect(passwordStrength('Sunflower-7x')).toBeGreaterThanOrEqual(2);
    expect(passwordStrength('correct horse battery staple')).toBeGreaterThanOrEqual(3);
    expect(passwordStrength('Tr0mbone-Velvet-Quasar-91')).toBe(4);
  });

  it('counts characters, not UTF-16 units', () => {
    expect(passwordStrength('😀😀😀😀')).toBe(0);
  });
});
