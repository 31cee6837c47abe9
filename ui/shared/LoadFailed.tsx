/** A panel whose state could not be read: the reason and a Retry button, never a dead page. */

import type { ComponentChildren } from 'preact';
import type { UserError } from '../../src/messages/errors.js';
import { t } from './i18n.js';

/** `children`: what else helps (a hint under the reason). */
export function LoadFailed({ error, onRetry, children }: { error: UserError; onRetry: () => void; children?: ComponentChildren }) {
  return (
    <div class="load-failed">
      <p role="alert" class="error-text">
        {error.message}
      </p>
      {children}
      <button type="button" onClick={onRetry}>
        {t('uiRetry')}
      </button>
    </div>
  );
}

export function Loading({ text }: { text?: string }) {
  return (
    <p class="loading" role="status">
      <span class="spinner" aria-hidden="true" />
      {text ?? t('uiLoading')}
    </p>
  );
}
