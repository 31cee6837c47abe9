/**
 * The automatic reply (PROTOCOL.md §6.4): what is set now, on/off, subject, a multi-line text,
 * an optional first and last day, how often one sender gets it, and a preview of the reply as
 * a sender would see it. Turning it off keeps the text on the server for next time.
 *
 * "Reply to" (issue 9, the `only` key): everyone, only the people in the user's address books
 * (their primary addresses, read by the background and stored on the server), or only the
 * account's own domain. A stored list that is neither stays as it is until the user picks another.
 */

import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { vacationInputError } from '../../src/messages/errors.js';
import type { VacationDefault } from '../../src/messages/policy.js';
import { splitEntries } from '../../src/messages/messages.js';
import { normalizeAddress } from '../../src/modules/address.js';
import { MAX_DAYS, MIN_DAYS, vacationSetRequest, type VacationField, type VacationState, type VacationUpdate } from '../../src/modules/vacation.js';
import { ActionButton } from '../shared/ActionButton.js';
import { Field } from '../shared/Field.js';
import { ask } from '../shared/api.js';
import { formatDate, formatNumber, t, todayIso } from '../shared/i18n.js';
import { LoadFailed, Loading } from '../shared/LoadFailed.js';
import { errorStatus, Status, type StatusState } from '../shared/Status.js';
import { useAction } from '../shared/useAction.js';
import { useLoad } from '../shared/useLoad.js';

interface Form {
  readonly enabled: boolean;
  readonly subject: string;
  readonly body: string;
  readonly start: string;
  readonly end: string;
  readonly days: string;
  readonly replyTo: ReplyTo;
}

/** Who gets the reply: `stored` is a server list that is neither of the others, kept as it is. */
type ReplyTo = 'everyone' | 'contacts' | 'domain' | 'stored';

type Contacts =
  | { readonly state: 'loading' }
  | { readonly state: 'ready'; readonly addresses: readonly string[]; readonly skipped: number }
  | { readonly state: 'failed'; readonly message: string };

/** `@domain` of the account's address, the "only my domain" entry; null without a valid address. */
export function ownDomain(email: string | null): string | null {
  if (email === null) return null;
  const address = normalizeAddress(email);
  return address.ok ? address.value.slice(address.value.lastIndexOf('@')) : null;
}

function replyToOf(only: readonly string[], domain: string | null): ReplyTo {
  if (only.length === 0) return 'everyone';
  return only.length === 1 && only[0] === domain ? 'domain' : 'stored';
}

/**
 * The form for a stored state. A reply that was never set (no text on the server) starts from
 * the administrator's text, when the policy gives one.
 */
function formOf(state: VacationState, defaults: VacationDefault | null = null, domain: string | null = null): Form {
  const fresh = state.body === '' && defaults !== null;
  return {
    enabled: state.status === 'on',
    subject: fresh && state.subject === '' ? defaults.subject ?? '' : state.subject,
    body: fresh ? defaults.body ?? '' : state.body,
    start: state.start ?? '',
    end: state.end ?? '',
    days: String(state.days),
    replyTo: replyToOf(state.only, domain),
  };
}

function sameText(a: Form, b: Form): boolean {
  return a.subject === b.subject && a.body.replace(/\r\n/g, '\n').replace(/\n+$/, '') === b.body.replace(/\n+$/, '')
    && a.start === b.start && a.end === b.end && a.days.trim() === b.days
    // Contacts are read again each time they are chosen, so choosing them is always a change.
    && a.replyTo === b.replyTo && a.replyTo !== 'contacts';
}

/** When the reply is sent, in words. */
function period(start: string, end: string): string {
  if (start && end) return t('vacationPeriodBoth', [formatDate(start, 'long'), formatDate(end, 'long')]);
  if (start) return t('vacationPeriodFrom', [formatDate(start, 'long')]);
  if (end) return t('vacationPeriodUntil', [formatDate(end, 'long')]);
  return t('vacationPeriodAlways');
}

/** The stored state in a sentence, with whether it answers today. */
export function describeVacation(state: VacationState, today: string = todayIso()): string {
  if (state.status === 'off') return t('vacationStateOff');
  if (state.end !== null && state.end < today) return t('vacationStateEnded', [formatDate(state.end, 'long')]);
  if (state.start !== null && state.start > today) return t('vacationStateScheduled', [period(state.start ?? '', state.end ?? '')]);
  return t('vacationStateOn', [period(state.start ?? '', state.end ?? '')]);
}

type Errors = Partial<Record<VacationField | 'update', string>>;

export interface VacationPanelProps {
  readonly accountId: string;
  /** The account's address, for the preview. */
  readonly email: string | null;
  /** The administrator's text for a new reply (policy), if any. */
  readonly defaults?: VacationDefault | null;
}

export function VacationPanel({ accountId, email, defaults = null }: VacationPanelProps) {
  const id = useId();
  const { loaded, reload, setValue } = useLoad(() => ask({ type: 'vacation.show', accountId }));
  const [form, setForm] = useState<Form | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [status, setStatus] = useState<StatusState | null>(null);
  const [contacts, setContacts] = useState<Contacts | null>(null);
  const domain = ownDomain(email);
  const action = useAction<'save'>();
  const refs = {
    subject: useRef<HTMLInputElement>(null),
    body: useRef<HTMLTextAreaElement>(null),
    days: useRef<HTMLInputElement>(null),
    start: useRef<HTMLInputElement>(null),
    end: useRef<HTMLInputElement>(null),
    only: useRef<HTMLInputElement>(null),
  };

  const state = loaded.state === 'ready' ? loaded.value : null;
  useEffect(() => {
    if (state !== null && form === null) setForm(formOf(state, defaults, domain));
  }, [state, form, defaults, domain]);

  if (loaded.state === 'loading') return <Loading />;
  if (loaded.state === 'failed') return <LoadFailed error={loaded.error} onRetry={reload} />;
  if (form === null || state === null) return <Loading />;
  const saved = formOf(state, defaults, domain);
  const f = form;

  const change = (patch: Partial<Form>) => {
    setForm({ ...f, ...patch });
    const cleared = { ...errors };
    for (const key of Object.keys(patch)) delete cleared[key as VacationField];
    if (patch.replyTo !== undefined) delete cleared.only;
    if (patch.start !== undefined || patch.end !== undefined) {
      delete cleared.start;
      delete cleared.end;
    }
    setErrors(cleared);
  };

  /** Reads the address books afresh whenever "my contacts" is chosen. */
  async function chooseContacts() {
    change({ replyTo: 'contacts' });
    setContacts({ state: 'loading' });
    const response = await ask({ type: 'contacts.addresses' });
    setContacts(response.ok
      ? { state: 'ready', addresses: splitEntries(response.value.addresses), skipped: response.value.skipped }
      : { state: 'failed', message: response.error.message });
  }

  /** The `only` to send: left out when the choice is unchanged, so a stored list stays as it is. */
  const only = ((): readonly string[] | null | undefined => {
    if (f.replyTo === saved.replyTo && f.replyTo !== 'contacts') return undefined;
    switch (f.replyTo) {
      case 'everyone':
        return [];
      case 'domain':
        return domain === null ? null : [domain];
      case 'stored':
        return state.only;
      case 'contacts':
        return contacts?.state === 'ready' && contacts.addresses.length > 0 ? contacts.addresses : null;
    }
  })();
  const days = /^\s*\d+\s*$/.test(f.days) ? Number(f.days) : NaN;
  const update: VacationUpdate = { subject: f.subject, body: f.body, days, start: f.start || null, end: f.end || null, ...(only ? { only } : {}) };
  /** Said at once, not only on Save: too many contacts for one command. */
  const checked = f.replyTo === 'contacts' && only ? vacationSetRequest(update) : null;
  const tooMany = checked !== null && !checked.ok && checked.error.kind === 'invalid-field' && checked.error.field === 'only'
    ? vacationInputError(t, checked.error).message : null;

  const textChanged = !sameText(f, saved);
  /** What Save does: set (reply on), off, or nothing. */
  const intent: 'set' | 'off' | null = f.enabled ? (textChanged || state.status === 'off' ? 'set' : null) : state.status === 'on' ? 'off' : null;
  /** "My contacts" is chosen but there is nothing (yet) to send. */
  const contactsPending = f.enabled && f.replyTo === 'contacts' && (only === null || tooMany !== null);

  function fail(field: VacationField | 'update', message: string) {
    setErrors({ [field]: message });
    if (field !== 'update') refs[field].current?.focus();
  }

  async function save() {
    if (intent === null) return;
    if (intent === 'set' && contactsPending) return;
    if (intent === 'set') {
      const request = vacationSetRequest(update);
      if (!request.ok) {
        const error = vacationInputError(t, request.error);
        fail((error.field as VacationField | 'update' | null) ?? 'update', error.message);
        return;
      }
    }
    setErrors({});
    const sent = intent === 'set' ? update : null;
    await action.run('save', async () => {
      setStatus({ kind: 'busy', text: t('vacationSaving') });
      const response = sent === null ? await ask({ type: 'vacation.off', accountId }) : await ask({ type: 'vacation.set', accountId, update: sent });
      if (!response.ok) {
        const error = response.error;
        if (error.kind === 'input' && error.field !== null && error.field in refs) fail(error.field as VacationField, error.message);
        setStatus(errorStatus(error, () => void save()));
        return;
      }
      setValue(response.value);
      setForm(formOf(response.value, defaults, domain));
      setContacts(null);
      setStatus({ kind: 'success', text: describeVacation(response.value) });
    });
  }


  const previewSubject = f.subject.trim() === '' ? t('vacationDefaultSubject') : f.subject;
  const daysNumber = Number(f.days);
  return (
    <div class="panel-body vacation-panel">
      <p class="panel-intro">{t('vacationIntro')}</p>
      <p class={`state state-${state.status}`}>
        <span class="badge">{t(state.status === 'on' ? 'stateOn' : 'stateOff')}</span> {describeVacation(state)}
      </p>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <label class="checkbox switch">
          <input type="checkbox" checked={f.enabled} onChange={(event) => change({ enabled: event.currentTarget.checked })} />
          {t('vacationEnabledLabel')}
        </label>

        <Field id={`${id}-subject`} label={t('vacationSubjectLabel')} error={errors.subject} hint={t('vacationSubjectHint')}>
          {(control) => (
            <input type="text" {...control} ref={refs.subject as never} value={f.subject} placeholder={t('vacationDefaultSubject')} onInput={(e) => change({ subject: e.currentTarget.value })} />
          )}
        </Field>

        <Field id={`${id}-body`} label={t('vacationBodyLabel')} error={errors.body} hint={t('vacationBodyHint')}>
          {(control) => <textarea rows={8} {...control} ref={refs.body as never} value={f.body} onInput={(e) => change({ body: e.currentTarget.value })} />}
        </Field>

        <fieldset class="dates">
          <legend>{t('vacationDatesLegend')}</legend>
          <Field id={`${id}-start`} label={t('vacationStartLabel')} error={errors.start} hintId={`${id}-dates-hint`}>
            {(control) => (
              <input type="date" {...control} ref={refs.start as never} value={f.start} max={f.end || undefined} onInput={(e) => change({ start: e.currentTarget.value })} />
            )}
          </Field>
          <Field id={`${id}-end`} label={t('vacationEndLabel')} error={errors.end} hintId={`${id}-dates-hint`}>
            {(control) => (
              <input type="date" {...control} ref={refs.end as never} value={f.end} min={f.start || undefined} onInput={(e) => change({ end: e.currentTarget.value })} />
            )}
          </Field>
          <p id={`${id}-dates-hint`} class="hint">{t('vacationDatesHint')}</p>
        </fieldset>

        <Field group id={`${id}-only`} class="reply-to" label={t('vacationReplyToLegend')} error={errors.only} hint={t('vacationReplyToHint')}>
          {(control) => (
            <>
              {([
                ['everyone', t('vacationReplyEveryone')],
                ['contacts', t('vacationReplyContacts')],
                ...(domain !== null ? [['domain', t('vacationReplyDomain', [domain])]] : []),
                ...(state.only.length > 0 && saved.replyTo === 'stored' ? [['stored', t('vacationReplyStored', [formatNumber(state.only.length)])]] : []),
              ] as [ReplyTo, string][]).map(([value, label]) => (
                <label class="radio" key={value}>
                  <input
                    type="radio"
                    name={`${id}-reply-to`}
                    value={value}
                    checked={f.replyTo === value}
                    ref={f.replyTo === value ? refs.only : undefined}
                    aria-invalid={f.replyTo === value ? control['aria-invalid'] : undefined}
                    aria-describedby={f.replyTo === value ? control['aria-describedby'] : undefined}
                    onChange={() => (value === 'contacts' ? void chooseContacts() : change({ replyTo: value }))}
                  />
                  {label}
                </label>
              ))}
              {f.replyTo === 'contacts' && contacts !== null && (
                <p class={contactsPending && contacts.state !== 'loading' ? 'field-error' : 'hint'} role={contactsPending && contacts.state !== 'loading' ? 'alert' : undefined} data-testid="vacation-contacts">
                  {contacts.state === 'loading' ? t('vacationContactsLoading')
                    : contacts.state === 'failed' ? t('vacationContactsFailed', [contacts.message])
                    : tooMany ?? (contacts.addresses.length === 0 ? t('vacationContactsNone')
                      : t('vacationContactsFound', [formatNumber(contacts.addresses.length)])
                        + (contacts.skipped > 0 ? ` ${t('vacationContactsSkipped', [formatNumber(contacts.skipped)])}` : ''))}
                </p>
              )}
            </>
          )}
        </Field>

        <Field id={`${id}-days`} label={t('vacationDaysLabel')} error={errors.days} hint={t('vacationDaysHint', [formatNumber(MIN_DAYS), formatNumber(MAX_DAYS)])}>
          {(control) => (
            <input type="number" inputMode="numeric" min={MIN_DAYS} max={MAX_DAYS} step={1} class="narrow" {...control} ref={refs.days as never} value={f.days} onInput={(e) => change({ days: e.currentTarget.value })} />
          )}
        </Field>

        {errors.update !== undefined && <p class="field-error">{errors.update}</p>}
        {!f.enabled && state.status === 'off' && textChanged && <p class="hint">{t('vacationOffTextNotSaved')}</p>}
        <div class="buttons">
          <ActionButton type="submit" busy={action.busy === 'save'} blocked={action.busy !== null || intent === null || (intent === 'set' && contactsPending)} busyLabel={t('vacationSaveBusy')}>
            {t(intent === 'off' ? 'vacationTurnOffButton' : 'vacationSaveButton')}
          </ActionButton>
          <button type="button" disabled={!textChanged && f.enabled === saved.enabled} onClick={() => { setForm(saved); setErrors({}); setContacts(null); }}>
            {t('vacationRevert')}
          </button>
        </div>
      </form>
      <Status status={status} />

      <section class="preview" aria-labelledby={`${id}-preview`}>
        <h3 id={`${id}-preview`}>{t('vacationPreviewHeading')}</h3>
        <dl>
          {email !== null && (
            <>
              <dt>{t('vacationPreviewFrom')}</dt>
              <dd>{email}</dd>
            </>
          )}
          <dt>{t('vacationPreviewSubject')}</dt>
          <dd>{previewSubject}</dd>
          <dt>{t('vacationPreviewWhen')}</dt>
          <dd>{f.enabled ? period(f.start, f.end) : t('vacationPreviewOff')}</dd>
          <dt>{t('vacationPreviewInterval')}</dt>
          <dd>{Number.isInteger(daysNumber) && daysNumber >= MIN_DAYS && daysNumber <= MAX_DAYS ? t('vacationPreviewEvery', [formatNumber(daysNumber)]) : '—'}</dd>
        </dl>
        <div class="preview-body" data-testid="vacation-preview-body">
          {f.body.trim() === '' ? <span class="placeholder">{t('vacationPreviewEmpty')}</span> : f.body}
        </div>
      </section>
    </div>
  );
}
