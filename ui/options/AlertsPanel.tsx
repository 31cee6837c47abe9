/**
 * Alerts (PROTOCOL.md §6.6): "tell me at this address when important mail arrives". The
 * target address (confirmed by a code the module sends it, AlertTarget), the conditions
 * (senders, subject words, urgent mail, trusted contacts), on/off, and the administrator's cap.
 * The trusted contacts are chosen with the Spam panel's picker (TrustedContacts).
 * What the user typed stays in the form until the server took it.
 */

import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { alertsInputError } from '../../src/messages/alerts-errors.js';
import type { AlertsPolicy } from '../../src/messages/policy.js';
import { alertsSetRequest, splitSenders, splitWords, type AlertsState, type AlertsUpdate } from '../../src/modules/alerts.js';
import { ActionButton } from '../shared/ActionButton.js';
import { Field } from '../shared/Field.js';
import { ask } from '../shared/api.js';
import { formatNumber, t } from '../shared/i18n.js';
import { LoadFailed, Loading } from '../shared/LoadFailed.js';
import { errorStatus, Status, type StatusState } from '../shared/Status.js';
import { useAction } from '../shared/useAction.js';
import { useLoad } from '../shared/useLoad.js';
import { AlertTarget } from './AlertTarget.js';
import { TrustedContacts } from './TrustedContacts.js';

interface Form {
  readonly target: string;
  readonly senders: string;
  readonly words: string;
  readonly urgent: boolean;
  readonly contacts: boolean;
}

type FormField = 'target' | 'senders' | 'words' | 'conditions';

function formOf(state: AlertsState): Form {
  return {
    target: state.target ?? '',
    senders: state.senders.join('\n'),
    words: state.words.join('\n'),
    urgent: state.urgent,
    contacts: state.contacts,
  };
}

/** The stored state in a sentence. */
export function describeAlerts(state: AlertsState): string {
  if (state.status === 'off' || state.target === null) return t('alertsStateOff');
  // target-allowed no (§6.6): the server sends nothing to the target, confirmed or not, until
  // its domain is allowed again or another target is set; the hint below says where.
  if (state.targetAllowed === false) return t('alertsPausedState', [state.target]);
  return state.confirmed ? t('alertsStateOn', [state.target]) : t('alertsStateUnconfirmed', [state.target]);
}

/** The domains a target may be at: the server's, else the administrator's hint. */
export function allowedDomains(state: AlertsState, policy: AlertsPolicy | null): readonly string[] {
  return state.targetDomains.length > 0 ? state.targetDomains : policy?.targetDomains ?? [];
}

export interface AlertsPanelProps {
  readonly accountId: string;
  /** What the administrator fixed (policy.ts); null: nothing. */
  readonly policy?: AlertsPolicy | null;
}

type ActionName = 'save' | 'off' | 'confirm' | 'resend';

export function AlertsPanel({ accountId, policy = null }: AlertsPanelProps) {
  const id = useId();
  const { loaded, reload, setValue } = useLoad(() => ask({ type: 'alerts.show', accountId }));
  const [form, setForm] = useState<Form | null>(null);
  const [errors, setErrors] = useState<Partial<Record<FormField, string>>>({});
  const [status, setStatus] = useState<StatusState | null>(null);
  const action = useAction<ActionName>();
  const refs = {
    target: useRef<HTMLInputElement>(null),
    senders: useRef<HTMLTextAreaElement>(null),
    words: useRef<HTMLTextAreaElement>(null),
    conditions: useRef<HTMLInputElement>(null),
  };

  const state = loaded.state === 'ready' ? loaded.value : null;
  useEffect(() => {
    if (state !== null && form === null) setForm(formOf(state));
  }, [state, form]);

  if (loaded.state === 'loading') return <Loading />;
  if (loaded.state === 'failed') return <LoadFailed error={loaded.error} onRetry={reload} />;
  if (form === null || state === null) return <Loading />;
  const f = form;
  const locked = policy?.lockConditions === true;
  const domains = allowedDomains(state, policy);
  const saved = formOf(state);

  const change = (patch: Partial<Form>) => {
    setForm({ ...f, ...patch });
    const cleared = { ...errors };
    for (const key of Object.keys(patch)) delete cleared[key as FormField];
    if (patch.urgent !== undefined || patch.contacts !== undefined || patch.senders !== undefined || patch.words !== undefined) delete cleared.conditions;
    setErrors(cleared);
  };

  function fail(field: FormField, message: string) {
    setErrors({ [field]: message });
    refs[field].current?.focus();
  }

  const targetChanged = f.target.trim().toLowerCase() !== (state.target ?? '');
  const conditionsChanged = f.senders !== saved.senders || f.words !== saved.words || f.urgent !== saved.urgent || f.contacts !== saved.contacts;
  /** Save turns alerts on too, so it has work to do while they are off. */
  const canSave = state.status === 'off' || targetChanged || conditionsChanged;

  /**
   * The update Save sends: the target only when it changed (a new one needs a new code). With
   * the conditions locked only the target goes, the stored one too (no new code for it), since
   * `set` needs a key and the background refuses the conditions then.
   */
  function update(): AlertsUpdate {
    if (locked) return { target: f.target };
    const target = targetChanged ? { target: f.target } : {};
    return { ...target, senders: splitSenders(f.senders), words: splitWords(f.words), urgent: f.urgent, contacts: f.contacts };
  }

  async function save() {
    if (f.target.trim() === '') return fail('target', t('alertsTargetMissing'));
    const sent = update();
    const request = alertsSetRequest(sent, 'alerts', domains);
    if (!request.ok) {
      const error = alertsInputError(t, request.error);
      return fail((error.field?.split('.')[0] as FormField | undefined) ?? 'target', error.message);
    }
    const chosen = locked ? state!.senders.length + state!.words.length > 0 || state!.urgent || state!.contacts
      : (sent.senders?.length ?? 0) + (sent.words?.length ?? 0) > 0 || f.urgent || f.contacts;
    if (!chosen) return fail('conditions', t('alertsNoCondition'));
    setErrors({});
    await action.run('save', async () => {
      setStatus({ kind: 'busy', text: t('alertsSaving') });
      const response = await ask({ type: 'alerts.set', accountId, update: sent });
      if (!response.ok) {
        const error = response.error;
        const field = error.field?.split('.')[0];
        if (error.kind === 'input' && field !== undefined && field in refs) fail(field as FormField, error.message);
        setStatus(errorStatus(error, () => void save()));
        return;
      }
      setValue(response.value);
      setForm(formOf(response.value));
      const next = response.value;
      setStatus({
        kind: 'success',
        text: next.target !== null && !next.confirmed && sent.target !== undefined ? t('alertsCodeSent', [next.target]) : describeAlerts(next),
      });
    });
  }

  async function turnOff() {
    await action.run('off', async () => {
      setStatus({ kind: 'busy', text: t('alertsTurningOff') });
      const response = await ask({ type: 'alerts.off', accountId });
      if (!response.ok) {
        setStatus(errorStatus(response.error, () => void turnOff()));
        return;
      }
      setValue(response.value);
      setStatus({ kind: 'success', text: describeAlerts(response.value) });
    });
  }

  async function confirm(code: string): Promise<string | null> {
    const refused = await action.run('confirm', async () => {
      setStatus({ kind: 'busy', text: t('alertsConfirming') });
      const response = await ask({ type: 'alerts.confirm', accountId, code });
      if (!response.ok) {
        setStatus(errorStatus(response.error, () => void confirm(code)));
        return response.error.message;
      }
      setValue(response.value);
      // Only the target's part changed: conditions being edited stay as typed.
      setStatus({ kind: 'success', text: response.value.confirmed && response.value.target !== null ? t('alertsConfirmedText', [response.value.target]) : describeAlerts(response.value) });
      return null;
    });
    // undefined: another action was in flight and nothing was sent; keep the code, say nothing.
    return refused === undefined ? '' : refused;
  }

  async function resend() {
    await action.run('resend', async () => {
      setStatus({ kind: 'busy', text: t('alertsResending') });
      const response = await ask({ type: 'alerts.resend', accountId });
      if (!response.ok) {
        setStatus(errorStatus(response.error, () => void resend()));
        return;
      }
      setValue(response.value);
      setStatus({ kind: 'success', text: response.value.target !== null ? t('alertsCodeSent', [response.value.target]) : describeAlerts(response.value) });
    });
  }

  const busy = action.busy;
  return (
    <div class="panel-body alerts-panel">
      <p class="panel-intro">{t('alertsIntro')}</p>
      <p class={`state state-${state.status}`}>
        <span class="badge">{t(state.status === 'on' ? 'stateOn' : 'stateOff')}</span> {describeAlerts(state)}
      </p>
      {state.maxPerHour !== null && <p class="hint" data-testid="alerts-cap">{t('alertsCap', [formatNumber(state.maxPerHour)])}</p>}

      <AlertTarget state={state} busy={busy} onConfirm={confirm} onResend={() => void resend()} />

      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <Field
          id={`${id}-target`}
          label={t('alertsTargetLabel')}
          error={errors.target}
          hint={domains.length > 0 ? t('alertsTargetDomains', [domains.join(', ')]) : t('alertsTargetHint')}
        >
          {(control) => (
            <input
              {...control}
              ref={refs.target}
              type="email"
              autoComplete="off"
              spellcheck={false}
              value={f.target}
              placeholder={domains.length > 0 ? `name@${domains[0]}` : t('alertsTargetPlaceholder')}
              onInput={(event) => change({ target: event.currentTarget.value })}
            />
          )}
        </Field>
        {targetChanged && state.target !== null && f.target.trim() !== '' && <p class="hint">{t('alertsTargetChangeHint')}</p>}
        {/* The server says the stored target is outside the domains it now allows (PROTOCOL.md §6.6). */}
        {state.target !== null && state.targetAllowed === false && (
          <p class="hint" data-testid="alerts-target-suspended">{t('alertsDomainSuspended', [state.target, state.targetDomains.join(', ')])}</p>
        )}

        <fieldset class="alerts-conditions" disabled={locked} aria-describedby={`${id}-conditions-hint${errors.conditions ? ` ${id}-conditions-error` : ''}`}>
          <legend>{t('alertsConditionsLegend')}</legend>
          <p id={`${id}-conditions-hint`} class="hint">{t(locked ? 'alertsConditionsLocked' : 'alertsConditionsHint')}</p>
          <Field id={`${id}-senders`} label={t('alertsSendersLabel')} error={errors.senders} hint={t('alertsSendersHint')}>
            {(control) => (
              <textarea rows={3} spellcheck={false} {...control} ref={refs.senders} value={f.senders} onInput={(e) => change({ senders: e.currentTarget.value })} />
            )}
          </Field>
          <Field id={`${id}-words`} label={t('alertsWordsLabel')} error={errors.words} hint={t('alertsWordsHint')}>
            {(control) => <textarea rows={3} {...control} ref={refs.words} value={f.words} onInput={(e) => change({ words: e.currentTarget.value })} />}
          </Field>
          <label class="checkbox">
            <input type="checkbox" ref={refs.conditions} checked={f.urgent} onChange={(e) => change({ urgent: e.currentTarget.checked })} />
            {t('alertsUrgentLabel')}
          </label>
          <div class="field">
            <label class="checkbox">
              <input type="checkbox" checked={f.contacts} aria-describedby={`${id}-contacts-hint`} onChange={(e) => change({ contacts: e.currentTarget.checked })} />
              {t('alertsContactsLabel')}
            </label>
            <p id={`${id}-contacts-hint`} class="hint">{t('alertsContactsHint')}</p>
          </div>
          {errors.conditions !== undefined && <p id={`${id}-conditions-error`} class="field-error">{errors.conditions}</p>}
        </fieldset>

        {state.target !== null && !state.confirmed && <p class="hint">{t('alertsNothingSentYet')}</p>}
        <div class="buttons">
          <ActionButton type="submit" busy={busy === 'save'} blocked={busy !== null || !canSave} busyLabel={t('alertsSaveBusy')}>
            {t(state.status === 'on' ? 'alertsSaveButton' : 'alertsTurnOnButton')}
          </ActionButton>
          {state.status === 'on' && (
            <ActionButton busy={busy === 'off'} blocked={busy !== null} busyLabel={t('alertsOffBusy')} onClick={() => void turnOff()}>
              {t('alertsOffButton')}
            </ActionButton>
          )}
          <button type="button" disabled={!targetChanged && !conditionsChanged} onClick={() => { setForm(saved); setErrors({}); }}>
            {t('alertsRevert')}
          </button>
        </div>
      </form>
      <Status status={status} />
      {/* The same picker as the Spam panel's; not while the administrator fixed the conditions. */}
      {!locked && <TrustedContacts module="alerts" accountId={accountId} onState={setValue} setStatus={setStatus} />}
    </div>
  );
}
