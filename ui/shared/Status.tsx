/**
 * The live region of a panel: what the last action did, read out by screen readers
 * (role=status is polite). It is always in the page, so a change of its text is announced.
 * Retry and Undo buttons sit beside it, not in it, so they are not read with every message.
 */

import type { ComponentChildren } from 'preact';
import type { UserError } from '../../src/messages/errors.js';
import { isRetryable } from './api.js';
import { t } from './i18n.js';

export type StatusKind = 'success' | 'error' | 'warning' | 'info' | 'busy';

export interface StatusState {
  readonly kind: StatusKind;
  readonly text: string;
  /** Further lines (what Thunderbird's saved passwords got, say). */
  readonly details?: readonly string[];
  /** Offered for failures that may pass (lost connection, timeout). */
  readonly retry?: () => void;
  /** Offered after a change that can be taken back. */
  readonly undo?: () => void;
}

/**
 * A failed request as a panel's status, the one rule for every panel: the failure in words
 * (or `text` that contains them), and Retry only when trying again may work (isRetryable).
 */
export function errorStatus(error: UserError, retry: () => void, text: string = error.message): StatusState {
  return { kind: 'error', text, retry: isRetryable(error) ? retry : undefined };
}

export function Status({ status, label, children }: { status: StatusState | null; label?: string; children?: ComponentChildren }) {
  return (
    <div class="status-area">
      <div role="status" aria-live="polite" aria-atomic="true" aria-label={label} class={status ? `status status-${status.kind}` : 'status'}>
        {status && (
          <>
            <p class="status-text">
              <span class="status-icon" aria-hidden="true" />
              {status.text}
            </p>
            {status.details?.map((line) => (
              <p class="status-detail" key={line}>
                {line}
              </p>
            ))}
          </>
        )}
      </div>
      {(status?.retry || status?.undo || children) && (
        <div class="status-actions">
          {status?.retry && (
            <button type="button" onClick={status.retry}>
              {t('uiRetry')}
            </button>
          )}
          {status?.undo && (
            <button type="button" onClick={status.undo}>
              {t('uiUndo')}
            </button>
          )}
          {children}
        </div>
      )}
    </div>
  );
}
