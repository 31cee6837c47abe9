/**
 * The stored rules in their order (the server runs them top to bottom): each (RuleItem) with
 * its summary, an on/off switch, Edit, Delete, and Move up / Move down for the keyboard; drag
 * and drop moves a rule to where it is dropped.
 */

import { useEffect, useRef, useState } from 'preact/hooks';
import type { Rule } from '../../src/modules/rules.js';
import { t } from '../shared/i18n.js';
import { RuleItem, type RuleHandlers } from './RuleItem.js';

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

/** Rendered at once: more than a window shows. The rest follows in slices after the first paint. */
const FIRST = 40;
const SLICE = 100;

export function RuleList({ rules, blocked, onToggle, onEdit, onDelete, onMove }: RuleListProps) {
  // 500 rules take about 300 ms to render the first time without a JIT (bench/ui/rules-panel.ts):
  // the rules in view are painted first, the others in slices between frames.
  const [shown, setShown] = useState(FIRST);
  useEffect(() => {
    if (shown >= rules.length) return undefined;
    const timer = window.setTimeout(() => setShown((n) => n + SLICE), 0);
    return () => window.clearTimeout(timer);
  }, [shown, rules.length]);
  // A ref: the drop comes before any render after the drag started.
  const dragged = useRef<Rule | null>(null);
  const [over, setOver] = useState<number | null>(null);
  const handlers = useRef<RuleHandlers | null>(null);
  handlers.current = {
    blocked,
    onToggle,
    onEdit,
    onDelete,
    onMove,
    onDragStart: (rule) => {
      dragged.current = rule;
    },
    onDragOver: (index) => {
      if (over !== index) setOver(index);
    },
    onDragLeave: () => setOver(null),
    onDragEnd: () => {
      dragged.current = null;
      setOver(null);
    },
    onDrop: (index) => {
      setOver(null);
      const moved = dragged.current;
      dragged.current = null;
      if (moved !== null && rules[index]?.id !== moved.id && !blocked) onMove(moved, index + 1);
    },
  };
  if (rules.length === 0) return <p class="hint" data-testid="rules-empty">{t('rulesNone')}</p>;
  return (
    <ol class="rule-list" aria-label={t('rulesListLabel')} aria-busy={blocked ? 'true' : undefined}>
      {rules.slice(0, shown).map((rule, i) => (
        <RuleItem
          key={rule.id}
          rule={rule}
          index={i}
          last={i === rules.length - 1}
          over={over === i}
          handlers={handlers as { readonly current: RuleHandlers }}
        />
      ))}
    </ol>
  );
}
