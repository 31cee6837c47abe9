/**
 * The panels of an account as tabs (the ARIA tabs pattern, automatic activation): one tab
 * stop, Left/Right (and Up/Down) move and select with wrap-around, Home/End go to the ends.
 * A panel is built when first shown and then kept (hidden), so switching tabs loses nothing.
 */

import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';

export interface TabSpec {
  readonly key: string;
  readonly label: string;
  readonly render: () => ComponentChildren;
}

export interface TabsProps {
  /** Unique in the page: prefixes the ids. */
  readonly id: string;
  readonly label: string;
  readonly tabs: readonly TabSpec[];
  readonly selected: string;
  readonly onSelect: (key: string) => void;
}

export function Tabs({ id, label, tabs, selected, onSelect }: TabsProps) {
  const [visited, setVisited] = useState<ReadonlySet<string>>(new Set([selected]));
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);
  if (!visited.has(selected)) setVisited(new Set([...visited, selected]));

  const current = Math.max(0, tabs.findIndex((tab) => tab.key === selected));

  function select(index: number) {
    const tab = tabs[(index + tabs.length) % tabs.length];
    if (tab === undefined) return;
    onSelect(tab.key);
    buttons.current[(index + tabs.length) % tabs.length]?.focus();
  }

  function onKeyDown(event: KeyboardEvent) {
    switch (event.key) {
      case 'ArrowRight':
      case 'ArrowDown':
        select(current + 1);
        break;
      case 'ArrowLeft':
      case 'ArrowUp':
        select(current - 1);
        break;
      case 'Home':
        select(0);
        break;
      case 'End':
        select(tabs.length - 1);
        break;
      default:
        return;
    }
    event.preventDefault();
  }

  return (
    <div class="tabs">
      <div role="tablist" aria-label={label} class="tablist" onKeyDown={onKeyDown}>
        {tabs.map((tab, i) => {
          const isSelected = i === current;
          return (
            <button
              key={tab.key}
              ref={(element) => {
                buttons.current[i] = element;
              }}
              type="button"
              role="tab"
              id={`${id}-tab-${tab.key}`}
              aria-selected={isSelected ? 'true' : 'false'}
              aria-controls={`${id}-panel-${tab.key}`}
              tabIndex={isSelected ? 0 : -1}
              data-panel={tab.key}
              onClick={() => onSelect(tab.key)}
            >
              {tab.label}
            </button>
          );
        })}
      </div>
      {tabs.map((tab, i) =>
        visited.has(tab.key) || i === current ? (
          <div
            key={tab.key}
            role="tabpanel"
            id={`${id}-panel-${tab.key}`}
            aria-labelledby={`${id}-tab-${tab.key}`}
            tabIndex={0}
            class="tabpanel"
            data-panel={tab.key}
            hidden={i !== current}
          >
            {tab.render()}
          </div>
        ) : null,
      )}
    </div>
  );
}
