/**
 * Change the account's password (PROTOCOL.md §6.2): the new one twice, a strength hint,
 * show/hide. The current one is not asked for: the module runs in the session Thunderbird
 * already authenticated. On success it says what Thunderbird's saved passwords got (the background updates
 * them); on failure it shows the server's reason and keeps what was typed. The password goes
 * only into the request: it is never logged, stored or put in a message.
 */

import { useId, useRef, useState } from 'preact/hooks';
import { passwordInputError } from '../../src/messages/errors.js';
import type { PasswordChangeResult } from '../../src/messages/messages.js';
import { changePasswordRequest } from '../../src/modules/password.js';
import { ActionButton } from '../shared/ActionButton.js';
import { Field } from '../shared/Field.js';
import { ask } from '../shared/api.js';
import { t, type MessageKey } from '../shared/i18n.js';
import { errorStatus, Status, type StatusState } from '../shared/Status.js';
import { passwordStrength } from '../shared/strength.js';
import { useAction } from '../shared/useAction.js';

const STRENGTH_KEYS: readonly MessageKey[] = ['strength0', 'strength1', 'strength2', 'strength3', 'strength4'];

type PasswordField = 'newPassword' | 'confirm';

/** What the background reports about Thunderbird's own copies, in sentences. */
export function savedPasswordReport(result: PasswordChangeResult): { kind: 'success' | 'warning'; lines: string[] } {
  if (result.updated === null) return { kind: 'warning', lines: [result.updateError?.message ?? t('passwordSavedUnknown')] };
  const u = result.updated;
  const lines: string[] = [];
  if (u.incomingSaved) lines.push(t('passwordSavedUpdated'));
  else if (u.incomingSession) lines.push(t('passwordSessionUpdated'));
  else lines.push(t('passwordNothingSaved'));
  if (u.outgoingSaved || u.outgoingSession) lines.push(t('passwordOutgoingUpdated'));
  return { kind: 'success', lines };
}

export interface PasswordPanelProps {
  readonly accountId: string;
  /** Words the password should not contain (the account's address), for the strength hint. */
  readonly avoid?: readonly string[];
}

export function PasswordPanel({ accountId, avoid = [] }: PasswordPanelProps) {
  const id = useId();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [show, setShow] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<PasswordField, string>>>({});
  const [status, setStatus] = useState<StatusState | null>(null);
  const action = useAction<'change'>();
  const inputs = { newPassword: useRef<HTMLInputElement>(null), confirm: useRef<HTMLInputElement>(null) };

  const strength = password === '' ? null : passwordStrength(password, avoid.flatMap((word) => word.split('@')));

  function check(): Partial<Record<PasswordField, string>> {
    const found: Partial<Record<PasswordField, string>> = {};
    const request = changePasswordRequest(password);
    if (!request.ok) found.newPassword = passwordInputError(t, request.error).message;
    else if (confirm !== password) found.confirm = t('passwordMismatch');
    return found;
  }

  async function submit() {
    const found = check();
    setErrors(found);
    const first = (['newPassword', 'confirm'] as const).find((field) => found[field] !== undefined);
    if (first !== undefined) {
      inputs[first].current?.focus();
      return;
    }
    const sent = password;
    await action.run('change', async () => {
      setStatus({ kind: 'busy', text: t('passwordChanging') });
      const response = await ask({ type: 'password.change', accountId, newPassword: sent });
      if (!response.ok) {
        const error = response.error;
        if (error.kind === 'input') setErrors({ newPassword: error.message });
        setStatus(errorStatus(error, () => void submit()));
        return;
      }
      const report = savedPasswordReport(response.value);
      setStatus({ kind: report.kind, text: t('passwordChanged'), details: report.lines });
      setPassword('');
      setConfirm('');
      setErrors({});
    });
  }

  const type = show ? 'text' : 'password';
  const field = (name: PasswordField, label: string, value: string, onChange: (v: string) => void, autoComplete: string, hint?: string) => {
    return (
      <Field id={`${id}-${name}`} label={label} error={errors[name]} hint={hint}>
        {(control) => (
          <input
            {...control}
            ref={inputs[name]}
            type={type as 'text'}
            value={value}
            autoComplete={autoComplete}
            spellcheck={false}
            autoCapitalize="off"
            onInput={(event) => {
              onChange(event.currentTarget.value);
              if (errors[name] !== undefined) setErrors({ ...errors, [name]: undefined });
            }}
          />
        )}
      </Field>
    );
  };

  return (
    <div class="panel-body password-panel">
      <p class="panel-intro">{t('passwordIntro')}</p>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        {field('newPassword', t('passwordNewLabel'), password, setPassword, 'new-password', t('passwordRules'))}
        <div class="strength" aria-live="polite">
          <label for={`${id}-meter`}>{t('passwordStrengthLabel')}</label>
          <meter id={`${id}-meter`} min={0} max={4} low={2} high={3} optimum={4} value={strength ?? 0} data-strength={strength ?? 'none'}>
            {strength === null ? '' : t(STRENGTH_KEYS[strength] as MessageKey)}
          </meter>
          <span class="strength-text">{strength === null ? t('strengthNone') : t(STRENGTH_KEYS[strength] as MessageKey)}</span>
        </div>
        {field('confirm', t('passwordConfirmLabel'), confirm, setConfirm, 'new-password')}
        <label class="checkbox">
          <input type="checkbox" checked={show} onChange={(event) => setShow(event.currentTarget.checked)} />
          {t('passwordShow')}
        </label>
        <div class="buttons">
          <ActionButton type="submit" busy={action.busy === 'change'} blocked={action.busy !== null} busyLabel={t('passwordChangeBusy')}>
            {t('passwordChangeButton')}
          </ActionButton>
        </div>
      </form>
      <Status status={status} />
    </div>
  );
}
