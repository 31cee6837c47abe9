/**
 * A multi-select list box for lists of any length: only the rows in view (and a few around
 * them) are in the DOM, positioned in a spacer as tall as the whole list. HTML has no element
 * for a windowed multi-select, so this is the ARIA listbox pattern: one tab stop, the active
 * row named by aria-activedescendant, each row an option with aria-selected and its place
 * (aria-posinset/aria-setsize) in the whole list.
 *
 * Keys: Up/Down/Home/End/PageUp/PageDown move; Space selects or deselects; Shift with a move
 * or Space selects the range from the last selected row; Ctrl+A selects all (again: none);
 * Delete asks to remove the selection. A click toggles a row, Shift+click selects a range.
 */

import { useEffect, useRef, useState } from 'preact/hooks';
import { useScrollWindow } from './useScrollWindow.js';

export interface VirtualListboxProps {
  readonly id: string;
  readonly items: readonly string[];
  readonly selected: ReadonlySet<string>;
  readonly onSelectionChange: (selected: Set<string>) => void;
  /** The accessible name. */
  readonly label: string;
  readonly describedBy?: string;
  /** Delete or Backspace on the list. */
  readonly onDelete?: () => void;
  /** Rows rendered above and below the visible ones. */
  readonly overscan?: number;
  /**
   * How many rows tall the box is (the style sheet keeps it between a few rows and its
   * maximum); default: the items. A filtered list passes the whole list's length, so the
   * box does not jump with every keystroke.
   */
  readonly sizeRows?: number;
}

export function VirtualListbox(props: VirtualListboxProps) {
  const { items, selected, onSelectionChange } = props;
  // Rows are 1.75em high in the style sheet.
  const view = useScrollWindow<HTMLDivElement>(items.length, {
    rowEm: 1.75,
    fallbackRowHeight: 28,
    fallbackViewportHeight: 448,
    overscan: props.overscan ?? 8,
  });
  const { box, rowHeight, viewport, top, first, last, scrollIntoView } = view;
  const [active, setActive] = useState(-1);
  const anchor = useRef(-1);

  // The items changed (a filter, a removal): keep the active row inside the list.
  useEffect(() => {
    if (active >= items.length) setActive(items.length - 1);
    if (anchor.current >= items.length) anchor.current = -1;
  }, [items, active]);

  const visibleRows = Math.max(1, Math.floor(viewport / rowHeight));
  const rows: number[] = [];
  for (let i = first; i <= last; i++) rows.push(i);
  // The active row must exist for aria-activedescendant, even before the scroll catches up.
  if (active >= 0 && active < items.length && (active < first || active > last)) rows.push(active);

  const optionId = (index: number) => `${props.id}-option-${index}`;

  function range(from: number, to: number): string[] {
    const [a, b] = from <= to ? [from, to] : [to, from];
    return items.slice(Math.max(0, a), b + 1);
  }

  function toggle(index: number) {
    const item = items[index];
    if (item === undefined) return;
    const next = new Set(selected);
    if (next.has(item)) next.delete(item);
    else next.add(item);
    anchor.current = index;
    onSelectionChange(next);
  }

  function selectRange(to: number) {
    const from = anchor.current >= 0 ? anchor.current : to;
    const next = new Set(selected);
    for (const item of range(from, to)) next.add(item);
    onSelectionChange(next);
  }

  function moveTo(index: number, extend: boolean) {
    if (items.length === 0) return;
    const target = Math.max(0, Math.min(items.length - 1, index));
    if (extend) {
      if (anchor.current < 0) anchor.current = active >= 0 ? active : target;
      selectRange(target);
    }
    setActive(target);
    scrollIntoView(target);
  }

  function onKeyDown(event: KeyboardEvent) {
    const current = active < 0 ? -1 : active;
    const extend = event.shiftKey;
    switch (event.key) {
      case 'ArrowDown':
        moveTo(current + 1, extend);
        break;
      case 'ArrowUp':
        moveTo(current < 0 ? 0 : current - 1, extend);
        break;
      case 'Home':
        moveTo(0, extend);
        break;
      case 'End':
        moveTo(items.length - 1, extend);
        break;
      case 'PageDown':
        moveTo(Math.max(current, 0) + visibleRows - 1, extend);
        break;
      case 'PageUp':
        moveTo(Math.max(current, 0) - visibleRows + 1, extend);
        break;
      case ' ':
        if (current < 0) return;
        if (extend) selectRange(current);
        else toggle(current);
        break;
      case 'a':
      case 'A':
        if (!(event.ctrlKey || event.metaKey)) return;
        onSelectionChange(items.length > 0 && items.every((item) => selected.has(item)) ? new Set() : new Set(items));
        break;
      case 'Delete':
      case 'Backspace':
        if (props.onDelete === undefined) return;
        props.onDelete();
        break;
      default:
        return;
    }
    event.preventDefault();
  }

  function onClick(index: number, event: MouseEvent) {
    setActive(index);
    if (event.shiftKey && anchor.current >= 0) selectRange(index);
    else toggle(index);
    box.current?.focus();
  }

  return (
    <div
      id={props.id}
      ref={box}
      class="vlist"
      role="listbox"
      aria-multiselectable="true"
      aria-label={props.label}
      aria-describedby={props.describedBy}
      aria-activedescendant={active >= 0 && active < items.length ? optionId(active) : undefined}
      tabIndex={0}
      style={{ '--vlist-rows': String(props.sizeRows ?? items.length) }}
      onKeyDown={onKeyDown}
      onFocus={() => {
        if (active < 0 && items.length > 0) setActive(Math.min(items.length - 1, Math.floor(top / rowHeight)));
      }}
      onScroll={view.onScroll}
    >
      <div class="vlist-spacer" style={{ height: `${items.length * rowHeight}px` }}>
        {rows.map((index) => {
          const item = items[index] as string;
          const isSelected = selected.has(item);
          return (
            <div
              key={item}
              id={optionId(index)}
              role="option"
              aria-selected={isSelected ? 'true' : 'false'}
              aria-posinset={index + 1}
              aria-setsize={items.length}
              class={index === active ? 'vlist-row active' : 'vlist-row'}
              style={{ top: `${index * rowHeight}px`, height: `${rowHeight}px` }}
              onMouseDown={(event) => event.preventDefault()}
              onClick={(event) => onClick(index, event)}
            >
              <span class="check" aria-hidden="true" />
              <span class="vlist-text">{item}</span>
            </div>
          );
        })}
      </div>
    </div>
  );
}
