/**
 * The editor of one server rule (PROTOCOL.md §6.7): name, on/off, all/any, the conditions
 * (body only where the server lists the ability), the actions, and stop. Save and Check send
 * the rule as it is; the page checks it first with the module's own rules, so a refusal names
 * the field before anything is sent.
 */

import { useId, useState } from 'preact/hooks';
import { rulesInputError } from '../../src/messages/rules-text.js';
import type { FolderChoice } from '../../src/modules/folder-names.js';
import { ruleText, type RuleDraft } from '../../src/modules/rules.js';
import { ActionButton } from '../shared/ActionButton.js';
import { Field } from '../shared/Field.js';
import { t } from '../shared/i18n.js';
import { ConditionRow } from './ConditionRow.js';
import { FolderSelect } from './FolderSelect.js';
import { draftOf, emptyCondition, type RuleForm } from './rule-form.js';

export interface RuleEditorProps {
  readonly initial: RuleForm;
  /** Whether this edits a stored rule (Save changes) or makes a new one (Add rule). */
  readonly existing: boolean;
  readonly abilities: readonly string[];
  /** The account's folders; null while they are being read. */
  readonly folders: readonly FolderChoice[] | null;
  /** What is in flight in the panel: 'save' or 'check' are this editor's. */
  readonly busy: string | null;
  readonly onSave: (rule: RuleDraft) => Promise<void>;
  readonly onCheck: (rule: RuleDraft) => Promise<void>;
  readonly onCancel: () => void;
}

export function RuleEditor({ initial, existing, abilities, folders, busy, onSave, onCheck, onCancel }: RuleEditorProps) {
  const id = useId();
  const [form, setForm] = useState<RuleForm>(initial);
  const [error, setError] = useState<{ field: string; message: string } | null>(null);
  const set = (patch: Partial<RuleForm>) => {
    setForm({ ...form, ...patch });
    setError(null);
  };
  const errorFor = (field: string) => (error?.field === field ? error.message : null);

  /** The rule, or null after showing what is wrong with it. */
  function checked(): RuleDraft | null {
    const draft = draftOf(form);
    const text = ruleText(draft, abilities);
    if (text.ok) return draft;
    const e = rulesInputError(t, text.error);
    setError({ field: e.field ?? '', message: e.message });
    return null;
  }

  const actionError = error !== null && error.field.startsWith('actions') ? error.message : null;
  return (
    <form
      class="rule-editor"
      aria-labelledby={`${id}-heading`}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const draft = checked();
        if (draft !== null) void onSave(draft);
      }}
    >
      <h3 id={`${id}-heading`}>{t(existing ? 'rulesEditHeading' : 'rulesAddHeading')}</h3>
      <Field id={`${id}-name`} label={t('rulesNameLabel')} error={errorFor('name')}>
        {(control) => <input {...control} type="text" value={form.name} onInput={(e) => set({ name: e.currentTarget.value })} />}
      </Field>
      <label class="checkbox">
        <input type="checkbox" checked={form.enabled} onChange={(e) => set({ enabled: e.currentTarget.checked })} />
        {t('rulesEnabledLabel')}
      </label>

      <fieldset class="rule-conditions">
        <legend>{t('rulesConditionsLegend')}</legend>
        <div class="row" role="radiogroup" aria-label={t('rulesMatchLabel')}>
          {(['all', 'any'] as const).map((match) => (
            <label class="radio" key={match}>
              <input type="radio" name={`${id}-match`} value={match} checked={form.match === match} onChange={() => set({ match })} />
              {t(match === 'all' ? 'rulesMatchAll' : 'rulesMatchAny')}
            </label>
          ))}
        </div>
        {form.conditions.map((c, i) => (
          <ConditionRow
            key={c.key}
            id={`${id}-c${c.key}`}
            number={i + 1}
            value={c}
            body={abilities.includes('body')}
            error={errorFor(`tests.${i}`)}
            onChange={(value) => set({ conditions: form.conditions.map((x) => (x.key === c.key ? value : x)) })}
            onRemove={form.conditions.length > 1 ? () => set({ conditions: form.conditions.filter((x) => x.key !== c.key) }) : null}
          />
        ))}
        {errorFor('tests') !== null && <p class="field-error">{errorFor('tests')}</p>}
        <button type="button" onClick={() => set({ conditions: [...form.conditions, emptyCondition()] })}>{t('rulesConditionAdd')}</button>
      </fieldset>

      <fieldset class="rule-actions">
        <legend>{t('rulesActionsLegend')}</legend>
        <label class="checkbox">
          <input type="checkbox" checked={form.del} onChange={(e) => set({ del: e.currentTarget.checked })} />
          {t('rulesActionDelete')}
        </label>
        {!form.del && (
          <>
            <div class="row">
              <label class="checkbox">
                <input type="checkbox" checked={form.move !== null} onChange={(e) => set({ move: e.currentTarget.checked ? '' : null })} />
                {t('rulesActionMove')}
              </label>
              {form.move !== null && (
                <FolderSelect id={`${id}-move`} label={t('rulesMoveFolderLabel')} value={form.move} folders={folders} invalid={errorFor('actions.move.0') !== null} onChange={(move) => set({ move })} />
              )}
            </div>
            {form.copies.map((folder, i) => (
              <div class="row" key={`copy-${i}`}>
                <span>{t('rulesActionCopy')}</span>
                <FolderSelect id={`${id}-copy-${i}`} label={t('rulesCopyFolderLabel', [String(i + 1)])} value={folder} folders={folders} invalid={errorFor(`actions.copies.${i}`) !== null} onChange={(name) => set({ copies: form.copies.map((x, j) => (j === i ? name : x)) })} />
                <button type="button" class="link-button" onClick={() => set({ copies: form.copies.filter((_, j) => j !== i) })}>{t('rulesRemove')}</button>
              </div>
            ))}
            <button type="button" onClick={() => set({ copies: [...form.copies, ''] })}>{t('rulesCopyAdd')}</button>
            {form.forwards.map((address, i) => (
              <div class="row" key={`fwd-${i}`}>
                <label for={`${id}-fwd-${i}`}>{t('rulesActionForward')}</label>
                <input id={`${id}-fwd-${i}`} type="email" value={address} aria-invalid={errorFor(`actions.forwards.${i}`) !== null ? 'true' : undefined} onInput={(e) => set({ forwards: form.forwards.map((x, j) => (j === i ? e.currentTarget.value : x)) })} />
                <button type="button" class="link-button" onClick={() => set({ forwards: form.forwards.filter((_, j) => j !== i) })}>{t('rulesRemove')}</button>
              </div>
            ))}
            <button type="button" onClick={() => set({ forwards: [...form.forwards, ''] })}>{t('rulesForwardAdd')}</button>
          </>
        )}
        <label class="checkbox">
          <input type="checkbox" checked={form.read} onChange={(e) => set({ read: e.currentTarget.checked })} />
          {t('rulesActionRead')}
        </label>
        <label class="checkbox">
          <input type="checkbox" checked={form.flag} onChange={(e) => set({ flag: e.currentTarget.checked })} />
          {t('rulesActionFlag')}
        </label>
        {actionError !== null && <p class="field-error" role="alert">{actionError}</p>}
      </fieldset>

      <label class="checkbox">
        <input type="checkbox" checked={form.stop} onChange={(e) => set({ stop: e.currentTarget.checked })} />
        {t('rulesStopLabel')}
      </label>

      <div class="buttons">
        <ActionButton type="submit" busy={busy === 'save'} blocked={busy !== null} busyLabel={t('rulesSaving')}>
          {t(existing ? 'rulesSaveButton' : 'rulesAddButton')}
        </ActionButton>
        <ActionButton busy={busy === 'check'} blocked={busy !== null} busyLabel={t('rulesChecking')} onClick={() => {
          const draft = checked();
          if (draft !== null) void onCheck(draft);
        }}>
          {t('rulesCheckButton')}
        </ActionButton>
        <button type="button" onClick={onCancel}>{t('rulesCancel')}</button>
      </div>
    </form>
  );
}
