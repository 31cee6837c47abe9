// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor, within } from '@testing-library/preact';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { executeFailureError } from '../../../src/background/errors.js';
import { commandInputError } from '../../../src/messages/errors.js';
import { ConsolePanel, parseArguments } from '../../../ui/options/ConsolePanel.js';
import { translate } from '../../background/fakes.js';
import { resetBackground, serverError, type FakeBackground } from '../fakes.js';

vi.mock('webextension-polyfill', async () => (await import('../fakes.js')).polyfillModule());
vi.mock('../../../src/messages/client.js', async () => (await import('../fakes.js')).clientModule());

let server: FakeBackground;
beforeEach(() => {
  server = resetBackground();
});
afterEach(cleanup);

function open() {
  const user = userEvent.setup();
  render(<ConsolePanel accountId="account1" modules={['blacklist', 'vacation']} />);
  return {
    user,
    module: screen.getByRole('combobox', { name: 'Module' }) as HTMLInputElement,
    args: screen.getByRole('textbox', { name: 'Arguments, one a line' }) as HTMLTextAreaElement,
    run: () => screen.getByRole('button', { name: 'Run' }),
    log: () => screen.getByRole('region', { name: 'Log' }),
  };
}

describe('the console', () => {
  it('runs a module with one argument a line and shows the lines and the code', async () => {
    server.console = (module, args) => ({ result: { ok: true, lines: [`${module}:${args.join('|')}`, '', 'two  spaces'] }, error: null });
    const c = open();
    expect(c.module.value).toBe('blacklist');
    await c.user.type(c.args, 'add{Enter}with space@example.com{Enter}');
    await c.user.click(c.run());
    expect(await within(screen.getByRole('status')).findByText('“blacklist” answered OK (lines: 3).')).toBeTruthy();
    expect(server.callsOf('console')[0]).toMatchObject({ module: 'blacklist', args: ['add', 'with space@example.com'] });
    const run = within(c.log()).getByRole('article', { name: 'blacklist add "with space@example.com"' });
    expect(within(run).getByText('OK')).toBeTruthy();
    const lines = within(run).getAllByRole('listitem').map((li) => li.textContent);
    expect(lines).toEqual(['blacklist:add|with space@example.com', '(empty line)', 'two  spaces']);
  });

  it('a failing module: its code, the server\'s text and what it means; lines that are not UTF-8 in hex', async () => {
    const failure = { ok: false as const, code: 'XEXEC-EXIT' as const, detail: 2, message: 'bad input', lines: [new Uint8Array([0xff, 0x41])] };
    server.console = () => ({ result: failure, error: executeFailureError(translate, failure, 'vacation') });
    const c = open();
    await c.user.clear(c.module);
    await c.user.type(c.module, 'vacation');
    await c.user.type(c.args, 'set{Enter}nope=1');
    await c.user.keyboard('{Control>}{Enter}{/Control}');
    const run = await within(c.log()).findByRole('article', { name: 'vacation set nope=1' });
    expect(within(run).getByText('XEXEC-EXIT 2')).toBeTruthy();
    expect(within(run).getByText('bad input')).toBeTruthy();
    expect(within(run).getByText('The server refused: bad input')).toBeTruthy();
    expect(within(run).getByRole('listitem').textContent).toBe('(not UTF-8, bytes: 2) ff41');
    expect(screen.getByRole('status').className).toContain('error');
    // A refusal would be refused again: no Retry, as in every panel.
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
  });

  it('a module the server had to stop may pass next time: Retry runs it again, as in every panel', async () => {
    const failure = { ok: false as const, code: 'XEXEC-TIMEOUT' as const, detail: 10, message: 'timed out', lines: [] };
    server.console = () => ({ result: failure, error: executeFailureError(translate, failure, 'vacation') });
    const c = open();
    await c.user.clear(c.module);
    await c.user.type(c.module, 'vacation');
    await c.user.click(c.run());
    await within(c.log()).findByRole('article', { name: 'vacation' });
    server.console = () => ({ result: { ok: true, lines: ['ok'] }, error: null });
    await c.user.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(server.callsOf('console')).toHaveLength(2));
    expect(await screen.findByText('“vacation” answered OK (lines: 1).')).toBeTruthy();
  });

  it('a name the protocol refuses: the message on the field, nothing in the log', async () => {
    server.failNext('console', commandInputError(translate, { kind: 'invalid-module-name', module: '../x', message: '' }));
    const c = open();
    await c.user.clear(c.module);
    await c.user.type(c.module, '../x');
    await c.user.click(c.run());
    expect((await screen.findAllByText('“../x” is not a module name.')).length).toBeGreaterThan(0);
    expect(c.module.getAttribute('aria-invalid')).toBe('true');
    expect(within(c.log()).getByText('Nothing run yet.')).toBeTruthy();
  });

  it('an empty name is refused before sending; busy runs are not sent twice; a lost connection offers Retry', async () => {
    const c = open();
    await c.user.clear(c.module);
    await c.user.click(c.run());
    expect(screen.getByText('Enter a module name.')).toBeTruthy();
    expect(server.callsOf('console')).toEqual([]);

    await c.user.type(c.module, '.modules');
    const held = server.holdNext('console');
    server.failNext('console', serverError('disconnected', 'gone', '.modules'));
    await c.user.click(c.run());
    await c.user.click(screen.getByRole('button', { name: 'Running…' }));
    held.release();
    expect(await screen.findByText('Thunderbird could not reach the server: gone')).toBeTruthy();
    expect(server.callsOf('console')).toHaveLength(1);
    await c.user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await within(c.log()).findByRole('article', { name: '.modules' })).toBeTruthy();
    await c.user.click(screen.getByRole('button', { name: 'Clear the log' }));
    expect(within(c.log()).getByText('Nothing run yet.')).toBeTruthy();
  });
});

describe('parseArguments', () => {
  it('one argument a line; the last line break ends the last argument; empty lines are empty arguments', () => {
    expect(parseArguments('')).toEqual([]);
    expect(parseArguments('a\n')).toEqual(['a']);
    expect(parseArguments('a\r\n\nb')).toEqual(['a', '', 'b']);
    expect(parseArguments('\n')).toEqual(['']);
  });
});
