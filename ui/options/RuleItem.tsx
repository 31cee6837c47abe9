/**
 * One rule of RuleList: its name, summary, switch and buttons. It renders again only when its
 * rule, place or drop mark change (a class component's shouldComponentUpdate): with 500 rules, a
 * drag over the list, a change of one rule or the panel turning busy and back would otherwise
 * render every item (measured in bench/ui/rules-panel.ts). The handlers and the busy state come
 * through a ref that RuleList updates, so an item that did not render again never calls a stale
 * handler; while the panel is busy the list says so (aria-busy) and the buttons do nothing.
 */

import { Component } from 'preact';
import { summarizeRule } from '../../src/messages/rules-text.js';
import type { Rule } from '../../src/modules/rules.js';
import { formatNumber, t } from '../shared/i18n.js';

export interface RuleHandlers {
  readonly onToggle: (rule: Rule) => void;
  readonly onEdit: (rule: Rule) => void;
  readonly onDelete: (rule: Rule) => void;
  readonly onMove: (rule: Rule, to: 'up' | 'down' | number) => void;
  readonly onDragStart: (rule: Rule) => void;
  readonly onDragOver: (index: number) => void;
  readonly onDragLeave: () => void;
  readonly onDragEnd: () => void;
  readonly onDrop: (index: number) => void;
  /** Focus moved into the rule at `index`. */
  readonly onFocusRule: (index: number) => void;
  /** An action of the panel is in flight. */
  readonly blocked: boolean;
}

export interface RuleItemProps {
  readonly rule: Rule;
  readonly index: number;
  /** How many rules the whole list has (the item may be one of a window of them). */
  readonly count: number;
  readonly over: boolean;
  readonly handlers: { readonly current: RuleHandlers };
}

/** Summaries by rule object: a rule the server did not change keeps its object (RulesPanel). */
const summaries = new WeakMap<Rule, string>();

function summary(rule: Rule): string {
  let text = summaries.get(rule);
  if (text === undefined) {
    text = summarizeRule(t, rule, formatNumber);
    summaries.set(rule, text);
  }
  return text;
}

export class RuleItem extends Component<RuleItemProps> {
  override shouldComponentUpdate(next: RuleItemProps): boolean {
    const p = this.props;
    return next.rule !== p.rule || next.index !== p.index || next.count !== p.count || next.over !== p.over;
  }

  override render() {
    const { rule, index, count, over, handlers } = this.props;
    const last = index === count - 1;
    const h = () => handlers.current;
    const guard = (action: () => void) => () => {
      if (!h().blocked) action();
    };
    const disabled = (off: boolean) => (off ? 'true' : undefined);
    return (
      <li
        class={`rule-item${rule.enabled ? '' : ' rule-off'}${over ? ' drop-target' : ''}`}
        data-rule={rule.id}
        aria-posinset={index + 1}
        aria-setsize={count}
        draggable
        onFocusCapture={() => h().onFocusRule(index)}
        onDragStart={(e) => {
          h().onDragStart(rule);
          e.dataTransfer?.setData('text/plain', String(rule.id));
        }}
        onDragOver={(e) => {
          e.preventDefault();
          h().onDragOver(index);
        }}
        onDragLeave={() => h().onDragLeave()}
        onDragEnd={() => h().onDragEnd()}
        onDrop={(e) => {
          e.preventDefault();
          h().onDrop(index);
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
                guard(() => h().onToggle(rule))();
              }}
            />
            <span>{t(rule.enabled ? 'stateOn' : 'stateOff')}</span>
          </label>
        </div>
        <p class="rule-summary" title={summary(rule)}>{summary(rule)}</p>
        <div class="buttons">
          <button type="button" aria-disabled={disabled(false)} onClick={guard(() => h().onEdit(rule))} aria-label={t('rulesEditLabel', [rule.name])}>{t('rulesEdit')}</button>
          <button type="button" aria-disabled={disabled(false)} onClick={guard(() => h().onDelete(rule))} aria-label={t('rulesDeleteLabel', [rule.name])}>{t('rulesDelete')}</button>
          <button type="button" aria-disabled={disabled(index === 0)} onClick={guard(() => index > 0 && h().onMove(rule, 'up'))} aria-label={t('rulesUpLabel', [rule.name])}>{t('rulesUp')}</button>
          <button type="button" aria-disabled={disabled(last)} onClick={guard(() => !last && h().onMove(rule, 'down'))} aria-label={t('rulesDownLabel', [rule.name])}>{t('rulesDown')}</button>
        </div>
      </li>
    );
  }
}
