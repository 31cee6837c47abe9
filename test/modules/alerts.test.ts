import { describe, expect, it } from 'vitest';
import {
  alertsConfirmRequest,
  alertsContactsSetRequest,
  alertsOffRequest,
  alertsResendRequest,
  alertsSetRequest,
  alertsShowRequest,
  normalizeCode,
  normalizeSenders,
  normalizeTarget,
  normalizeWords,
  parseAlertsState,
  splitSenders,
  splitWords,
} from '../../src/modules/alerts.js';
import { buildCommandText } from '../../src/protocol/command.js';
import { replyOf } from './replies.js';

describe('requests', () => {
  it('show, off, resend, under another name too', () => {
    expect(alertsShowRequest()).toEqual({ module: 'alerts', args: ['show'] });
    expect(alertsOffRequest('notify')).toEqual({ module: 'notify', args: ['off'] });
    expect(alertsResendRequest()).toEqual({ module: 'alerts', args: ['resend'] });
  });

  it('set: every key once, in normal form', () => {
    expect(alertsSetRequest({
      target: ' Me@SMS.Example ',
      senders: ['Boss@Example.com', '@Example.ORG', 'boss@example.com'],
      words: [' urgent ', 'server down', 'urgent'],
      urgent: true,
      contacts: false,
    })).toEqual({
      ok: true,
      value: {
        module: 'alerts',
        args: ['set', 'target=me@sms.example', 'senders=@example.org,boss@example.com', 'words=urgent,server down', 'urgent=yes', 'contacts=no'],
      },
    });
  });

  it('set: a key left out is not sent; empty lists clear', () => {
    expect(alertsSetRequest({ urgent: false })).toEqual({ ok: true, value: { module: 'alerts', args: ['set', 'urgent=no'] } });
    expect(alertsSetRequest({ senders: [], words: [] }, 'a')).toEqual({ ok: true, value: { module: 'a', args: ['set', 'senders=', 'words='] } });
  });

  it('set with nothing is refused before sending', () => {
    expect(alertsSetRequest({})).toMatchObject({ ok: false, error: { kind: 'nothing-to-set' } });
  });

  it('set: non-ASCII words go as one encoded argument each', () => {
    const request = alertsSetRequest({ words: ['Dringend', 'Störung im Netz'] });
    expect(request.ok && request.value.args).toEqual(['set', 'words=Dringend,Störung im Netz']);
    const text = request.ok ? buildCommandText(request.value) : null;
    expect(text?.ok).toBe(true);
  });
});

describe('targets', () => {
  it('needs a local part; lower-cases', () => {
    expect(normalizeTarget('Pager@Sms.Example')).toEqual({ ok: true, value: 'pager@sms.example' });
    expect(normalizeTarget('@sms.example')).toMatchObject({ ok: false, error: { kind: 'invalid-target', problem: 'local-part' } });
    expect(normalizeTarget('pager')).toMatchObject({ ok: false, error: { kind: 'invalid-target', problem: 'missing-at' } });
    expect(normalizeTarget('')).toMatchObject({ ok: false, error: { kind: 'invalid-target', problem: 'empty' } });
  });

  it('when the allowed domains are known, only those (exactly, not subdomains)', () => {
    const allowed = ['sms.example', 'pager.example'];
    expect(normalizeTarget('a@SMS.example', allowed)).toEqual({ ok: true, value: 'a@sms.example' });
    expect(normalizeTarget('a@x.sms.example', allowed)).toMatchObject({ ok: false, error: { kind: 'target-domain', field: 'target', domains: allowed } });
    expect(alertsSetRequest({ target: 'a@other.example' }, 'alerts', allowed)).toMatchObject({ ok: false, error: { kind: 'target-domain' } });
  });
});

describe('conditions', () => {
  it('senders: addresses and @domains, the first bad one named by its index', () => {
    expect(normalizeSenders(['b@x.example', '@A.example'])).toEqual({ ok: true, value: ['@a.example', 'b@x.example'] });
    expect(normalizeSenders(['ok@x.example', 'not an address'])).toMatchObject({
      ok: false,
      error: { kind: 'invalid-sender', index: 1, value: 'not an address', problem: 'missing-at' },
    });
    expect(normalizeSenders(['a@b'])).toMatchObject({ ok: false, error: { problem: 'domain' } });
  });

  it('senders: at most 100 after duplicates are merged', () => {
    const many = Array.from({ length: 101 }, (_, i) => `s${i}@x.example`);
    expect(normalizeSenders(many)).toMatchObject({ ok: false, error: { problem: 'too-many' } });
    expect(normalizeSenders([...many.slice(0, 100), 'S0@x.example']).ok).toBe(true);
  });

  it('words: trimmed, unique, 1–64 bytes, no control characters or commas', () => {
    expect(normalizeWords([' a ', 'b c', 'a'])).toEqual({ ok: true, value: ['a', 'b c'] });
    expect(normalizeWords(['   '])).toMatchObject({ ok: false, error: { problem: 'word-empty' } });
    expect(normalizeWords(['x'.repeat(64)]).ok).toBe(true);
    expect(normalizeWords(['x'.repeat(65)])).toMatchObject({ ok: false, error: { problem: 'word-too-long' } });
    // 22 × 3 bytes: counted in bytes, not characters
    expect(normalizeWords(['€'.repeat(22)])).toMatchObject({ ok: false, error: { problem: 'word-too-long' } });
    expect(normalizeWords(['a\tb'])).toMatchObject({ ok: false, error: { problem: 'word-control' } });
    expect(normalizeWords(['a,b'])).toMatchObject({ ok: false, error: { problem: 'word-comma' } });
    expect(normalizeWords(Array.from({ length: 51 }, (_, i) => `w${i}`))).toMatchObject({ ok: false, error: { problem: 'too-many' } });
  });

  it('splits typed text as the module splits values', () => {
    expect(splitSenders(' a@x.example, @y.example\n\n b@z.example ')).toEqual(['a@x.example', '@y.example', 'b@z.example']);
    expect(splitWords('server down\r\n\nurgent, invoice  \n')).toEqual(['server down', 'urgent', ' invoice  ']);
  });
});

describe('trusted contacts', () => {
  it('set: addresses with a local part, normal form, sorted, unique; none clears', () => {
    expect(alertsContactsSetRequest(['Tom@Partner.example', 'anna@example.com', 'tom@partner.example'])).toEqual({
      ok: true, value: { module: 'alerts', args: ['contacts', 'set', 'anna@example.com', 'tom@partner.example'] },
    });
    expect(alertsContactsSetRequest([])).toEqual({ ok: true, value: { module: 'alerts', args: ['contacts', 'clear'] } });
    expect(alertsContactsSetRequest(['a@example.com', '@example.org'])).toMatchObject({
      ok: false, error: { kind: 'invalid-sender', field: 'contacts', index: 1, problem: 'local-part' },
    });
  });

  it('set: a list that does not fit in one command is refused, as spam\'s is', () => {
    const many = Array.from({ length: 3000 }, (_, i) => `contact-number-${i}@example.org`);
    expect(alertsContactsSetRequest(many)).toMatchObject({ ok: false, error: { kind: 'contacts-too-long', field: 'contacts', count: 3000 } });
    expect(alertsContactsSetRequest(many.slice(0, 1500))).toMatchObject({ ok: true, value: { args: ['contacts', 'set', ...many.slice(0, 1500).sort()] } });
  });
});

describe('the code', () => {
  it('is six digits; blanks and dashes people type are dropped', () => {
    expect(normalizeCode('123456')).toBe('123456');
    expect(normalizeCode(' 123 456 ')).toBe('123456');
    expect(normalizeCode('123-456')).toBe('123456');
    for (const bad of ['12345', '1234567', '12345a', '', '１２３４５６', '123 45']) expect(normalizeCode(bad), bad).toBeNull();
  });

  it('confirm sends it as one argument; anything else is refused before sending', () => {
    expect(alertsConfirmRequest('012 345')).toEqual({ ok: true, value: { module: 'alerts', args: ['confirm', '012345'] } });
    expect(alertsConfirmRequest('abc')).toMatchObject({ ok: false, error: { kind: 'invalid-field', field: 'code', problem: 'code-format' } });
  });
});

const FULL = [
  'status on',
  'target pager@sms.example',
  'confirmed yes',
  'sender @example.org',
  'sender boss@example.com',
  'word urgent',
  'word server down',
  'urgent yes',
  'contacts no',
  'max-per-hour 10',
  'target-domain sms.example',
  'target-domain pager.example',
  'target-allowed yes',
];

describe('parseAlertsState', () => {
  it('reads every key', () => {
    expect(parseAlertsState(replyOf('alerts', FULL))).toEqual({
      ok: true,
      value: {
        status: 'on',
        target: 'pager@sms.example',
        confirmed: true,
        senders: ['@example.org', 'boss@example.com'],
        words: ['urgent', 'server down'],
        urgent: true,
        contacts: false,
        maxPerHour: 10,
        targetDomains: ['sms.example', 'pager.example'],
        targetAllowed: true,
      },
    });
  });

  it('a fresh account: no target, nothing chosen', () => {
    expect(parseAlertsState(replyOf('alerts', ['status off', 'confirmed no', 'urgent no', 'contacts no', 'max-per-hour 10']))).toEqual({
      ok: true,
      value: { status: 'off', target: null, confirmed: false, senders: [], words: [], urgent: false, contacts: false, maxPerHour: 10, targetDomains: [], targetAllowed: true },
    });
    // confirmed means nothing without a target, so it may be left out then
    expect(parseAlertsState(replyOf('alerts', ['status off', 'urgent no', 'contacts no']))).toMatchObject({ ok: true, value: { confirmed: false, maxPerHour: null } });
  });

  it('target-allowed no: a confirmed target outside the narrowed domains is suspended', () => {
    const lines = ['status on', 'target pager@sms.example', 'confirmed yes', 'urgent yes', 'contacts no', 'target-domain pager.example', 'target-allowed no'];
    expect(parseAlertsState(replyOf('alerts', lines))).toMatchObject({ ok: true, value: { confirmed: true, targetDomains: ['pager.example'], targetAllowed: false } });
  });

  it('ignores unknown keys in any order, and words with the spaces the module kept', () => {
    const lines = ['codes-left 2', 'contacts yes', 'word  two  spaces', 'x', 'urgent no', 'status off', 'target a@b.example', 'confirmed no', 'pending-since 2026-12-02'];
    expect(parseAlertsState(replyOf('alerts', lines))).toMatchObject({
      ok: true,
      value: { status: 'off', target: 'a@b.example', confirmed: false, contacts: true, words: [' two  spaces'] },
    });
  });

  const broken: ReadonlyArray<readonly [string, readonly string[], object]> = [
    ['no status', ['urgent no', 'contacts no'], { kind: 'missing-key', key: 'status' }],
    ['no urgent', ['status off', 'contacts no'], { kind: 'missing-key', key: 'urgent' }],
    ['no contacts', ['status off', 'urgent no'], { kind: 'missing-key', key: 'contacts' }],
    ['a target without confirmed', ['status off', 'target a@b.example', 'urgent no', 'contacts no'], { kind: 'missing-key', key: 'confirmed' }],
    ['bad status', ['status maybe', 'urgent no', 'contacts no'], { kind: 'bad-value', key: 'status', value: 'maybe' }],
    ['bad confirmed', ['status on', 'target a@b.example', 'confirmed 1', 'urgent no', 'contacts no'], { kind: 'bad-value', key: 'confirmed' }],
    ['bad urgent', ['status on', 'urgent true', 'contacts no'], { kind: 'bad-value', key: 'urgent' }],
    ['target not an address', ['status on', 'target nowhere', 'confirmed no', 'urgent no', 'contacts no'], { kind: 'bad-value', key: 'target' }],
    ['target not lower-case', ['status on', 'target A@b.example', 'confirmed no', 'urgent no', 'contacts no'], { kind: 'bad-value', key: 'target' }],
    ['bad sender', ['status on', 'sender nobody', 'urgent no', 'contacts no'], { kind: 'bad-value', key: 'sender', value: 'nobody' }],
    ['empty word', ['status on', 'word', 'urgent no', 'contacts no'], { kind: 'bad-value', key: 'word' }],
    ['bad cap', ['status on', 'urgent no', 'contacts no', 'max-per-hour ten'], { kind: 'bad-value', key: 'max-per-hour' }],
    ['bad target-allowed', ['status on', 'urgent no', 'contacts no', 'target-allowed maybe'], { kind: 'bad-value', key: 'target-allowed' }],
    ['twice target-allowed', ['status on', 'urgent no', 'contacts no', 'target-allowed no', 'target-allowed yes'], { kind: 'duplicate-key', key: 'target-allowed' }],
    ['bad target domain', ['status on', 'urgent no', 'contacts no', 'target-domain @sms.example'], { kind: 'bad-value', key: 'target-domain' }],
    ['twice status', ['status on', 'status off', 'urgent no', 'contacts no'], { kind: 'duplicate-key', key: 'status', line: 1 }],
    ['twice target', ['status on', 'target a@b.example', 'target c@d.example', 'confirmed no', 'urgent no', 'contacts no'], { kind: 'duplicate-key', key: 'target' }],
  ];
  for (const [name, lines, error] of broken) {
    it(`refuses: ${name}`, () => {
      expect(parseAlertsState(replyOf('alerts', lines))).toMatchObject({ ok: false, error });
    });
  }

  it('a known key whose line is not UTF-8 is refused; an unknown one is skipped', () => {
    const bad = new Uint8Array([...new TextEncoder().encode('word '), 0xff]);
    expect(parseAlertsState(replyOf('alerts', ['status off', 'urgent no', 'contacts no', bad]))).toMatchObject({ ok: false, error: { kind: 'not-text' } });
    const unknown = new Uint8Array([...new TextEncoder().encode('note '), 0xff]);
    expect(parseAlertsState(replyOf('alerts', ['status off', 'urgent no', 'contacts no', unknown])).ok).toBe(true);
  });

  it('refuses a reply from another module, and reads one under the configured name', () => {
    expect(parseAlertsState(replyOf('vacation', ['status off', 'urgent no', 'contacts no']))).toMatchObject({ ok: false, error: { kind: 'wrong-module' } });
    expect(parseAlertsState(replyOf('notify', ['status off', 'urgent no', 'contacts no']), 'notify').ok).toBe(true);
  });
});
