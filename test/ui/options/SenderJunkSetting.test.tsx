// @vitest-environment happy-dom
// The junk opt-in setting under Advanced: ask / always / never, default ask, kept in storage.local
// where the background reads it (src/background/sender-actions.ts).
import { cleanup, render, screen, waitFor } from '@testing-library/preact';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SenderJunkSetting } from '../../../ui/options/SenderJunkSetting.js';
import { browserFake, resetBackground, storage } from '../fakes.js';

vi.mock('webextension-polyfill', async () => (await import('../fakes.js')).polyfillModule());
vi.mock('../../../src/messages/client.js', async () => (await import('../fakes.js')).clientModule());

beforeEach(() => {
  resetBackground();
});
afterEach(cleanup);

const group = () => screen.getByRole('group', { name: 'When I mark messages as junk in Thunderbird, also block their senders on the server' });
const radio = (name: string) => screen.getByRole('radio', { name }) as HTMLInputElement;

describe('the junk opt-in setting', () => {
  it('is a group of three choices, Ask each time by default, and nothing is stored until one is chosen', async () => {
    render(<SenderJunkSetting />);
    expect(group()).toBeTruthy();
    await waitFor(() => expect(browserFake.storage.local.get).toHaveBeenCalledWith('senderJunkOptIn'));
    expect([radio('Ask each time').checked, radio('Always').checked, radio('Never').checked]).toEqual([true, false, false]);
    expect(storage.senderJunkOptIn).toBeUndefined();
  });

  it('stores the choice, and shows what is stored', async () => {
    const user = userEvent.setup();
    render(<SenderJunkSetting />);
    await user.click(radio('Never'));
    await waitFor(() => expect(storage.senderJunkOptIn).toBe('never'));
    cleanup();
    render(<SenderJunkSetting />);
    await waitFor(() => expect(radio('Never').checked).toBe(true));
  });

  it('a choice made before the stored value arrives is kept', async () => {
    storage.senderJunkOptIn = 'never';
    // The read delivers what storage held when it began, after the click.
    let deliver!: () => void;
    browserFake.storage.local.get.mockImplementationOnce(async (key: string) => {
      const then = { [key]: storage[key] };
      await new Promise<void>((resolve) => { deliver = resolve; });
      return then;
    });
    const user = userEvent.setup();
    render(<SenderJunkSetting />);
    await user.click(radio('Always'));
    deliver();
    await waitFor(() => expect(storage.senderJunkOptIn).toBe('always'));
    await new Promise((r) => setTimeout(r, 0));
    expect(radio('Always').checked).toBe(true);
  });
});
