/**
 * The stored rules in their order (the server runs them top to bottom): each (RuleItem) with
 * its summary, an on/off switch, Edit, Delete, and Move up / Move down for the keyboard; drag
 * and drop moves a rule to where it is dropped.
 *
 * Only the rules in view (and a few around them) are in the DOM: every rule is one fixed-height
 * row (the style sheet clamps its summary to a line), so the list scrolls in its own box and
 * 500 rules cost what a screenful does (bench/ui/rules-panel.ts). Each item carries its place in
 * the whole list (aria-posinset/aria-setsize); a drag over the box's edge scrolls it, so a rule
 * can be dropped anywhere.
 */

import { useRef, useState } from 'preact/hooks';
import type { Rule } from '../../src/modules/rules.js';
import { t } from '../shared/i18n.js';
import { useScrollWindow } from '../shared/useScrollWindow.js';
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

/** A rule's row, margin included, in font sizes (`.rule-item` in options.css). */
export const RULE_ROW_EM = 8;

export function RuleList({ rules, blocked, onToggle, onEdit, onDelete, onMove }: RuleListProps) {
  const view = useScrollWindow<HTMLDivElement>(rules.length, {
    rowEm: RULE_ROW_EM,
    fallbackRowHeight: 120,
    fallbackViewportHeight: 640,
    overscan: 4,
  });
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
    // Keyboard users reach rules outside the window by tabbing: the focused one is scrolled to.
    onFocusRule: (index) => view.scrollIntoView(index),
  };
  if (rules.length === 0) return <p class="hint" data-testid="rules-empty">{t('rulesNone')}</p>;

  /** Near the box's top or bottom edge a drag scrolls the list, a row at a time. */
  function autoScroll(event: DragEvent) {
    const box = view.box.current;
    if (box === null) return;
    const bounds = box.getBoundingClientRect();
    const edge = view.rowHeight / 2;
    if (event.clientY < bounds.top + edge) box.scrollTop -= view.rowHeight / 4;
    else if (event.clientY > bounds.bottom - edge) box.scrollTop += view.rowHeight / 4;
  }

  const { first, last, rowHeight } = view;
  return (
    <div class="rule-scroll" ref={view.box} onScroll={view.onScroll} onDragOver={autoScroll}>
      <ol
        class="rule-list"
        aria-label={t('rulesListLabel')}
        aria-busy={blocked ? 'true' : undefined}
        style={{ paddingTop: `${first * rowHeight}px`, paddingBottom: `${Math.max(0, rules.length - 1 - last) * rowHeight}px` }}
      >
        {rules.slice(first, last + 1).map((rule, k) => (
          <RuleItem
            key={rule.id}
            rule={rule}
            index={first + k}
            count={rules.length}
            over={over === first + k}
            handlers={handlers as { readonly current: RuleHandlers }}
          />
        ))}
      </ol>
    </div>
  );
}
