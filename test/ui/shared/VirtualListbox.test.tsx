// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import userEvent from '@testing-library/user-event';
import { useState } from 'preact/hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { VirtualListbox } from '../../../ui/shared/VirtualListbox.js';

afterEach(cleanup);

function Harness({ items, onDelete }: { items: string[]; onDelete?: () => void }) {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  return <VirtualListbox id="list" items={items} selected={selected} onSelectionChange={setSelected} label="Entries" onDelete={onDelete} />;
}

const items = Array.from({ length: 1000 }, (_, i) => `e${String(i).padStart(4, '0')}@example.com`);

function selectedTexts(listbox: HTMLElement) {
  return within(listbox).queryAllByRole('option', { selected: true }).map((o) => o.textContent);
}

describe('VirtualListbox', () => {
  it('is one tab stop, a multi-select listbox with its size on every row', () => {
    render(<Harness items={items} />);
    const listbox = screen.getByRole('listbox', { name: 'Entries' });
    expect(listbox.getAttribute('aria-multiselectable')).toBe('true');
    expect(listbox.tabIndex).toBe(0);
    const rows = within(listbox).getAllByRole('option');
    expect(rows.length).toBeLessThan(40);
    expect(rows.every((row) => row.getAttribute('aria-setsize') === '1000')).toBe(true);
    expect(rows.some((row) => row.tabIndex >= 0)).toBe(false);
  });

  it('Shift+click selects a range from the last clicked row', async () => {
    const user = userEvent.setup();
    render(<Harness items={items} />);
    const listbox = screen.getByRole('listbox');
    await user.click(within(listbox).getByRole('option', { name: 'e0002@example.com' }));
    await user.keyboard('{Shift>}');
    await user.click(within(listbox).getByRole('option', { name: 'e0005@example.com' }));
    await user.keyboard('{/Shift}');
    expect(selectedTexts(listbox)).toEqual(['e0002@example.com', 'e0003@example.com', 'e0004@example.com', 'e0005@example.com']);
    expect(document.activeElement).toBe(listbox);
  });

  it('PageDown and End keep the active row rendered and in view', async () => {
    const user = userEvent.setup();
    render(<Harness items={items} />);
    const listbox = screen.getByRole('listbox');
    act(() => listbox.focus());
    const active = () => document.getElementById(listbox.getAttribute('aria-activedescendant') ?? '')?.textContent;
    expect(active()).toBe('e0000@example.com');
    await user.keyboard('{PageDown}');
    expect(active()).toBe('e0015@example.com');
    await user.keyboard('{End}');
    expect(active()).toBe('e0999@example.com');
    expect(listbox.scrollTop).toBeGreaterThan(0);
    await user.keyboard('{Home}{ArrowUp}');
    expect(active()).toBe('e0000@example.com');
    expect(listbox.scrollTop).toBe(0);
  });

  it('Delete asks the owner; other keys are left alone', async () => {
    const onDelete = vi.fn();
    const user = userEvent.setup();
    render(<Harness items={items.slice(0, 3)} onDelete={onDelete} />);
    screen.getByRole('listbox').focus();
    await user.keyboard('{Delete}x');
    expect(onDelete).toHaveBeenCalledTimes(1);
  });

  it('a list that gets shorter is not left scrolled past its end', () => {
    const { rerender } = render(<Harness items={items} />);
    const listbox = screen.getByRole('listbox');
    listbox.scrollTop = 20_000;
    fireEvent.scroll(listbox);
    rerender(<Harness items={items.slice(0, 5)} />);
    expect(within(screen.getByRole('listbox')).getAllByRole('option')).toHaveLength(5);
  });
});
