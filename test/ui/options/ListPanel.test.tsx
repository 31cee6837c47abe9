// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildCommandText } from '../../../src/protocol/command.js';
import { ListPanel } from '../../../ui/options/ListPanel.js';
import { resetBackground, serverError, type FakeBackground } from '../fakes.js';

vi.mock('webextension-polyfill', async () => (await import('../fakes.js')).polyfillModule());
vi.mock('../../../src/messages/client.js', async () => (await import('../fakes.js')).clientModule());

let server: FakeBackground;

beforeEach(() => {
  server = resetBackground();
  server.lists.blacklist = ['@spam.example', 'bad@example.com', 'worse@example.org'];
});

afterEach(cleanup);

async function open(list: 'blacklist' | 'whitelist' = 'blacklist') {
  const user = userEvent.setup();
  render(<ListPanel accountId="account1" list={list} />);
  const listbox = await screen.findByRole('listbox', { name: list === 'blacklist' ? 'Blocked senders' : 'Allowed senders' });
  return { user, listbox };
}

const options = (listbox: HTMLElement) => within(listbox).queryAllByRole('option').map((o) => o.textContent);

describe('the list and its count', () => {
  it('shows the entries the server has, and how many', async () => {
    const { listbox } = await open();
    expect(options(listbox)).toEqual(['@spam.example', 'bad@example.com', 'worse@example.org']);
    expect(screen.getByText('Entries: 3')).toBeTruthy();
    expect(within(listbox).getByRole('option', { name: 'bad@example.com' }).getAttribute('aria-setsize')).toBe('3');
  });

  it('says so when the list is empty', async () => {
    server.lists.whitelist = [];
    render(<ListPanel accountId="account1" list="whitelist" />);
    expect(await screen.findByText('The allow list is empty.')).toBeTruthy();
    expect(screen.queryByRole('listbox')).toBeNull();
  });

  it('filters as you type, case-insensitively, and says when nothing matches', async () => {
    const { user, listbox } = await open();
    const filter = screen.getByRole('searchbox', { name: 'Filter' });
    await user.type(filter, 'EXAMPLE.');
    await waitFor(() => expect(options(listbox)).toEqual(['@spam.example', 'bad@example.com', 'worse@example.org'].filter((e) => e.includes('example.'))));
    expect(screen.getByText('Showing 2 of 3 entries')).toBeTruthy();
    await user.type(filter, 'zzz');
    expect(await screen.findByText('No entry contains “EXAMPLE.zzz”.')).toBeTruthy();
    await user.clear(filter);
    expect(options(await screen.findByRole('listbox'))).toHaveLength(3);
  });

  it('a list that cannot be read says why and offers Retry', async () => {
    server.failNext('list.show', serverError('timeout', 'no answer'));
    const user = userEvent.setup();
    render(<ListPanel accountId="account1" list="blacklist" />);
    expect((await screen.findByRole('alert')).textContent).toContain('did not answer in time');
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(options(await screen.findByRole('listbox'))).toHaveLength(3);
  });
});

describe('adding', () => {
  it('validates with the module\'s rules before sending anything', async () => {
    const { user } = await open();
    const input = screen.getByRole('textbox', { name: 'Add an address or domain' });
    await user.type(input, 'no-at-sign{Enter}');
    expect(screen.getByText('“no-at-sign” has no @.')).toBeTruthy();
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(input);
    await user.clear(input);
    await user.type(input, 'x@localhost{Enter}');
    expect(screen.getByText('“x@localhost” has an invalid domain.')).toBeTruthy();
    expect(server.callsOf('list.add')).toEqual([]);
  });

  it('refuses a duplicate with a message, after trimming and lower-casing', async () => {
    const { user } = await open();
    await user.type(screen.getByRole('textbox', { name: 'Add an address or domain' }), '  BAD@Example.com {Enter}');
    expect(screen.getByText('“bad@example.com” is already in the block list.')).toBeTruthy();
    expect(server.callsOf('list.add')).toEqual([]);
  });

  it('sends the trimmed, lower-cased entry, shows it in its sorted place and says so', async () => {
    const { user, listbox } = await open();
    const input = screen.getByRole('textbox', { name: 'Add an address or domain' });
    await user.type(input, ' New@Example.COM ');
    await user.click(screen.getByRole('button', { name: 'Add' }));
    expect(await screen.findByText('Added “new@example.com”.')).toBeTruthy();
    expect(server.callsOf('list.add').map((c) => c.entries)).toEqual([['new@example.com']]);
    expect(options(listbox)).toEqual(['@spam.example', 'bad@example.com', 'new@example.com', 'worse@example.org']);
    expect((input as HTMLInputElement).value).toBe('');
    expect(screen.getByText('Entries: 4')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toContain('Added “new@example.com”.');
  });

  it('is busy while in flight and cannot be sent twice', async () => {
    const { user } = await open();
    const held = server.holdNext('list.add');
    const input = screen.getByRole('textbox', { name: 'Add an address or domain' });
    await user.type(input, 'new@example.com{Enter}');
    const busy = await screen.findByRole('button', { name: 'Adding…' });
    expect(busy.getAttribute('aria-disabled')).toBe('true');
    expect(screen.getByRole('status').textContent).toContain('Adding “new@example.com”…');
    await user.click(busy);
    fireEvent.submit(input.closest('form')!);
    expect(server.callsOf('list.add')).toHaveLength(1);
    held.release();
    expect(await screen.findByRole('button', { name: 'Add' })).toBeTruthy();
    expect(server.callsOf('list.add')).toHaveLength(1);
  });

  it('a lost connection: the reason, Retry, and what was typed is kept', async () => {
    const { user, listbox } = await open();
    server.failNext('list.add', serverError('disconnected', 'The server closed the connection.'));
    const input = screen.getByRole('textbox', { name: 'Add an address or domain' }) as HTMLInputElement;
    await user.type(input, 'new@example.com{Enter}');
    expect(await screen.findByText('Thunderbird could not reach the server: The server closed the connection.')).toBeTruthy();
    expect(input.value).toBe('new@example.com');
    expect(options(listbox)).toHaveLength(3);
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('Added “new@example.com”.')).toBeTruthy();
    expect(options(listbox)).toContain('new@example.com');
  });

  it('a refusal (not worth retrying) shows the server\'s words without Retry', async () => {
    const { user } = await open();
    server.failNext('list.add', serverError('XEXEC-EXIT', 'list is locked', 'blacklist', 1));
    await user.type(screen.getByRole('textbox', { name: 'Add an address or domain' }), 'new@example.com{Enter}');
    expect(await screen.findByText('The server refused: list is locked')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
  });
});

describe('removing', () => {
  it('one or many, chosen by clicking; then Undo puts them back', async () => {
    const { user, listbox } = await open();
    const remove = () => screen.getByRole('button', { name: /^Remove selected/ });
    expect(remove().getAttribute('aria-disabled')).toBe('true');
    await user.click(within(listbox).getByRole('option', { name: '@spam.example' }));
    await user.click(within(listbox).getByRole('option', { name: 'worse@example.org' }));
    expect(within(listbox).getByRole('option', { name: 'worse@example.org' }).getAttribute('aria-selected')).toBe('true');
    expect(remove().textContent).toBe('Remove selected (2)');
    await user.click(remove());
    expect(await screen.findByText('Entries removed: 2.')).toBeTruthy();
    expect(server.callsOf('list.del').map((c) => [...c.entries].sort())).toEqual([['@spam.example', 'worse@example.org']]);
    expect(options(listbox)).toEqual(['bad@example.com']);
    await user.click(screen.getByRole('button', { name: 'Undo' }));
    expect(await screen.findByText('Entries put back: 2.')).toBeTruthy();
    expect(options(listbox)).toEqual(['@spam.example', 'bad@example.com', 'worse@example.org']);
    expect(server.lists.blacklist).toEqual(['@spam.example', 'bad@example.com', 'worse@example.org']);
  });

  it('by keyboard: arrows move, Space selects, Shift+arrow extends, Delete removes', async () => {
    const { user, listbox } = await open();
    listbox.focus();
    await user.keyboard('{ArrowDown}');
    expect(listbox.getAttribute('aria-activedescendant')).toBe(within(listbox).getByRole('option', { name: 'bad@example.com' }).id);
    await user.keyboard(' ');
    await user.keyboard('{Shift>}{ArrowDown}{/Shift}');
    expect(within(listbox).getAllByRole('option', { selected: true }).map((o) => o.textContent)).toEqual(['bad@example.com', 'worse@example.org']);
    await user.keyboard('{Delete}');
    expect(await screen.findByText('Entries removed: 2.')).toBeTruthy();
    expect(options(listbox)).toEqual(['@spam.example']);
  });

  it('"Select all shown" selects what the filter shows, nothing hidden', async () => {
    const { user, listbox } = await open();
    await user.type(screen.getByRole('searchbox', { name: 'Filter' }), 'example.');
    await waitFor(() => expect(options(listbox)).toHaveLength(2));
    await user.click(screen.getByRole('checkbox', { name: 'Select all shown' }));
    await user.click(screen.getByRole('button', { name: 'Remove selected (2)' }));
    expect(await screen.findByText('Entries removed: 2.')).toBeTruthy();
    expect(server.lists.blacklist).toEqual(['@spam.example']);
  });

  it('Ctrl+A selects all shown, again none', async () => {
    const { user, listbox } = await open();
    listbox.focus();
    await user.keyboard('{Control>}a{/Control}');
    expect(within(listbox).getAllByRole('option', { selected: true })).toHaveLength(3);
    await user.keyboard('{Control>}a{/Control}');
    expect(within(listbox).queryAllByRole('option', { selected: true })).toHaveLength(0);
  });
});

describe('import and export', () => {
  async function openImport(user: ReturnType<typeof userEvent.setup>) {
    await user.click(screen.getByText('Import from text or a file…'));
    return screen.getByRole('textbox', { name: 'Entries to import' });
  }

  it('reports new, duplicate and rejected lines before sending, then keeps only the rejected ones', async () => {
    const { user, listbox } = await open();
    const box = await openImport(user);
    fireEvent.input(box, { target: { value: '# my list\nOne@Example.com\n\nbad@example.com\nnot an address\n@two.example\none@example.com\n' } });
    expect(await screen.findByText('New: 2 · Already in the list: 2 · Rejected lines: 1')).toBeTruthy();
    const rejected = screen.getByRole('list', { name: 'Rejected lines' });
    expect(within(rejected).getByRole('listitem').textContent).toBe('Line 5: “not an address” has no @.');
    await user.click(screen.getByRole('button', { name: 'Import new entries (2)' }));
    expect(await screen.findByText('Entries imported: 2.')).toBeTruthy();
    expect(screen.getByText('Rejected lines: 1. They are left in the import box to correct.')).toBeTruthy();
    expect(server.callsOf('list.add').map((c) => c.entries)).toEqual([['one@example.com', '@two.example']]);
    expect(options(listbox)).toEqual(['@spam.example', '@two.example', 'bad@example.com', 'one@example.com', 'worse@example.org']);
    expect((box as HTMLTextAreaElement).value).toBe('not an address\n');
  });

  it('reads a file', async () => {
    const { user } = await open();
    await openImport(user);
    const file = new File(['a@example.net\nb@example.net\n'], 'list.txt', { type: 'text/plain' });
    await user.upload(screen.getByLabelText('Or read a text file:'), file);
    expect(await screen.findByText('New: 2 · Already in the list: 0 · Rejected lines: 0')).toBeTruthy();
  });

  it('sends a big import in batches that keep each IMAP line under 60 kB, with progress', async () => {
    const { user, listbox } = await open();
    const box = await openImport(user);
    const many = Array.from({ length: 6000 }, (_, i) => `someone.with.a.long.name.${i}@example-${i % 97}.com`);
    fireEvent.input(box, { target: { value: many.join('\n') } });
    await screen.findByText(/^New: 6,000/);
    const held = server.holdNext('list.add');
    await user.click(screen.getByRole('button', { name: 'Import new entries (6,000)' }));
    expect(await screen.findByRole('progressbar', { name: 'Importing entries' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Importing…' }).getAttribute('aria-disabled')).toBe('true');
    held.release();
    expect(await screen.findByText('Entries imported: 6,000.')).toBeTruthy();
    const batches = server.callsOf('list.add');
    expect(batches.length).toBeGreaterThan(4);
    for (const batch of batches) {
      const text = buildCommandText({ module: 'blacklist', args: ['add', ...batch.entries] });
      expect(text.ok && text.value.length + 'a1 UID XEXEC \r\n'.length).toBeLessThan(60_000);
    }
    expect(batches.flatMap((b) => b.entries)).toEqual(many);
    expect(screen.getByText('Entries: 6,003')).toBeTruthy();
    expect(within(listbox).getAllByRole('option').length).toBeLessThan(100);
  });

  it('a batch that fails stops the import; what was not sent stays in the box; Retry sends the rest', async () => {
    const { user } = await open();
    const box = await openImport(user);
    const many = Array.from({ length: 6000 }, (_, i) => `someone.with.a.long.name.${i}@example.com`);
    fireEvent.input(box, { target: { value: many.join('\n') } });
    await screen.findByText(/^New: 6,000/);
    // The first batch passes, the second is lost.
    const first = server.holdNext('list.add');
    await user.click(screen.getByRole('button', { name: 'Import new entries (6,000)' }));
    server.failNext('list.add', serverError('disconnected', 'connection lost'));
    first.release();
    const stopped = await screen.findByText(/^Import stopped: Thunderbird could not reach the server: connection lost/);
    const sentFirst = server.callsOf('list.add')[0]!.entries.length;
    expect(stopped.textContent).toContain(`imported before: ${sentFirst.toLocaleString('en-US')}`);
    expect(server.lists.blacklist).toHaveLength(3 + sentFirst);
    await waitFor(() => expect((box as HTMLTextAreaElement).value.trim().split('\n')).toEqual(many.slice(sentFirst)));
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('Entries imported: ' + (6000 - sentFirst).toLocaleString('en-US') + '.')).toBeTruthy();
    expect(server.lists.blacklist).toHaveLength(6003);
    await waitFor(() => expect((box as HTMLTextAreaElement).value).toBe(''));
  });

  it('exports the list as a text file, one entry a line', async () => {
    const blobs: Blob[] = [];
    const create = vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      blobs.push(blob as Blob);
      return 'blob:export';
    });
    const revoke = vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    const clicks: HTMLAnchorElement[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push(this);
    });
    const { user } = await open();
    await user.click(screen.getByRole('button', { name: 'Export…' }));
    expect(clicks[0]!.download).toBe('blacklist.txt');
    expect(await blobs[0]!.text()).toBe('@spam.example\nbad@example.com\nworse@example.org\n');
    expect(screen.getByText('Entries exported: 3 (file “blacklist.txt”).')).toBeTruthy();
    for (const spy of [click, create, revoke]) spy.mockRestore();
  });
});

describe('100,000 entries', () => {
  const big = Array.from({ length: 100_000 }, (_, i) => `user${String(i).padStart(6, '0')}@example.com`);

  it('renders only a window of rows, scrolls, and filters without holding up typing', async () => {
    server.lists.blacklist = big;
    const { user, listbox } = await open();
    expect(screen.getByText('Entries: 100,000')).toBeTruthy();
    const rows = within(listbox).getAllByRole('option');
    expect(rows.length).toBeLessThan(60);
    expect(rows[0]!.getAttribute('aria-setsize')).toBe('100000');

    // Keyboard to the end: the active row exists and is the last entry.
    listbox.focus();
    await user.keyboard('{End}');
    const active = document.getElementById(listbox.getAttribute('aria-activedescendant')!)!;
    expect(active.textContent).toBe('user099999@example.com');
    expect(active.getAttribute('aria-posinset')).toBe('100000');

    // Scrolling shows rows further down.
    listbox.scrollTop = 28 * 50_000;
    fireEvent.scroll(listbox);
    await waitFor(() => expect(within(listbox).getAllByRole('option').map((o) => o.textContent)).toContain('user050000@example.com'));

    const filter = screen.getByRole('searchbox', { name: 'Filter' }) as HTMLInputElement;
    fireEvent.input(filter, { target: { value: 'user09999' } });
    // The field has the text at once; the list follows a moment later.
    expect(filter.value).toBe('user09999');
    expect(screen.getByText(/filtering/)).toBeTruthy();
    expect(await screen.findByText('Showing 10 of 100,000 entries')).toBeTruthy();
    expect(options(listbox)).toHaveLength(10);
  });
});
