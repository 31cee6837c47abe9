import { describe, expect, it } from 'vitest';
import { DISCOVERY_MODULE, isModuleName, isSendableModuleName, sameModule } from '../../src/protocol/module-name.js';
import { vectors } from './vectors.js';

describe('module names (PROTOCOL.md §2)', () => {
  it('every moduleNames vector', () => {
    for (const name of vectors.moduleNames.valid) expect(isModuleName(name), name).toBe(true);
    for (const name of vectors.moduleNames.invalid) expect(isModuleName(name), name).toBe(false);
  });

  it('.modules is sendable but outside the grammar', () => {
    expect(isModuleName(DISCOVERY_MODULE)).toBe(false);
    expect(isSendableModuleName(DISCOVERY_MODULE)).toBe(true);
    expect(isSendableModuleName('.MODULES')).toBe(false);
  });

  it('names compare case-insensitively', () => {
    expect(sameModule('BlackList', 'blacklist')).toBe(true);
    expect(sameModule('blacklist', 'whitelist')).toBe(false);
  });
});
