/**
 * The spam filter (PROTOCOL.md §6.5, issue 13): the level, what happens to spam, blocked
 * top-level domains and character sets (saved together with one `spam set`), what this cannot
 * catch, and the trusted contacts (their own actions, TrustedContacts.tsx). Values the
 * administrator fixed (policy `spamFixed`) are shown read-only and always sent as fixed.
 * A refused save (a level the server's scanner cannot serve) keeps the user's choice on screen.
 */

import { useEffect, useId, useState } from 'preact/hooks';
import { spamInputError } from '../../src/messages/errors.js';
import { LEVEL_PERCENT, SPAM_LEVELS, spamSetRequest, withFixed, type SpamAction, type SpamFixed, type SpamLevel, type SpamState, type SpamUpdate } from '../../src/modules/spam.js';
import { ActionButton } from '../shared/ActionButton.js';
import { ask } from '../shared/api.js';
import { formatNumber, t, type MessageKey } from '../shared/i18n.js';
import { LoadFailed, Loading } from '../shared/LoadFailed.js';
import { errorStatus, Status, type StatusState } from '../shared/Status.js';
import { useAction } from '../shared/useAction.js';
import { useLoad } from '../shared/useLoad.js';
import { CharsetPicker } from './CharsetPicker.js';
import { TldPicker } from './TldPicker.js';
import { TrustedContacts } from './TrustedContacts.js';

interface Form {
  readonly level: SpamLevel;
  readonly action: SpamAction;
  readonly tlds: readonly string[];
  readonly charsets: readonly string[];
}

const LEVEL_LABEL: Readonly<Record<SpamLevel, MessageKey>> = {
  'off': 'spamLevelOff',
  'lenient': 'spamLevelLenient',
  'standard': 'spamLevelStandard',
  'strict': 'spamLevelStrict',
  'allowed-only': 'spamLevelAllowedOnly',
};

function levelHint(level: SpamLevel): string {
  switch (level) {
    case 'off':
      return t('spamLevelOffHint');
    case 'allowed-only':
      return t('spamLevelAllowedOnlyHint');
    default:
      return t('spamLevelScoreHint', [formatNumber(LEVEL_PERCENT[level])]);
  }
}

function formOf(state: SpamState, fixed: SpamFixed | null): Form {
  return {
    level: fixed?.level ?? state.level,
    action: state.action,
    tlds: fixed?.tlds ?? state.tlds,
    charsets: fixed?.charsets ?? state.charsets,
  };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(b);
  return a.length === b.length && a.every((x) => set.has(x));
}

/** The stored state in a sentence. */
export function describeSpam(state: SpamState): string {
  const level = t(LEVEL_LABEL[state.level]);
  return t('spamState', [level, formatNumber(state.tlds.length), formatNumber(state.charsets.length)]);
}

export interface SpamPanelProps {
  readonly accountId: string;
  /** What the administrator fixed; null: nothing. */
  readonly fixed?: SpamFixed | null;
}

export function SpamPanel({ accountId, fixed = null }: SpamPanelProps) {
  const id = useId();
  const { loaded, reload, setValue } = useLoad(() => ask({ type: 'spam.show', accountId }));
  const [form, setForm] = useState<Form | null>(null);
  const [errors, setErrors] = useState<{ tlds?: string; charsets?: string }>({});
  const [status, setStatus] = useState<StatusState | null>(null);
  const action = useAction<'save'>();

  const state = loaded.state === 'ready' ? loaded.value : null;
  useEffect(() => {
    if (state !== null && form === null) setForm(formOf(state, fixed));
  }, [state, form, fixed]);

  if (loaded.state === 'loading') return <Loading />;
  if (loaded.state === 'failed') return <LoadFailed error={loaded.error} onRetry={reload} />;
  if (form === null || state === null) return <Loading />;
  const f = form;
  const changed = f.level !== state.level || f.action !== state.action || !sameList(f.tlds, state.tlds) || !sameList(f.charsets, state.charsets);
  const change = (patch: Partial<Form>) => {
    setForm({ ...f, ...patch });
    setErrors({});
  };

  async function save() {
    const update: SpamUpdate = withFixed({ level: f.level, action: f.action, tlds: f.tlds, charsets: f.charsets }, fixed);
    const request = spamSetRequest(update);
    if (!request.ok) {
      const error = spamInputError(t, request.error);
      if (error.field === 'tlds' || error.field === 'charsets') setErrors({ [error.field]: error.message });
      setStatus({ kind: 'error', text: error.message });
      return;
    }
    await action.run('save', async () => {
      setStatus({ kind: 'busy', text: t('spamSaving') });
      const response = await ask({ type: 'spam.set', accountId, update });
      if (!response.ok) {
        // The form keeps the user's choice: nothing was stored (the module checks everything first).
        setStatus(errorStatus(response.error, () => void save(), t('spamSaveFailed', [response.error.message])));
        return;
      }
      setValue(response.value);
      setForm(formOf(response.value, fixed));
      setStatus({ kind: 'success', text: describeSpam(response.value) });
    });
  }

  const fixedHint = <p class="hint fixed">{t('spamFixedByAdmin')}</p>;
  return (
    <div class="panel-body spam-panel">
      <p class="panel-intro">{t('spamIntro')}</p>
      <p class={`state state-${state.level === 'off' ? 'off' : 'on'}`} data-testid="spam-state">
        <span class="badge">{t(state.level === 'off' ? 'stateOff' : 'stateOn')}</span> {describeSpam(state)}
      </p>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <fieldset class="spam-levels">
          <legend>{t('spamLevelLegend')}</legend>
          {fixed?.level !== undefined && fixedHint}
          {SPAM_LEVELS.map((level) => (
            <div class="choice" key={level}>
              <label class="radio">
                <input
                  type="radio"
                  name={`${id}-level`}
                  value={level}
                  checked={f.level === level}
                  disabled={fixed?.level !== undefined}
                  aria-describedby={`${id}-level-${level}`}
                  onChange={() => change({ level })}
                />
                {t(LEVEL_LABEL[level])}
              </label>
              <p id={`${id}-level-${level}`} class="hint">{levelHint(level)}</p>
            </div>
          ))}
          {state.virusCheck && <p class="hint" data-testid="spam-virus-check">{t('spamVirusCheck')}</p>}
        </fieldset>

        <fieldset class="spam-action">
          <legend>{t('spamActionLegend')}</legend>
          {state.deleteDays === null ? (
            <p class="hint" data-testid="spam-junk-only">{t('spamActionJunkOnly')}</p>
          ) : (
            ([['junk', t('spamActionJunk')], ['delete', t('spamActionDelete', [formatNumber(state.deleteDays)])]] as [SpamAction, string][]).map(([value, label]) => (
              <label class="radio" key={value}>
                <input type="radio" name={`${id}-action`} value={value} checked={f.action === value} onChange={() => change({ action: value })} />
                {label}
              </label>
            ))
          )}
        </fieldset>

        {fixed?.tlds !== undefined && fixedHint}
        <TldPicker value={f.tlds} readOnly={fixed?.tlds !== undefined} error={errors.tlds ?? null} onChange={(tlds) => change({ tlds })} />
        {fixed?.charsets !== undefined && fixedHint}
        <CharsetPicker value={f.charsets} readOnly={fixed?.charsets !== undefined} error={errors.charsets ?? null} onChange={(charsets) => change({ charsets })} />

        <section class="spam-limits" aria-labelledby={`${id}-limits`}>
          <h3 id={`${id}-limits`}>{t('spamLimitsHeading')}</h3>
          <ul>
            <li>{t('spamLimitsCountry')}</li>
            <li>{t('spamLimitsCharset')}</li>
            <li>{t('spamLimitsJunk')}</li>
          </ul>
        </section>

        {changed && <p class="hint" data-testid="spam-unsaved">{t('spamUnsaved')}</p>}
        <div class="buttons">
          <ActionButton type="submit" busy={action.busy === 'save'} blocked={action.busy !== null || !changed} busyLabel={t('spamSaveBusy')}>
            {t('spamSaveButton')}
          </ActionButton>
          <button type="button" disabled={!changed} onClick={() => { setForm(formOf(state, fixed)); setErrors({}); }}>
            {t('spamRevert')}
          </button>
        </div>
      </form>
      <Status status={status} />

      <TrustedContacts module="spam" accountId={accountId} count={state.contacts} onState={setValue} setStatus={setStatus} />
    </div>
  );
}
