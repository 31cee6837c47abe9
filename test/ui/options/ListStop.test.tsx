// @vitest-environment happy-dom
// Long list changes can be stopped between batches, and after every change (add, remove, a
// stop) the list on the page is exactly the one the (fake) server holds.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ListPanel } from '../../../ui/options/ListPanel.js';
import { resetBackground, serverError, type FakeBackground } from '../fakes.js';

vi.mock('webextension-polyfill', async () => (await import('../fakes.js')).polyfillModule());
vi.mock('../../../src/messages/client.js', async () => (await import('../fakes.js')).clientModule());

let server: FakeBackground;
const blobs: Blob[] = [];

beforeEach(() => {
  server = resetBackground();
  server.lists.blacklist = ['@spam.example', 'bad@example.com', 'worse@example.org'];
  blobs.length = 0;
  vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
    blobs.push(blob as Blob);
    return 'blob:export';
  });
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const many = (n: number) => Array.from({ length: n }, (_, i) => `someone.with.a.long.name.${String(i).padStart(5, '0')}@example.com`);

async function open() {
  const user = userEvent.setup();
  render(<ListPanel accountId="account1" list="blacklist" />);
  await screen.findByRole('listbox', { name: 'Blocked senders' });
  return user;
}

/** The whole list as the page holds it (its export: the listbox shows only a window of rows). */
async function pageList(user: ReturnType<typeof userEvent.setup>): Promise<string[]> {
  await user.click(screen.getByRole('button', { name: 'Export…' }));
  const text = await blobs[blobs.length - 1]!.text();
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}

async function expectSameAsServer(user: ReturnType<typeof userEvent.setup>) {
  expect(await pageList(user)).toEqual(server.lists.blacklist);
}

describe('the list on the page is the server\'s', () => {
  it('after an add and a remove', async () => {
    const user = await open();
    await user.type(screen.getByRole('textbox', { name: 'Add an address or domain' }), 'New@Example.net{Enter}');
    expect(await screen.findByText('Added “new@example.net”.')).toBeTruthy();
    await expectSameAsServer(user);
    expect(server.lists.blacklist).toContain('new@example.net');
    await user.click(screen.getByRole('option', { name: 'bad@example.com' }));
    await user.click(screen.getByRole('button', { name: /^Remove selected/ }));
    expect(await screen.findByText('Removed “bad@example.com”.')).toBeTruthy();
    await expectSameAsServer(user);
    expect(server.lists.blacklist).not.toContain('bad@example.com');
  });
});

describe('stopping a long change between batches', () => {
  it('an import: the batch in flight finishes, no more are sent, the panel says how much was added and keeps the rest in the box', async () => {
    const user = await open();
    await user.click(screen.getByText('Import from text or a file…'));
    const box = screen.getByRole('textbox', { name: 'Entries to import' }) as HTMLTextAreaElement;
    const entries = many(6000);
    fireEvent.input(box, { target: { value: entries.join('\n') } });
    await screen.findByText(/^New: 6,000/);
    const first = server.holdNext('list.add');
    await user.click(screen.getByRole('button', { name: 'Import new entries (6,000)' }));
    await screen.findByRole('progressbar', { name: 'Importing entries' });
    await user.click(screen.getByRole('button', { name: 'Stop' }));
    expect(screen.getByRole('button', { name: 'Stopping after this batch…' })).toBeTruthy();
    first.release();
    const sent = await waitFor(() => {
      const calls = server.callsOf('list.add');
      expect(screen.queryByRole('progressbar')).toBeNull();
      return calls;
    });
    expect(sent).toHaveLength(1);
    const added = sent[0]!.entries.length;
    expect(added).toBeLessThan(6000);
    const rest = 6000 - added;
    expect(screen.getByText(`Import stopped: ${added.toLocaleString('en-US')} entries added; ${rest.toLocaleString('en-US')} not sent, left in the import box`)).toBeTruthy();
    await waitFor(() => expect(box.value.trim().split('\n')).toEqual(entries.slice(added)));
    expect(server.lists.blacklist).toHaveLength(3 + added);
    await expectSameAsServer(user);
  });

  it('a removal: what was removed stays removed, the rest stays in the list and selected, to remove later', async () => {
    server.lists.blacklist = many(6000);
    const user = await open();
    await user.click(screen.getByRole('checkbox', { name: 'Select all shown' }));
    const first = server.holdNext('list.del');
    await user.click(screen.getByRole('button', { name: 'Remove selected (6,000)' }));
    await screen.findByRole('progressbar', { name: 'Removing entries' });
    await user.click(screen.getByRole('button', { name: 'Stop' }));
    first.release();
    const stopped = await screen.findByText(/^Removing stopped:/);
    const calls = server.callsOf('list.del');
    expect(calls).toHaveLength(1);
    const removed = calls[0]!.entries.length;
    expect(stopped.textContent).toBe(`Removing stopped: ${removed.toLocaleString('en-US')} entries removed; ${(6000 - removed).toLocaleString('en-US')} not sent, still in the list and selected`);
    expect(server.lists.blacklist).toHaveLength(6000 - removed);
    expect(screen.getByRole('button', { name: `Remove selected (${(6000 - removed).toLocaleString('en-US')})` })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Undo' })).toBeTruthy();
    await expectSameAsServer(user);
    await user.click(screen.getByRole('button', { name: `Remove selected (${(6000 - removed).toLocaleString('en-US')})` }));
    expect(await screen.findByText(`Entries removed: ${(6000 - removed).toLocaleString('en-US')}.`)).toBeTruthy();
    expect(server.lists.blacklist).toEqual([]);
    // Nothing left to export: the page says the list is empty.
    expect(screen.getByText('The block list is empty.')).toBeTruthy();
  });

  it('a change of one batch has nothing to stop: no Stop button', async () => {
    const user = await open();
    const held = server.holdNext('list.add');
    await user.type(screen.getByRole('textbox', { name: 'Add an address or domain' }), 'one@example.net{Enter}');
    expect(screen.queryByRole('button', { name: 'Stop' })).toBeNull();
    held.release();
    expect(await screen.findByText('Added “one@example.net”.')).toBeTruthy();
  });
});

describe('a failed change whose outcome is unknown: the list is read again from the server', () => {
  const timeout = () => serverError('timeout', 'no answer within 20 s');

  it('a batch that timed out after the server took it: the page shows what the server holds', async () => {
    const user = await open();
    await user.click(screen.getByText('Import from text or a file…'));
    const box = screen.getByRole('textbox', { name: 'Entries to import' }) as HTMLTextAreaElement;
    fireEvent.input(box, { target: { value: many(6000).join('\n') } });
    await screen.findByText(/^New: 6,000/);
    // The first batch runs on the server, but its answer is lost.
    const shows = server.callsOf('list.show').length;
    server.failNext('list.add', timeout(), 1, { applied: true });
    await user.click(screen.getByRole('button', { name: 'Import new entries (6,000)' }));
    await screen.findByText(/^Import stopped:/);
    expect(server.callsOf('list.show').length).toBe(shows + 1);
    expect(server.callsOf('list.add')).toHaveLength(1);
    expect(server.lists.blacklist.length).toBeGreaterThan(3);
    await expectSameAsServer(user);
    expect(screen.queryByText(/could not be read again/)).toBeNull();
  });

  it('a removal that failed after the server took it, and a single add', async () => {
    server.lists.blacklist = many(6000);
    const user = await open();
    await user.click(screen.getByRole('checkbox', { name: 'Select all shown' }));
    server.failNext('list.del', timeout(), 1, { applied: true });
    await user.click(screen.getByRole('button', { name: 'Remove selected (6,000)' }));
    await screen.findByText(/^Removing stopped:/);
    expect(server.lists.blacklist.length).toBeLessThan(6000);
    await expectSameAsServer(user);

    server.failNext('list.add', timeout(), 1, { applied: true });
    await user.type(screen.getByRole('textbox', { name: 'Add an address or domain' }), 'late@example.net{Enter}');
    await screen.findByRole('button', { name: 'Retry' });
    expect(server.lists.blacklist).toContain('late@example.net');
    await expectSameAsServer(user);
  });

  it('when the list cannot be read again either, the panel says its list may be stale', async () => {
    const user = await open();
    server.failNext('list.add', timeout(), 1, { applied: true });
    server.failNext('list.show', serverError('disconnected', 'connection lost'));
    await user.type(screen.getByRole('textbox', { name: 'Add an address or domain' }), 'late@example.net{Enter}');
    expect(await screen.findByText(/could not be read again from the server/)).toBeTruthy();
    // The panel keeps its list (no loading screen, no error page).
    expect(screen.getByRole('listbox', { name: 'Blocked senders' })).toBeTruthy();
  });
});
