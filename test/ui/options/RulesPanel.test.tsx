// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccountFilters } from '../../../experiments/xexec/filters-api.js';
import type { UserError } from '../../../src/messages/errors.js';
import type { BackgroundRequest, BackgroundResponse } from '../../../src/messages/messages.js';
import type { FolderChoice } from '../../../src/modules/folder-names.js';
import { ruleText, type Rule, type RulesState } from '../../../src/modules/rules.js';
import { RULE_ROW_EM } from '../../../ui/options/RuleList.js';
import { keepUnchanged, RulesPanel } from '../../../ui/options/RulesPanel.js';
import { background, FakeBackground, resetBackground, serverError } from '../fakes.js';

vi.mock('webextension-polyfill', async () => (await import('../fakes.js')).polyfillModule());
vi.mock('../../../src/messages/client.js', async () => (await import('../fakes.js')).clientModule());

const SERVER = 'imap://ann%40example.com@mail.example.com';

/** A fake rules module as §6.7 says it behaves, and the account's folders and filters. */
class RulesBackground extends FakeBackground {
  abilities: string[] = [];
  maxRules: number | null = 50;
  rules: Rule[] = [];
  nextId = 1;
  folders: FolderChoice[] = [
    { name: 'INBOX', path: '/INBOX', depth: 0, label: 'INBOX' },
    { name: 'Clients', path: '/Clients', depth: 0, label: 'Clients' },
    { name: 'Clients.Example', path: '/Clients/Example', depth: 1, label: 'Example' },
  ];
  filters: AccountFilters = { serverUri: SERVER, separator: '.', filters: [] };
  disabled: number[] = [];
  private rulesFailures: { type: string; error: UserError }[] = [];

  failRules(type: string, error: UserError): void {
    this.rulesFailures.push({ type, error });
  }

  state(added: number | null = null): BackgroundResponse {
    return { ok: true, value: { abilities: this.abilities, maxRules: this.maxRules, rules: this.rules, added } satisfies RulesState };
  }

  override async handle(request: BackgroundRequest): Promise<BackgroundResponse> {
    if (!request.type.startsWith('rules.') && !request.type.startsWith('folders.') && !request.type.startsWith('filters.')) return super.handle(request);
    this.calls.push(request);
    const failure = this.rulesFailures.findIndex((f) => f.type === request.type);
    if (failure >= 0) return { ok: false, error: this.rulesFailures.splice(failure, 1)[0]!.error };
    const r = request;
    const at = (id: number) => this.rules.findIndex((rule) => rule.id === id);
    switch (r.type) {
      case 'rules.list':
        return this.state();
      case 'rules.add': {
        // The background checks as the module does.
        if (!ruleText(r.rule, this.abilities).ok) throw new Error('a rule the module would refuse');
        const id = this.nextId++;
        this.rules = [...this.rules, { ...r.rule, name: r.rule.name.trim(), id }];
        return this.state(id);
      }
      case 'rules.replace':
        this.rules = this.rules.map((rule) => (rule.id === r.id ? { ...r.rule, id: r.id } : rule));
        return this.state();
      case 'rules.delete':
        this.rules = this.rules.filter((rule) => rule.id !== r.id);
        return this.state();
      case 'rules.enable':
      case 'rules.disable':
        this.rules = this.rules.map((rule) => (rule.id === r.id ? { ...rule, enabled: r.type === 'rules.enable' } : rule));
        return this.state();
      case 'rules.move': {
        const from = at(r.id);
        const to = r.to === 'up' ? from - 1 : r.to === 'down' ? from + 1 : r.to - 1;
        const list = [...this.rules];
        const [moved] = list.splice(from, 1);
        list.splice(to, 0, moved!);
        this.rules = list;
        return this.state();
      }
      case 'rules.check':
        return { ok: true, value: { compiled: true } };
      case 'folders.list':
        return { ok: true, value: { folders: this.folders } };
      case 'filters.list':
        return { ok: true, value: this.filters };
      case 'filters.disable':
        this.disabled.push(...r.indexes);
        return { ok: true, value: { disabled: r.indexes.length } };
      default:
        throw new Error(`unexpected ${r.type}`);
    }
  }
}

const rule = (id: number, name: string, more: Partial<Rule> = {}): Rule => ({
  id, name, enabled: true, match: 'all', stop: false,
  tests: [{ not: false, condition: { kind: 'domain', field: 'sender-domain', op: 'is', value: `${name.toLowerCase()}.example` } }],
  actions: { kind: 'deliver', move: 'Clients', copies: [], forwards: [], read: true, flag: false },
  ...more,
});

let server: RulesBackground;
beforeEach(() => {
  resetBackground();
  server = new RulesBackground();
  background.current = server;
});
afterEach(cleanup);

async function open() {
  const user = userEvent.setup();
  render(<RulesPanel accountId="account1" />);
  await screen.findByTestId('rules-state');
  return user;
}

const items = () => screen.queryAllByRole('listitem').filter((li) => li.hasAttribute('data-rule'));
const names = () => items().map((li) => li.querySelector('.rule-name')?.textContent);
/**
 * A drag event as Preact listens for it. Preact registers `onDragStart` as `dragstart` where
 * the element has an `ondragstart` property and as `DragStart` where not (happy-dom): both are
 * sent, and only the one registered runs.
 */
function drag(type: 'dragstart' | 'dragover' | 'drop', element: HTMLElement) {
  const preactCase = { dragstart: 'DragStart', dragover: 'DragOver', drop: 'Drop' }[type];
  for (const name of [type, preactCase]) fireEvent(element, new Event(name, { bubbles: true, cancelable: true }));
}

const status = () => screen.getAllByRole('status').map((s) => s.textContent).join(' ');

describe('the rules panel', () => {
  it('lists the rules in order, each with its summary and switch, and the limit', async () => {
    server.rules = [rule(1, 'Alpha'), rule(2, 'Beta', { enabled: false })];
    await open();
    expect(screen.getByTestId('rules-state').textContent).toBe('2 of at most 50 rules on the server.');
    expect(names()).toEqual(['Alpha', 'Beta']);
    expect(within(items()[0]!).getByText('Mail from anyone at @alpha.example: move to Clients, mark as read')).toBeTruthy();
    expect((screen.getByRole('switch', { name: 'Rule “Alpha” on' }) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByRole('switch', { name: 'Rule “Beta” on' }) as HTMLInputElement).checked).toBe(false);
  });

  it('makes a rule with the editor: condition, folder from the tree by its server name, mark read', async () => {
    const user = await open();
    expect(screen.getByTestId('rules-empty')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'New rule' }));
    await user.type(screen.getByLabelText('Name'), 'Example clients');
    const condition = screen.getByRole('group', { name: 'Condition 1' });
    // No body test: the server does not list the ability.
    expect(within(condition).queryByRole('option', { name: 'Text of the message' })).toBeNull();
    await user.selectOptions(within(condition).getByLabelText('What to test'), 'sender-domain');
    await user.selectOptions(within(condition).getByLabelText('Comparison'), 'is');
    await user.type(within(condition).getByLabelText('Text'), 'example.com');
    await user.click(screen.getByRole('checkbox', { name: 'Move to folder' }));
    const folder = screen.getByRole('combobox', { name: 'Folder to move to' });
    expect(within(folder).getAllByRole('option').map((o) => o.textContent)).toEqual(['Choose a folder…', 'INBOX', 'Clients', '\u00a0\u00a0Example']);
    await user.selectOptions(folder, 'Clients.Example');
    await user.click(screen.getByRole('checkbox', { name: 'Mark as read' }));
    await user.click(screen.getByRole('button', { name: 'Add rule' }));
    await screen.findByText('“Example clients” is added. It sorts new mail from now on.');
    expect(server.callsOf('rules.add')[0]!.rule).toEqual({
      name: 'Example clients', enabled: true, match: 'all', stop: false,
      tests: [{ not: false, condition: { kind: 'domain', field: 'sender-domain', op: 'is', value: 'example.com' } }],
      actions: { kind: 'deliver', move: 'Clients.Example', copies: [], forwards: [], read: true, flag: false },
    });
    expect(within(items()[0]!).getByText('Mail from anyone at @example.com: move to Clients.Example, mark as read')).toBeTruthy();
  });

  it('refuses an incomplete rule at its field before sending, and offers body where the server can', async () => {
    server.abilities = ['body'];
    const user = await open();
    await user.click(screen.getByRole('button', { name: 'New rule' }));
    await user.click(screen.getByRole('button', { name: 'Add rule' }));
    expect(screen.getByText('Give the rule a name.')).toBeTruthy();
    expect(screen.getByLabelText('Name').getAttribute('aria-invalid')).toBe('true');
    await user.type(screen.getByLabelText('Name'), 'x');
    await user.click(screen.getByRole('button', { name: 'Add rule' }));
    expect(screen.getByText('Fill in the text to look for.')).toBeTruthy();
    const condition = screen.getByRole('group', { name: 'Condition 1' });
    await user.selectOptions(within(condition).getByLabelText('What to test'), 'body');
    await user.type(within(condition).getByLabelText('Text'), 'invoice');
    await user.click(screen.getByRole('button', { name: 'Add rule' }));
    expect(screen.getByText('Choose at least one action.')).toBeTruthy();
    expect(server.callsOf('rules.add')).toHaveLength(0);
    await user.click(screen.getByRole('checkbox', { name: 'Flag (star)' }));
    await user.click(screen.getByRole('button', { name: 'Check on the server' }));
    await screen.findByText('The server accepts this rule. It is not saved yet.');
    expect(server.callsOf('rules.check')).toHaveLength(1);
  });

  it('edits, switches off, moves by keyboard and by drag and drop, and deletes', async () => {
    server.rules = [rule(1, 'Alpha'), rule(2, 'Beta'), rule(3, 'Gamma')];
    server.nextId = 4;
    const user = await open();
    await user.click(screen.getByRole('switch', { name: 'Rule “Beta” on' }));
    await screen.findByText('“Beta” is off.');
    expect(server.callsOf('rules.disable')[0]!.id).toBe(2);
    await user.click(screen.getByRole('button', { name: 'Move “Gamma” up' }));
    await screen.findByText('“Gamma” is now rule 2.');
    expect(names()).toEqual(['Alpha', 'Gamma', 'Beta']);
    // The first rule cannot go further up: nothing is sent.
    await user.click(screen.getByRole('button', { name: 'Move “Alpha” up' }));
    expect(server.callsOf('rules.move')).toHaveLength(1);
    drag('dragstart', items()[2]!);
    drag('dragover', items()[0]!);
    drag('drop', items()[0]!);
    await screen.findByText('“Beta” is now rule 1.');
    expect(server.callsOf('rules.move').at(-1)).toMatchObject({ id: 2, to: 1 });
    expect(names()).toEqual(['Beta', 'Alpha', 'Gamma']);

    await user.click(screen.getByRole('button', { name: 'Edit “Alpha”' }));
    const name = screen.getByLabelText('Name') as HTMLInputElement;
    expect(name.value).toBe('Alpha');
    await user.clear(name);
    await user.type(name, 'Alpha 2');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    await screen.findByText('“Alpha 2” is saved.');
    expect(server.callsOf('rules.replace')[0]).toMatchObject({ id: 1, rule: { name: 'Alpha 2', actions: { move: 'Clients', read: true } } });

    await user.click(screen.getByRole('button', { name: 'Delete “Alpha 2”' }));
    await screen.findByText('“Alpha 2” is deleted.');
    expect(names()).toEqual(['Beta', 'Gamma']);
    // Undo puts it back where it was, as a new rule (ids are never given twice).
    await user.click(screen.getByRole('button', { name: 'Undo' }));
    await screen.findByText('“Alpha 2” is back in its place.');
    expect(names()).toEqual(['Beta', 'Alpha 2', 'Gamma']);
    expect(server.callsOf('rules.move').at(-1)).toMatchObject({ id: 4, to: 2 });
  });

  it('500 rules: only a window of them is in the page, each with its place; scrolling, focus and a drop reach any rule', async () => {
    server.maxRules = 500;
    server.rules = Array.from({ length: 500 }, (_, i) => rule(i + 1, `Rule ${i + 1}`));
    await open();
    // happy-dom has no layout: rows are RULE_ROW_EM of its 16 px font, the box its fallback 640 px.
    const row = 16 * RULE_ROW_EM;
    expect(items().length).toBeGreaterThan(3);
    expect(items().length).toBeLessThan(20);
    expect(items().every((li) => li.getAttribute('aria-setsize') === '500')).toBe(true);
    expect(items()[0]!.getAttribute('aria-posinset')).toBe('1');
    const box = document.querySelector<HTMLElement>('.rule-scroll')!;
    box.scrollTop = 499 * row;
    fireEvent.scroll(box);
    await screen.findByRole('button', { name: 'Edit “Rule 500”' });
    expect(items().at(-1)!.getAttribute('aria-posinset')).toBe('500');
    expect(names()).not.toContain('Rule 1');
    // A drop on a rule far down the list moves the dragged one to that rule's place.
    drag('dragstart', items().at(-1)!);
    const target = items().find((li) => li.getAttribute('aria-posinset') === '497')!;
    drag('dragover', target);
    drag('drop', target);
    await screen.findByText('“Rule 500” is now rule 497.');
    expect(server.callsOf('rules.move').at(-1)).toMatchObject({ id: 500, to: 497 });
    // Back at the top, focus in a rule scrolls the list to it (Tab through the rules).
    box.scrollTop = 0;
    fireEvent.scroll(box);
    await screen.findByRole('button', { name: 'Edit “Rule 1”' });
    expect(box.scrollTop).toBe(0);
    act(() => screen.getByRole('button', { name: 'Edit “Rule 9”' }).focus());
    // Rule 9 ends at 9 rows; the 640 px box scrolls just enough to show it.
    expect(box.scrollTop).toBe(9 * row - 640);
    expect(server.callsOf('rules.disable')).toHaveLength(0);
  });

  it('a failed change keeps the editor and offers Retry when it may pass; a failed load has Retry', async () => {
    server.failRules('rules.list', serverError('timeout', 'no answer', 'rules'));
    const user = userEvent.setup();
    render(<RulesPanel accountId="account1" />);
    expect((await screen.findByRole('alert')).textContent).toContain('The server did not answer in time.');
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    await screen.findByTestId('rules-state');
    await user.click(screen.getByRole('button', { name: 'New rule' }));
    await user.type(screen.getByLabelText('Name'), 'x');
    await user.type(within(screen.getByRole('group', { name: 'Condition 1' })).getByLabelText('Text'), 'y');
    await user.click(screen.getByRole('checkbox', { name: 'Mark as read' }));
    server.failRules('rules.add', serverError('XEXEC-TIMEOUT', 'slow', 'rules'));
    await user.click(screen.getByRole('button', { name: 'Add rule' }));
    await screen.findByRole('button', { name: 'Retry' });
    expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe('x');
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    await screen.findByText('“x” is added. It sorts new mail from now on.');
    expect(status()).toContain('is added');
  });
});

describe('moving Thunderbird filters to the server', () => {
  const term = (attrib: string, op: string, value: string) => ({ attrib, op, value, header: '', booleanAnd: true, matchAll: false, grouped: false });
  beforeEach(() => {
    server.filters = {
      serverUri: SERVER, separator: '.',
      filters: [
        { index: 0, name: 'Clients', enabled: true, types: ['InboxRule'], terms: [term('Sender', 'Contains', '@example.com')], actions: [{ type: 'MoveToFolder', folderUri: `${SERVER}/Clients/Example`, value: '' }] },
        { index: 1, name: 'News read', enabled: true, types: ['InboxRule'], terms: [term('Subject', 'Contains', 'Newsletter')], actions: [{ type: 'MarkRead', folderUri: '', value: '' }] },
        { index: 2, name: 'Tag boss', enabled: true, types: ['InboxRule'], terms: [term('Sender', 'Is', 'boss@example.com')], actions: [{ type: 'AddTag', folderUri: '', value: '$label1' }] },
      ],
    };
  });

  it('lists which filters can become rules and why not, converts the chosen ones, and leaves the local ones on', async () => {
    const user = await open();
    const section = await screen.findByRole('region', { name: 'Move Thunderbird filters to the server' });
    const tag = (await within(section).findByText('Tag boss')).closest('li')!;
    expect(tag.textContent).toContain('It adds a tag; tags exist only in Thunderbird.');
    expect(within(tag).queryByRole('checkbox')).toBeNull();
    const boxes = within(section).getAllByRole('checkbox');
    // Clients, News read, and "turn off the local filters" (unticked).
    expect(boxes.map((b) => (b as HTMLInputElement).checked)).toEqual([true, true, false]);
    await user.click(boxes[1]!);
    await user.click(within(section).getByRole('button', { name: 'Make the chosen filters server rules' }));
    await screen.findByText('1 filters are now server rules. The local filters still run too.');
    expect(server.callsOf('rules.add').map((c) => c.rule.name)).toEqual(['Clients']);
    expect(server.rules[0]).toMatchObject({ actions: { move: 'Clients.Example' }, tests: [{ condition: { kind: 'field', field: 'from', op: 'contains', value: '@example.com' } }] });
    expect(server.callsOf('filters.disable')).toHaveLength(0);
    expect(names()).toEqual(['Clients']);
  });

  it('turns the converted local filters off only when ticked', async () => {
    const user = await open();
    const section = await screen.findByRole('region', { name: 'Move Thunderbird filters to the server' });
    await within(section).findByText('Tag boss');
    await user.click(within(section).getByRole('checkbox', { name: 'Turn off the converted filters in Thunderbird (they are not deleted)' }));
    await user.click(within(section).getByRole('button', { name: 'Make the chosen filters server rules' }));
    await screen.findByText('2 filters are now server rules; the local ones are turned off (not deleted).');
    expect(server.callsOf('filters.disable')[0]).toMatchObject({ indexes: [0, 1], names: ['Clients', 'News read'] });
  });
});

describe('keepUnchanged', () => {
  it('keeps the objects of rules the server did not change, so only changed ones render again', () => {
    const before = [rule(1, 'Alpha'), rule(2, 'Beta')];
    const after = keepUnchanged(before, { abilities: [], maxRules: null, added: null, rules: [{ ...before[1]! }, { ...before[0]!, enabled: false }, rule(3, 'Gamma')] });
    expect(after.rules[0]).toBe(before[1]);
    expect(after.rules[1]).not.toBe(before[0]);
    expect(after.rules[1]).toMatchObject({ id: 1, enabled: false });
    expect(after.rules.map((r) => r.id)).toEqual([2, 1, 3]);
  });
});
