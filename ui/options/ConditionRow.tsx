/** One condition of the rule editor: its kind, "not", the comparison and the value (PROTOCOL.md §6.7). */

import { TEXT_OPS, type TextOp } from '../../src/modules/rules.js';
import { t, type MessageKey } from '../shared/i18n.js';
import { CONDITION_KINDS, type ConditionForm, type ConditionKind } from './rule-form.js';

const KIND_LABEL: Readonly<Record<ConditionKind, MessageKey>> = {
  'from': 'rulesFieldFrom',
  'to': 'rulesFieldTo',
  'cc': 'rulesFieldCc',
  'to-or-cc': 'rulesFieldToOrCc',
  'subject': 'rulesFieldSubject',
  'header': 'rulesKindHeader',
  'sender-domain': 'rulesFieldSenderDomain',
  'recipient-domain': 'rulesFieldRecipientDomain',
  'size': 'rulesKindSize',
  'attachment': 'rulesKindAttachment',
  'body': 'rulesKindBody',
};

const OP_LABEL: Readonly<Record<TextOp, MessageKey>> = {
  contains: 'rulesOpLabelContains',
  is: 'rulesOpLabelIs',
  begins: 'rulesOpLabelBegins',
  ends: 'rulesOpLabelEnds',
  matches: 'rulesOpLabelMatches',
};

export interface ConditionRowProps {
  readonly id: string;
  /** 1-based, for the labels ("Condition 2"). */
  readonly number: number;
  readonly value: ConditionForm;
  /** The server can test the body. */
  readonly body: boolean;
  readonly error: string | null;
  readonly onChange: (value: ConditionForm) => void;
  readonly onRemove: (() => void) | null;
}

export function ConditionRow({ id, number, value: c, body, error, onChange, onRemove }: ConditionRowProps) {
  const set = (patch: Partial<ConditionForm>) => onChange({ ...c, ...patch });
  const textual = c.kind !== 'size' && c.kind !== 'attachment';
  const kinds = CONDITION_KINDS.filter((kind) => kind !== 'body' || body || c.kind === 'body');
  const errorId = `${id}-error`;
  const invalid = error !== null ? 'true' : undefined;
  const described = error !== null ? errorId : undefined;
  return (
    <fieldset class="rule-condition" data-testid="rule-condition">
      <legend>{t('rulesConditionLegend', [String(number)])}</legend>
      <div class="row">
        <label class="checkbox">
          <input type="checkbox" checked={c.not} onChange={(e) => set({ not: e.currentTarget.checked })} />
          {t('rulesNot')}
        </label>
        <select id={`${id}-kind`} aria-label={t('rulesKindLabel')} value={c.kind} onChange={(e) => set({ kind: e.currentTarget.value as ConditionKind })}>
          {kinds.map((kind) => <option key={kind} value={kind}>{t(KIND_LABEL[kind])}</option>)}
        </select>
        {c.kind === 'header' && (
          <>
            <input id={`${id}-header`} aria-label={t('rulesHeaderLabel')} type="text" class="rule-header" placeholder="X-Mailer" value={c.header} aria-invalid={invalid} aria-describedby={described} onInput={(e) => set({ header: e.currentTarget.value })} />
          </>
        )}
        {textual && c.kind !== 'body' && (
          <>
            <select id={`${id}-op`} aria-label={t('rulesOpLabel')} value={c.op} onChange={(e) => set({ op: e.currentTarget.value as TextOp })}>
              {TEXT_OPS.map((op) => <option key={op} value={op}>{t(OP_LABEL[op])}</option>)}
            </select>
          </>
        )}
        {c.kind === 'body' && <span>{t('rulesOpLabelContains')}</span>}
        {textual && (
          <>
            <input id={`${id}-value`} aria-label={t('rulesValueLabel')} type="text" value={c.value} aria-invalid={invalid} aria-describedby={described} onInput={(e) => set({ value: e.currentTarget.value })} />
          </>
        )}
        {c.kind === 'size' && (
          <>
            <select id={`${id}-over`} aria-label={t('rulesSizeCompare')} value={c.over ? 'over' : 'under'} onChange={(e) => set({ over: e.currentTarget.value === 'over' })}>
              <option value="over">{t('rulesSizeOverLabel')}</option>
              <option value="under">{t('rulesSizeUnderLabel')}</option>
            </select>
            <input id={`${id}-bytes`} aria-label={t('rulesSizeBytes')} type="text" inputMode="numeric" class="rule-bytes" value={c.bytes} aria-invalid={invalid} aria-describedby={described} onInput={(e) => set({ bytes: e.currentTarget.value })} />
            <span>{t('rulesBytes')}</span>
          </>
        )}
        {onRemove !== null && (
          <button type="button" class="link-button" onClick={onRemove}>{t('rulesConditionRemove', [String(number)])}</button>
        )}
      </div>
      {error !== null && <p id={errorId} class="field-error">{error}</p>}
    </fieldset>
  );
}
