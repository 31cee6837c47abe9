import { beforeEach, describe, expect, it, vi } from 'vitest';
import { callBackground } from '../../../src/messages/client.js';
import { ask, isRetryable } from '../../../ui/shared/api.js';
import { errorStatus } from '../../../ui/shared/Status.js';
import { serverError } from '../fakes.js';

vi.mock('webextension-polyfill', async () => (await import('../fakes.js')).polyfillModule());
vi.mock('../../../src/messages/client.js', () => ({ callBackground: vi.fn() }));

const call = vi.mocked(callBackground);

beforeEach(() => call.mockReset());

describe('ask', () => {
  it('passes the background\'s answer on', async () => {
    call.mockResolvedValueOnce({ ok: true, value: { modules: ['vacation'] } });
    expect(await ask({ type: 'discover', accountId: 'a' })).toEqual({ ok: true, value: { modules: ['vacation'] } });
  });

  it('a background that cannot be reached is an error in words that can be retried', async () => {
    call.mockRejectedValueOnce(new Error('Could not establish connection. Receiving end does not exist.'));
    const answer = await ask({ type: 'discover', accountId: 'a' });
    expect(answer).toMatchObject({
      ok: false,
      error: { message: 'The add-on could not reach its background part: Could not establish connection. Receiving end does not exist.. Try again; if it keeps failing, restart Thunderbird.' },
    });
    expect(!answer.ok && isRetryable(answer.error)).toBe(true);
  });

  it('no answer at all is one too', async () => {
    call.mockResolvedValueOnce(undefined as never);
    const answer = await ask({ type: 'discover', accountId: 'a' });
    expect(!answer.ok && answer.error.message).toContain('gave no answer');
  });
});

describe('isRetryable', () => {
  it('what may pass: lost connection, timeouts, a module that could not start or crashed, a busy server', () => {
    for (const code of ['disconnected', 'timeout', 'XEXEC-TIMEOUT', 'XEXEC-UNAVAILABLE', 'XEXEC-BUSY', 'XEXEC-SIGNAL', 'failed'] as const) {
      expect(isRetryable(serverError(code, 'x')), code).toBe(true);
    }
  });

  it('what would be refused again: refusals, unknown modules, bad input, no XEXEC', () => {
    for (const code of ['XEXEC-EXIT', 'XEXEC-UNKNOWN', 'XEXEC-BADARGS', 'XEXEC-LIMIT', 'unsupported', 'bad-reply'] as const) {
      expect(isRetryable(serverError(code, 'x')), code).toBe(false);
    }
  });
});

describe('errorStatus: the one rule every panel (the console too) follows', () => {
  it('Retry exactly when isRetryable; the text is the error\'s unless given', () => {
    const retry = () => undefined;
    for (const code of ['disconnected', 'timeout', 'XEXEC-BUSY', 'XEXEC-UNKNOWN', 'XEXEC-EXIT', 'unsupported'] as const) {
      const error = serverError(code, 'x');
      const status = errorStatus(error, retry);
      expect(status, code).toEqual({ kind: 'error', text: error.message, retry: isRetryable(error) ? retry : undefined });
    }
    expect(errorStatus(serverError('timeout', 'x'), retry, 'Import stopped: …').text).toBe('Import stopped: …');
  });
});
