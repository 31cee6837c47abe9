// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { Field } from '../../../ui/shared/Field.js';

afterEach(cleanup);

describe('Field', () => {
  it('labels its control and describes it by the error first, then the hint', () => {
    render(<Field id="f" label="Address" error="No @." hint="Like jane@example.com">{(c) => <input {...c} />}</Field>);
    const input = screen.getByRole('textbox', { name: 'Address' });
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-describedby')).toBe('f-error f-hint');
    expect(document.getElementById('f-error')!.textContent).toBe('No @.');
  });

  it('without an error: valid, described by its own hint or a shared one', () => {
    render(<Field id="g" label="Start" hintId="dates-hint">{(c) => <input {...c} />}</Field>);
    const input = screen.getByRole('textbox', { name: 'Start' });
    expect(input.getAttribute('aria-invalid')).toBeNull();
    expect(input.getAttribute('aria-describedby')).toBe('dates-hint');
  });

  it('a group is a fieldset named by its legend and described by the hint; the control gets the error', () => {
    render(
      <Field group id="r" label="Reply to" error="Too many." hint="Who gets the reply">
        {(c) => <input type="radio" aria-invalid={c['aria-invalid']} aria-describedby={c['aria-describedby']} />}
      </Field>,
    );
    const group = screen.getByRole('group', { name: 'Reply to' });
    expect(group.getAttribute('aria-describedby')).toBe('r-hint');
    expect(screen.getByRole('radio').getAttribute('aria-describedby')).toBe('r-error');
  });
});
