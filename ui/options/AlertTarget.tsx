/**
 * The alert target's confirmation (PROTOCOL.md §6.6): whether the stored target gave its code,
 * and while it has not, the code field with Confirm and "Send a new code". Until then the
 * module sends nothing there but the code, and the panel says so.
 */

import { useId, useRef, useState } from 'preact/hooks';
import { CODE_LENGTH, normalizeCode, type AlertsState } from '../../src/modules/alerts.js';
import { ActionButton } from '../shared/ActionButton.js';
import { Field } from '../shared/Field.js';
import { t } from '../shared/i18n.js';

export type TargetAction = 'confirm' | 'resend';

export interface AlertTargetProps {
  readonly state: AlertsState;
  /** The action of the panel in flight, if any. */
  readonly busy: string | null;
  /** Sends the code; resolves with the reason it was refused, null when it was taken, '' when nothing was sent. */
  readonly onConfirm: (code: string) => Promise<string | null>;
  readonly onResend: () => void;
}

export function AlertTarget({ state, busy, onConfirm, onResend }: AlertTargetProps) {
  const id = useId();
  const [code, setCode] = useState('');
  const [codeError, setCodeError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  if (state.target === null) return null;

  if (state.confirmed) {
    return (
      <p class="alerts-confirmed" data-testid="alerts-confirmation">
        <span class="badge badge-ok">{t('alertsConfirmedBadge')}</span> {t('alertsConfirmedText', [state.target])}
      </p>
    );
  }

  async function confirm() {
    if (normalizeCode(code) === null) {
      setCodeError(t('alertsCodeFormat', [String(CODE_LENGTH)]));
      input.current?.focus();
      return;
    }
    setCodeError(null);
    const refused = await onConfirm(code);
    // The typed code stays when it was refused, so one wrong digit can be fixed in place.
    if (refused === null) setCode('');
    else if (refused !== '') {
      setCodeError(refused);
      input.current?.focus();
    }
  }

  return (
    <section class="alerts-code" aria-labelledby={`${id}-heading`} data-testid="alerts-confirmation">
      <h3 id={`${id}-heading`}>
        <span class="badge badge-warn">{t('alertsUnconfirmedBadge')}</span> {t('alertsCodeHeading', [state.target])}
      </h3>
      <p class="hint">{t('alertsUnconfirmedText')}</p>
      <form
        noValidate
        class="code-row"
        onSubmit={(event) => {
          event.preventDefault();
          void confirm();
        }}
      >
        <Field id={`${id}-code`} label={t('alertsCodeLabel')} error={codeError} hint={t('alertsCodeHint', [String(CODE_LENGTH)])}>
          {(control) => (
            <input
              {...control}
              ref={input}
              type="text"
              class="narrow code"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9 ]*"
              maxLength={CODE_LENGTH + 2}
              spellcheck={false}
              value={code}
              onInput={(event) => {
                setCode(event.currentTarget.value);
                setCodeError(null);
              }}
            />
          )}
        </Field>
        <div class="buttons">
          <ActionButton type="submit" busy={busy === 'confirm'} blocked={busy !== null || code.trim() === ''} busyLabel={t('alertsConfirmBusy')}>
            {t('alertsConfirmButton')}
          </ActionButton>
          <ActionButton busy={busy === 'resend'} blocked={busy !== null} busyLabel={t('alertsResendBusy')} onClick={onResend}>
            {t('alertsResendButton')}
          </ActionButton>
        </div>
      </form>
    </section>
  );
}
