import { describe, expect, it } from 'vitest';
import messages from '../../_locales/en/messages.json';
import { modulesRequest, offers, parseModulesReply } from '../../src/modules/discovery.js';
import { IN_TAB_ORDER, STANDARD_MODULES, standardInfo } from '../../src/modules/standard.js';
import { buildCommandText } from '../../src/protocol/command.js';
import { vectors } from '../protocol/vectors.js';
import { parseCustomCommandResult, replyOf } from './replies.js';

describe('discovery', () => {
  it('sends .modules without arguments', () => {
    expect(buildCommandText(modulesRequest())).toEqual({ ok: true, value: '.modules' });
  });

  it('reads the discovery vector', () => {
    const v = vectors.dataLines.find((d) => d.module === '.modules');
    if (v === undefined) throw new Error('vector missing');
    const result = parseCustomCommandResult(v.line.replace(/^\* XEXEC /, '') + ' \r\n ', parseModulesReply);
    expect(result).toEqual({ ok: true, value: ['blacklist', 'whitelist'] });
  });

  it('keeps configuration order and spelling', () => {
    expect(parseModulesReply(replyOf('.modules', ['vacation', 'Blacklist', 'change_pw-2']))).toEqual({
      ok: true,
      value: ['vacation', 'Blacklist', 'change_pw-2'],
    });
    expect(parseModulesReply(replyOf('.modules', []))).toEqual({ ok: true, value: [] });
  });

  it('refuses names outside the grammar and replies of other modules', () => {
    expect(parseModulesReply(replyOf('.modules', ['blacklist', '../x']))).toMatchObject({
      ok: false,
      error: { kind: 'bad-value', line: 1, value: '../x' },
    });
    expect(parseModulesReply(replyOf('.modules', [new Uint8Array([0xff])]))).toMatchObject({ ok: false, error: { kind: 'not-text' } });
    expect(parseModulesReply(replyOf('blacklist', ['blacklist']))).toMatchObject({ ok: false, error: { kind: 'wrong-module' } });
  });

  it('offers() matches case-insensitively', () => {
    expect(offers(['Blacklist', 'vacation'], 'blacklist')).toBe(true);
    expect(offers(['Blacklist', 'vacation'], 'whitelist')).toBe(false);
  });
});

describe('the standard modules (one list)', () => {
  it('names match as on the server; the tabs have their own order; every label is a message', () => {
    expect(STANDARD_MODULES).toEqual(['blacklist', 'whitelist', 'changepassword', 'forwardmail', 'vacation', 'spam', 'alerts', 'rules']);
    expect(IN_TAB_ORDER.map((m) => m.module)).toEqual(['vacation', 'forwardmail', 'blacklist', 'whitelist', 'changepassword', 'spam', 'alerts', 'rules']);
    expect(standardInfo('ChangePassword')?.module).toBe('changepassword');
    expect(standardInfo('password')).toBeUndefined();
    for (const m of IN_TAB_ORDER) expect((messages as Record<string, unknown>)[m.label], m.label).toBeDefined();
  });
});
