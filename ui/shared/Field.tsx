/**
 * One form field of a panel: its label, the control, the error that names what is wrong with
 * it and a hint, with the control wired to both (aria-invalid, aria-describedby: the error
 * first). The control is the caller's (`children` gets the attributes to spread on it), so an
 * input, a textarea or a group of radio buttons (`group`: a fieldset with a legend) fit alike.
 */

import type { ComponentChildren } from 'preact';

export interface FieldControl {
  readonly id: string;
  readonly 'aria-invalid': 'true' | undefined;
  readonly 'aria-describedby': string | undefined;
}

export interface FieldProps {
  /** The control's id; the error is `<id>-error`, the hint `<id>-hint`. */
  readonly id: string;
  readonly label: ComponentChildren;
  /** What is wrong with the value; null or undefined: nothing. */
  readonly error?: string | null;
  readonly hint?: ComponentChildren;
  /** A hint shown elsewhere (shared by several fields) that describes this control too. */
  readonly hintId?: string;
  /** A group of controls (radio buttons): a fieldset whose legend is the label and which the hint describes. */
  readonly group?: boolean;
  readonly class?: string;
  readonly children: (control: FieldControl) => ComponentChildren;
}

export function Field({ id, label, error, hint, hintId, group, children, ...props }: FieldProps) {
  const hasError = error !== null && error !== undefined;
  const errorId = `${id}-error`;
  const ownHintId = hint !== undefined ? `${id}-hint` : undefined;
  const describedBy = [hasError ? errorId : null, ownHintId ?? hintId ?? null].filter((x) => x !== null).join(' ') || undefined;
  const control: FieldControl = {
    id,
    'aria-invalid': hasError ? 'true' : undefined,
    // A group's hint is on the fieldset; its control gets the error only.
    'aria-describedby': group === true ? (hasError ? errorId : undefined) : describedBy,
  };
  const below = (
    <>
      {hasError && <p id={errorId} class="field-error">{error}</p>}
      {hint !== undefined && <p id={ownHintId} class="hint">{hint}</p>}
    </>
  );
  if (group === true) {
    return (
      <fieldset class={props.class} aria-describedby={ownHintId}>
        <legend>{label}</legend>
        {children(control)}
        {below}
      </fieldset>
    );
  }
  return (
    <div class={props.class === undefined ? 'field' : `field ${props.class}`}>
      <label for={id}>{label}</label>
      {children(control)}
      {below}
    </div>
  );
}
