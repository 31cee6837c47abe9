/**
 * A button for an action that talks to the server. While any action of its panel is in
 * flight it is aria-disabled (not `disabled`, which would throw the keyboard focus out of
 * the page) and ignores clicks; while its own action runs it says so ("Saving…").
 */

import type { ComponentChildren } from 'preact';

export interface ActionButtonProps {
  /** This button's action is in flight. */
  readonly busy: boolean;
  /** Another action (or this one) is in flight, or the action has nothing to do. */
  readonly blocked?: boolean;
  readonly busyLabel: string;
  readonly children: ComponentChildren;
  readonly type?: 'button' | 'submit';
  readonly onClick?: () => void;
  readonly class?: string;
  readonly describedBy?: string;
  /** A name that says more than the visible text ("Remove ann@example.org" beside each address); not while busy. */
  readonly ariaLabel?: string;
}

export function ActionButton(props: ActionButtonProps) {
  const blocked = props.busy || props.blocked === true;
  return (
    <button
      type={props.type ?? 'button'}
      class={props.class}
      aria-disabled={blocked ? 'true' : undefined}
      aria-describedby={props.describedBy}
      aria-label={props.busy ? undefined : props.ariaLabel}
      data-busy={props.busy ? 'true' : undefined}
      onClick={(event) => {
        if (blocked) {
          event.preventDefault();
          return;
        }
        props.onClick?.();
      }}
    >
      {props.busy && <span class="spinner" aria-hidden="true" />}
      {props.busy ? props.busyLabel : props.children}
    </button>
  );
}
