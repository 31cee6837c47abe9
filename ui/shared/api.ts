/**
 * The pages' way to the background: `callBackground` (src/messages/client.ts), with the one
 * failure it cannot answer itself (no background, a message lost while Thunderbird suspended
 * it) turned into a UserError like every other, so a panel always gets an answer.
 */

import { callBackground } from '../../src/messages/client.js';
import { userError, type UserError } from '../../src/messages/errors.js';
import type { BackgroundResponse, RequestOf, RequestType } from '../../src/messages/messages.js';
import { t } from './i18n.js';

export type { UserError };

export async function ask<T extends RequestType>(request: RequestOf<T>): Promise<BackgroundResponse<T>> {
  try {
    const response = await callBackground(request);
    if (typeof response === 'object' && response !== null && typeof response.ok === 'boolean') return response;
    return { ok: false, error: unreachable(t('uiNoAnswer')) };
  } catch (e) {
    return { ok: false, error: unreachable(e instanceof Error ? e.message : String(e)) };
  }
}

function unreachable(detail: string): UserError {
  return userError('internal', t('uiBackgroundUnreachable', [detail]), { code: 'disconnected' });
}

/**
 * Whether trying the same again may work: a lost connection, no answer in time, a module
 * the server could not start or had to stop. A refusal (bad input, no such module) would only
 * be refused again.
 */
export function isRetryable(error: UserError): boolean {
  switch (error.code) {
    case 'disconnected':
    case 'timeout':
    case 'XEXEC-TIMEOUT':
    case 'XEXEC-UNAVAILABLE':
    case 'XEXEC-BUSY':
    case 'XEXEC-SIGNAL':
    case 'failed':
      return true;
    default:
      return false;
  }
}
