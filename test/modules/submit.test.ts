import { createHash, webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  bareMessageId,
  checkSend,
  isAddress,
  parseSubmitInfo,
  readSendResult,
  readSubmitInfo,
  submitInfoRequest,
  submitSendRequest,
  submitStatusRequest,
  submitToken,
  type SendInput,
  type SubmitInfo,
} from '../../src/modules/submit.js';
import { buildCommandText } from '../../src/protocol/command.js';
import type { ExecuteResult } from '../../src/protocol/execute-result.js';
import { replyOf } from './replies.js';

const INFO_LINES = [
  'mailbox XEXEC Outbox',
  'max-size 26214400',
  'max-recipients 100',
  'per-hour 200',
  'address jane@example.com',
  'address j.doe@example.com',
];

const INFO: SubmitInfo = {
  mailbox: 'XEXEC Outbox',
  maxSize: 26214400,
  maxRecipients: 100,
  perHour: 200,
  addresses: ['jane@example.com', 'j.doe@example.com'],
};

const sha256 = async (data: Uint8Array): Promise<ArrayBuffer> => webcrypto.subtle.digest('SHA-256', data);

const failure = (code: Extract<ExecuteResult, { ok: false }>['code'], detail: number | null, message: string): ExecuteResult =>
  ({ ok: false, code, detail, message, lines: [] });

describe('submit info', () => {
  it('is the no-argument form', () => {
    expect(submitInfoRequest()).toEqual({ module: 'submit', args: [] });
  });

  it('reads the mailbox, the limits and every address in order', () => {
    expect(parseSubmitInfo(replyOf('submit', INFO_LINES))).toEqual({ ok: true, value: INFO });
  });

  it('skips keys it does not know, so the module can grow', () => {
    expect(parseSubmitInfo(replyOf('submit', [...INFO_LINES, 'dsn yes']))).toEqual({ ok: true, value: INFO });
  });

  it.each([
    ['no mailbox', INFO_LINES.filter((l) => !l.startsWith('mailbox')), 'missing-key'],
    ['no address', INFO_LINES.filter((l) => !l.startsWith('address')), 'missing-key'],
    ['no max-size', INFO_LINES.filter((l) => !l.startsWith('max-size')), 'missing-key'],
    ['a size that is no number', INFO_LINES.map((l) => (l.startsWith('max-size') ? 'max-size 25M' : l)), 'bad-value'],
    ['a negative limit', INFO_LINES.map((l) => (l.startsWith('per-hour') ? 'per-hour -1' : l)), 'bad-value'],
    ['an address with a space', [...INFO_LINES, 'address a b@example.com'], 'bad-value'],
    ['two mailboxes', [...INFO_LINES, 'mailbox Other'], 'duplicate-key'],
  ])('refuses %s', (_name, lines, kind) => {
    const parsed = parseSubmitInfo(replyOf('submit', lines));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.kind).toBe(kind);
  });

  it('refuses another module\'s reply', () => {
    const parsed = parseSubmitInfo(replyOf('vacation', INFO_LINES));
    expect(parsed.ok ? null : parsed.error.kind).toBe('wrong-module');
  });

  it('keeps a failure of the command as a value', () => {
    const result = failure('XEXEC-UNKNOWN', null, 'No such module');
    expect(readSubmitInfo(result)).toEqual({ ok: false, error: { kind: 'failed', result } });
    expect(readSubmitInfo({ ok: true, lines: INFO_LINES })).toEqual({ ok: true, value: INFO });
  });
});

describe('submitToken', () => {
  it('is the hex SHA-256 of the Message-ID without its angle brackets', async () => {
    const expected = createHash('sha256').update('1234@example.com').digest('hex');
    expect(await submitToken('<1234@example.com>', sha256)).toEqual({ ok: true, value: expected });
    expect(await submitToken(' 1234@example.com ', sha256)).toEqual({ ok: true, value: expected });
  });

  it('is the same for the same message, different for another', async () => {
    const a = await submitToken('<a@x>', sha256);
    const b = await submitToken('<b@x>', sha256);
    expect(a).toEqual(await submitToken('<a@x>', sha256));
    expect(a).not.toEqual(b);
  });

  it('refuses a message without Message-ID', async () => {
    expect((await submitToken('  <>', sha256)).ok).toBe(false);
    expect(bareMessageId('<>')).toBe('');
  });
});

describe('the send request', () => {
  const input: SendInput = {
    uid: 17,
    token: 'a'.repeat(64),
    from: 'jane@example.com',
    recipients: ['bob@example.org', 'carol@example.net'],
    size: 1000,
    headerFrom: 'J.Doe@example.com',
  };

  it('is send <uid> <token> <from> <rcpt>..., all plain words on the wire', () => {
    const request = submitSendRequest(input, INFO);
    expect(request).toEqual({
      ok: true,
      value: { module: 'submit', args: ['send', '17', 'a'.repeat(64), 'jane@example.com', 'bob@example.org', 'carol@example.net'] },
    });
    if (!request.ok) return;
    expect(buildCommandText(request.value)).toEqual({
      ok: true,
      value: `submit "send" "17" "${'a'.repeat(64)}" "jane@example.com" "bob@example.org" "carol@example.net"`,
    });
  });

  it.each([
    ['no recipient', { recipients: [] }, 'no-recipients'],
    ['more recipients than the server sends to', { recipients: Array.from({ length: 101 }, (_, i) => `r${i}@example.org`) }, 'too-many-recipients'],
    ['a message over max-size', { size: INFO.maxSize + 1 }, 'too-large'],
    ['a recipient that is no address', { recipients: ['bob@example.org', 'x y@example.org'] }, 'bad-address'],
    ['an envelope sender that is not the user', { from: 'boss@example.com' }, 'not-yours'],
    ['a From header that is not the user', { headerFrom: 'boss@example.com' }, 'not-yours'],
    ['UID 0', { uid: 0 }, 'bad-uid'],
    ['a token with a space', { token: 'a b' }, 'bad-token'],
    ['a token over 128 characters', { token: 'a'.repeat(129) }, 'bad-token'],
  ] as const)('refuses %s before staging', (_name, change, kind) => {
    const checked = submitSendRequest({ ...input, ...change }, INFO);
    expect(checked.ok ? null : checked.error.kind).toBe(kind);
  });

  it('checks without a UID before the message is staged', () => {
    expect(checkSend({ ...input, uid: 0 }, INFO, false).ok).toBe(true);
  });

  it('allows exactly max-recipients and max-size', () => {
    const recipients = Array.from({ length: 100 }, (_, i) => `r${i}@example.org`);
    expect(submitSendRequest({ ...input, recipients, size: INFO.maxSize }, INFO).ok).toBe(true);
  });

  it('has a status form', () => {
    expect(submitStatusRequest('abc')).toEqual({ module: 'submit', args: ['status', 'abc'] });
  });

  it.each([
    ['jane@example.com', true],
    ['a+b.c@sub.example.com', true],
    ['no-at-sign', false],
    ['two@@example.com', false],
    ['<jane@example.com>', false],
    [`${'a'.repeat(250)}@x.de`, false],
  ])('isAddress(%s) is %s', (text, expected) => {
    expect(isAddress(text)).toBe(expected);
  });
});

describe('readSendResult', () => {
  it('reads "sent <message-id>"', () => {
    expect(readSendResult({ ok: true, lines: ['sent <1234@example.com>'] })).toEqual({ kind: 'sent', messageId: '<1234@example.com>' });
  });

  it('takes exit 2 as a refusal with the server\'s sentence', () => {
    expect(readSendResult(failure('XEXEC-EXIT', 2, 'You may not send as boss@example.com'))).toEqual({
      kind: 'refused',
      message: 'You may not send as boss@example.com',
    });
  });

  it('takes exit 1 as a failure that may be retried', () => {
    expect(readSendResult(failure('XEXEC-EXIT', 1, 'The hourly sending limit is reached; try again later')).kind).toBe('failed');
  });

  it('takes a dropped connection or a timeout as an unknown outcome', () => {
    expect(readSendResult(failure('disconnected', null, 'The server closed the connection.')).kind).toBe('unknown');
    expect(readSendResult(failure('timeout', null, 'No answer')).kind).toBe('unknown');
  });

  it('takes an OK without "sent" as an unknown outcome, never as sent', () => {
    expect(readSendResult({ ok: true, lines: ['unknown'] }).kind).toBe('unknown');
    expect(readSendResult({ ok: true, lines: [] }).kind).toBe('unknown');
  });

  it('says so when the server has no submit', () => {
    const outcome = readSendResult(failure('unsupported', null, 'Unknown command'));
    expect(outcome.kind).toBe('refused');
  });
});
