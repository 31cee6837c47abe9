// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { useFilter } from '../../../ui/shared/useFilter.js';

afterEach(cleanup);

function Show({ entries, query }: { entries: readonly string[]; query: string }) {
  const filtered = useFilter(entries, query);
  return <p data-testid="out">{`${filtered.pending ? 'pending' : 'done'}:${filtered.items.length}:${filtered.items.slice(0, 3).join(',')}`}</p>;
}

const big = Array.from({ length: 100_000 }, (_, i) => `u${i}@example.com`);

describe('useFilter', () => {
  it('a short list is filtered at once, case-insensitively, trimmed', () => {
    render(<Show entries={['a@x.example', 'b@y.example', 'ab@x.example']} query="  A@X " />);
    expect(screen.getByTestId('out').textContent).toBe('done:1:a@x.example');
  });

  it('a big list: pending first, then the result; a narrower query reuses the last result', async () => {
    const { rerender } = render(<Show entries={big} query="u9999" />);
    expect(screen.getByTestId('out').textContent).toMatch(/^pending:/);
    await waitFor(() => expect(screen.getByTestId('out').textContent).toBe('done:11:u9999@example.com,u99990@example.com,u99991@example.com'));
    rerender(<Show entries={big} query="u99999" />);
    // The old result stays on screen until the new one is ready.
    expect(screen.getByTestId('out').textContent).toMatch(/^pending:11:/);
    await waitFor(() => expect(screen.getByTestId('out').textContent).toBe('done:1:u99999@example.com'));
    rerender(<Show entries={big} query="" />);
    expect(screen.getByTestId('out').textContent).toBe('done:100000:u0@example.com,u1@example.com,u2@example.com');
  });
});
