// The background's rules requests (PROTOCOL.md §6.7): what each sends, what comes back, and
// what is refused before anything is sent.
import { describe, expect, it } from 'vitest';
import { createRouter } from '../../src/background/router.js';
import type { RuleDraft } from '../../src/modules/rules.js';
import { failed, fakeXexec, okLines, translate } from './fakes.js';

const ACCOUNT = 'account1';
const LIST = ['ability body', 'limit rules 50', 'rule 4', 'name Clients', 'enabled yes', 'match all', 'if sender-domain is example.com', 'do move Clients', 'do read', 'stop no'];
const RULE: RuleDraft = {
  name: 'Clients', enabled: true, match: 'all', stop: false,
  tests: [{ not: false, condition: { kind: 'domain', field: 'sender-domain', op: 'is', value: 'example.com' } }],
  actions: { kind: 'deliver', move: 'Clients', copies: [], forwards: [], read: true, flag: false },
};
const TEXT = 'name Clients\nenabled yes\nmatch all\nif sender-domain is example.com\ndo move Clients\ndo read\nstop no';

function setup(lines: string[] = LIST) {
  const xexec = fakeXexec((_module, args) => okLines(...(args[0] === 'check' ? ['ok'] : args[0] === 'add' ? ['added 4', ...lines] : lines)));
  return { xexec, router: createRouter({ xexec: xexec.typed, translate }) };
}

describe('rules requests', () => {
  it('list, and every change by id, answer the whole list', async () => {
    const { router, xexec } = setup();
    const requests = [
      { type: 'rules.list', accountId: ACCOUNT },
      { type: 'rules.delete', accountId: ACCOUNT, id: 4 },
      { type: 'rules.enable', accountId: ACCOUNT, id: 4 },
      { type: 'rules.disable', accountId: ACCOUNT, id: 4 },
      { type: 'rules.move', accountId: ACCOUNT, id: 4, to: 'down' },
      { type: 'rules.move', accountId: ACCOUNT, id: 4, to: 2 },
    ] as const;
    for (const request of requests) {
      expect(await router.handle(request)).toMatchObject({ ok: true, value: { abilities: ['body'], maxRules: 50, rules: [{ id: 4, name: 'Clients' }] } });
    }
    expect(xexec.execute.mock.calls.map((c) => c[2])).toEqual([['list'], ['delete', '4'], ['enable', '4'], ['disable', '4'], ['move', '4', 'down'], ['move', '4', '2']]);
  });

  it('add, replace and check send the rule as one argument', async () => {
    const { router, xexec } = setup();
    expect(await router.handle({ type: 'rules.add', accountId: ACCOUNT, rule: RULE })).toMatchObject({ ok: true, value: { added: 4 } });
    expect((await router.handle({ type: 'rules.replace', accountId: ACCOUNT, id: 4, rule: RULE })).ok).toBe(true);
    expect(await router.handle({ type: 'rules.check', accountId: ACCOUNT, rule: RULE })).toEqual({ ok: true, value: { compiled: true } });
    expect(xexec.execute.mock.calls.map((c) => c[2])).toEqual([['add', TEXT], ['replace', '4', TEXT], ['check', TEXT]]);
  });

  it('a bad rule or id is refused before anything is sent, naming the field', async () => {
    const { router, xexec } = setup();
    expect(await router.handle({ type: 'rules.add', accountId: ACCOUNT, rule: { ...RULE, name: '' } })).toMatchObject({ ok: false, error: { kind: 'input', field: 'name' } });
    expect(await router.handle({ type: 'rules.add', accountId: ACCOUNT, rule: { ...RULE, actions: { ...RULE.actions, forwards: ['nobody'] } as RuleDraft['actions'] } }))
      .toMatchObject({ ok: false, error: { kind: 'input', field: 'actions.forwards.0' } });
    expect(await router.handle({ type: 'rules.delete', accountId: ACCOUNT, id: -1 })).toMatchObject({ ok: false, error: { kind: 'input', field: 'id' } });
    expect(xexec.execute).not.toHaveBeenCalled();
  });

  it('a malformed request is refused as one', async () => {
    const { router } = setup();
    for (const bad of [
      { type: 'rules.add', accountId: ACCOUNT, rule: { ...RULE, actions: { kind: 'explode' } } },
      { type: 'rules.add', accountId: ACCOUNT, rule: { ...RULE, tests: [{ not: false, condition: { kind: 'field', field: 'bcc', op: 'is', value: 'x' } }] } },
      { type: 'rules.move', accountId: ACCOUNT, id: 4, to: 'sideways' },
      { type: 'rules.enable', accountId: ACCOUNT, id: '4' },
    ]) {
      expect(await router.handle(bad)).toMatchObject({ ok: false, error: { kind: 'internal' } });
    }
  });

  it('the module\'s refusal is the server\'s words; a list that is not one is a reply error', async () => {
    const refused = fakeXexec(() => failed('XEXEC-EXIT', 'more than 50 rules', 1));
    expect(await createRouter({ xexec: refused.typed, translate }).handle({ type: 'rules.add', accountId: ACCOUNT, rule: RULE }))
      .toMatchObject({ ok: false, error: { kind: 'server', serverMessage: 'more than 50 rules' } });
    const { router } = setup(['rule 1', 'name x']);
    expect(await router.handle({ type: 'rules.list', accountId: ACCOUNT })).toMatchObject({ ok: false, error: { kind: 'reply' } });
  });

  it('a hidden Rules panel is refused before sending', async () => {
    const xexec = fakeXexec(() => okLines());
    const { DEFAULT_POLICY } = await import('../../src/messages/policy.js');
    const router = createRouter({ xexec: xexec.typed, translate, policy: async () => ({ ...DEFAULT_POLICY, hiddenPanels: ['rules'] }) });
    expect(await router.handle({ type: 'rules.list', accountId: ACCOUNT })).toMatchObject({ ok: false, error: { kind: 'input' } });
    expect(xexec.execute).not.toHaveBeenCalled();
  });
});

describe('folders and Thunderbird filters', () => {
  const filtersApi = (separator: string) => ({
    list: async () => ({ serverUri: 'imap://u@h', separator, filters: [] }),
    separator: async () => separator,
    disable: async (_accountId: string, indexes: readonly number[], names: readonly string[]) => {
      if (names[0] !== 'Clients') throw new Error(`the filter at ${indexes[0]} is not "${names[0]}" any more`);
    },
  });

  it('folders.list names each folder as the server does, with its separator', async () => {
    const router = createRouter({ xexec: fakeXexec(() => okLines()).typed, translate, filters: filtersApi('.'), folderPaths: async () => ['/', '/INBOX', '/Clients', '/Clients/Example'] });
    expect(await router.handle({ type: 'folders.list', accountId: ACCOUNT })).toEqual({
      ok: true, value: { folders: [
        { name: 'INBOX', path: '/INBOX', depth: 0, label: 'INBOX' },
        { name: 'Clients', path: '/Clients', depth: 0, label: 'Clients' },
        { name: 'Clients.Example', path: '/Clients/Example', depth: 1, label: 'Example' },
      ] },
    });
    const unknown = createRouter({ xexec: fakeXexec(() => okLines()).typed, translate, filters: filtersApi(''), folderPaths: async () => ['/A'] });
    expect(await unknown.handle({ type: 'folders.list', accountId: ACCOUNT })).toMatchObject({ ok: false, error: { kind: 'internal' } });
  });

  it('filters.list passes the experiment\'s plain data; disable says how many, or why not', async () => {
    const router = createRouter({ xexec: fakeXexec(() => okLines()).typed, translate, filters: filtersApi('/') });
    expect(await router.handle({ type: 'filters.list', accountId: ACCOUNT })).toEqual({ ok: true, value: { serverUri: 'imap://u@h', separator: '/', filters: [] } });
    expect(await router.handle({ type: 'filters.disable', accountId: ACCOUNT, indexes: [0], names: ['Clients'] })).toEqual({ ok: true, value: { disabled: 1 } });
    expect(await router.handle({ type: 'filters.disable', accountId: ACCOUNT, indexes: [0], names: ['Other'] })).toMatchObject({ ok: false, error: { kind: 'internal' } });
    expect(await router.handle({ type: 'filters.disable', accountId: ACCOUNT, indexes: [0, 1], names: ['Clients'] })).toMatchObject({ ok: false });
  });
});
