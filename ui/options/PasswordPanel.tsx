/**
 * Change the account's password (PROTOCOL.md §6.2): the new one twice, a strength hint,
 * show/hide. First it asks the server what it needs (the no-argument form): the current
 * password only when the server requires it (a driver that logs in as the user, such as LDAP
 * with a user bind); otherwise the module runs in the session Thunderbird already
 * authenticated and the current one is not asked for. The server's minimum length, when it
 * says one, is shown and checked before sending. On success it says what Thunderbird's saved
 * passwords got (the background updates them); on failure it shows the server's reason and
 * keeps what was typed. Passwords go only into the request: never logged, stored or put in a message.
 */

import { useId, useRef, useState } from 'preact/hooks';
import { passwordInputError } from '../../src/messages/errors.js';
import type { PasswordChangeResult } from '../../src/messages/messages.js';
import { changePasswordRequest, type PasswordRequirements } from '../../src/modules/password.js';
import { ActionButton } from '../shared/ActionButton.js';
import { Field } from '../shared/Field.js';
import { ask } from '../shared/api.js';
import { t, type MessageKey } from '../shared/i18n.js';
import { LoadFailed, Loading } from '../shared/LoadFailed.js';
import { errorStatus, Status, type StatusState } from '../shared/Status.js';
import { passwordStrength } from '../shared/strength.js';
import { useAction } from '../shared/useAction.js';
import { useLoad } from '../shared/useLoad.js';

const STRENGTH_KEYS: readonly MessageKey[] = ['strength0', 'strength1', 'strength2', 'strength3', 'strength4'];

type PasswordField = 'currentPassword' | 'newPassword' | 'confirm';
const FIELDS: readonly PasswordField[] = ['currentPassword', 'newPassword', 'confirm'];

function isPasswordField(field: string | null): field is PasswordField {
  return FIELDS.includes(field as PasswordField);
}

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
  /**
   * Words the password should not contain (the account's address), for the strength hint; an
   * address among them (or its local part) is refused as the password, as the server does.
   */
  readonly avoid?: readonly string[];
}

export function PasswordPanel({ accountId, avoid = [] }: PasswordPanelProps) {
  const id = useId();
  const { loaded, reload } = useLoad(() => ask({ type: 'password.info', accountId }));
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [show, setShow] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<PasswordField, string>>>({});
  const [status, setStatus] = useState<StatusState | null>(null);
  const action = useAction<'change'>();
  const inputs = {
    currentPassword: useRef<HTMLInputElement>(null),
    newPassword: useRef<HTMLInputElement>(null),
    confirm: useRef<HTMLInputElement>(null),
  };

  const strength = password === '' ? null : passwordStrength(password, avoid.flatMap((word) => word.split('@')));

  if (loaded.state === 'loading') return <Loading text={t('passwordAsking')} />;
  if (loaded.state === 'failed') return <LoadFailed error={loaded.error} onRetry={reload} />;
  const needs: PasswordRequirements = loaded.value;
  const required = needs.currentPassword === 'required';

  /** The request's checks as field errors; the confirmation last, as the user fills the form. */
  function check(): Partial<Record<PasswordField, string>> {
    const request = changePasswordRequest(password, {
      minLength: needs.minLength,
      address: avoid.find((word) => word.includes('@')),
      currentPassword: required ? current : undefined,
    });
    if (!request.ok) {
      const error = passwordInputError(t, request.error, needs.minLength);
      return { [isPasswordField(error.field) ? error.field : 'newPassword']: error.message };
    }
    return confirm !== password ? { confirm: t('passwordMismatch') } : {};
  }

  async function submit() {
    const found = check();
    setErrors(found);
    const first = FIELDS.find((field) => found[field] !== undefined);
    if (first !== undefined) {
      inputs[first].current?.focus();
      return;
    }
    const sent = password;
    const currentSent = required ? { currentPassword: current } : {};
    await action.run('change', async () => {
      setStatus({ kind: 'busy', text: t('passwordChanging') });
      const response = await ask({ type: 'password.change', accountId, newPassword: sent, ...currentSent });
      if (!response.ok) {
        const error = response.error;
        if (error.kind === 'input') setErrors({ [isPasswordField(error.field) ? error.field : 'newPassword']: error.message });
        setStatus(errorStatus(error, () => void submit()));
        return;
      }
      const report = savedPasswordReport(response.value);
      setStatus({ kind: report.kind, text: t('passwordChanged'), details: report.lines });
      setCurrent('');
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
        {required && field('currentPassword', t('passwordCurrentLabel'), current, setCurrent, 'current-password')}
        {field('newPassword', t('passwordNewLabel'), password, setPassword, 'new-password',
          needs.minLength === undefined ? t('passwordRules') : t('passwordMinLength', [String(needs.minLength)]))}
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
