/**
 * The stored rules in their order (the server runs them top to bottom): each with its summary,
 * an on/off switch, Edit, Delete, and Move up / Move down for the keyboard; drag and drop
 * moves a rule to where it is dropped.
 */

import { useRef, useState } from 'preact/hooks';
import { summarizeRule } from '../../src/messages/rules-text.js';
import type { Rule } from '../../src/modules/rules.js';
import { formatNumber, t } from '../shared/i18n.js';

export interface RuleListProps {
  readonly rules: readonly Rule[];
  /** An action is in flight: the buttons say so and do nothing. */
  readonly blocked: boolean;
  readonly onToggle: (rule: Rule) => void;
  readonly onEdit: (rule: Rule) => void;
  readonly onDelete: (rule: Rule) => void;
  /** `to`: one place up or down, or a position (1 is the first). */
  readonly onMove: (rule: Rule, to: 'up' | 'down' | number) => void;
}

export function RuleList({ rules, blocked, onToggle, onEdit, onDelete, onMove }: RuleListProps) {
  // A ref: the drop comes before any re-render after the drag started.
  const dragged = useRef<number | null>(null);
  const [over, setOver] = useState<number | null>(null);
  if (rules.length === 0) return <p class="hint" data-testid="rules-empty">{t('rulesNone')}</p>;
  const guard = (action: () => void) => () => {
    if (!blocked) action();
  };
  return (
    <ol class="rule-list" aria-label={t('rulesListLabel')}>
      {rules.map((rule, i) => (
        <li
          key={rule.id}
          class={`rule-item${rule.enabled ? '' : ' rule-off'}${over === i ? ' drop-target' : ''}`}
          data-rule={rule.id}
          draggable={!blocked}
          onDragStart={(e) => {
            dragged.current = rule.id;
            e.dataTransfer?.setData('text/plain', String(rule.id));
          }}
          onDragOver={(e) => {
            e.preventDefault();
            setOver(i);
          }}
          onDragLeave={() => setOver(null)}
          onDragEnd={() => {
            dragged.current = null;
            setOver(null);
          }}
          onDrop={(e) => {
            e.preventDefault();
            setOver(null);
            const moved = rules.find((r) => r.id === dragged.current);
            dragged.current = null;
            if (moved !== undefined && moved.id !== rule.id && !blocked) onMove(moved, i + 1);
          }}
        >
          <div class="rule-head">
            <span class="drag-handle" aria-hidden="true">⠿</span>
            <strong class="rule-name">{rule.name}</strong>
            <label class="switch">
              <input
                type="checkbox"
                role="switch"
                checked={rule.enabled}
                aria-label={t('rulesSwitchLabel', [rule.name])}
                onClick={(e) => {
                  e.preventDefault();
                  guard(() => onToggle(rule))();
                }}
              />
              <span>{t(rule.enabled ? 'stateOn' : 'stateOff')}</span>
            </label>
          </div>
          <p class="rule-summary">{summarizeRule(t, rule, formatNumber)}</p>
          <div class="buttons">
            <button type="button" aria-disabled={blocked ? 'true' : undefined} onClick={guard(() => onEdit(rule))} aria-label={t('rulesEditLabel', [rule.name])}>{t('rulesEdit')}</button>
            <button type="button" aria-disabled={blocked ? 'true' : undefined} onClick={guard(() => onDelete(rule))} aria-label={t('rulesDeleteLabel', [rule.name])}>{t('rulesDelete')}</button>
            <button type="button" aria-disabled={blocked || i === 0 ? 'true' : undefined} onClick={guard(() => i > 0 && onMove(rule, 'up'))} aria-label={t('rulesUpLabel', [rule.name])}>{t('rulesUp')}</button>
            <button type="button" aria-disabled={blocked || i === rules.length - 1 ? 'true' : undefined} onClick={guard(() => i < rules.length - 1 && onMove(rule, 'down'))} aria-label={t('rulesDownLabel', [rule.name])}>{t('rulesDown')}</button>
          </div>
        </li>
      ))}
    </ol>
  );
}
