// The administrator's policy (storage.managed): reading, checking, per-host merging, the
// discovery names, and what the router does with it.
import * as fs from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import type { BackgroundResponse, RequestType } from '../../src/messages/messages.js';
import { createPolicySource, effectivePolicy, parsePolicy, readManagedPolicy, standardNames } from '../../src/background/policy.js';
import { DEFAULT_POLICY, type EffectivePolicy } from '../../src/messages/policy.js';
import { STANDARD_MODULES } from '../../src/modules/standard.js';
import { createRouter } from '../../src/background/router.js';
import { fakeXexec, okLines, translate, type Script } from './fakes.js';

const ACCOUNT = 'account1';

const FULL = {
  modules: { changepassword: 'password', forwardmail: 'forward' },
  hiddenPanels: ['whitelist'],
  disableConsole: true,
  vacationDefault: { subject: 'Out of office', body: 'I am away until Monday.\nUrgent: helpdesk@example.com' },
  alerts: { targetDomains: ['sms.example.net'], lockConditions: true },
  spam: { level: 'standard', tlds: ['RU', '.cn'] },
  servers: {
    'imap.example.com': { modules: { changepassword: 'passwd' }, hiddenPanels: [], vacationDefault: { body: 'Away.' }, sending: 'on' },
    'old.example.com': { disableConsole: false },
  },
};

function managed(data: unknown) {
  return { get: vi.fn(async () => data as Record<string, unknown>) };
}

function value<T extends RequestType>(response: BackgroundResponse, _type: T) {
  if (!response.ok) throw new Error(`expected ok, got ${JSON.stringify(response.error)}`);
  return response.value as Extract<BackgroundResponse<T>, { ok: true }>['value'];
}

describe('no policy', () => {
  it('is the defaults, not an error: no managed area, "manifest not found", an empty object', async () => {
    expect(await readManagedPolicy(undefined)).toMatchObject({ present: false, problems: [] });
    const missing = { get: async () => { throw new Error('Managed storage manifest not found'); } };
    expect(await readManagedPolicy(missing)).toMatchObject({ present: false, problems: [] });
    expect(await readManagedPolicy(managed({}))).toMatchObject({ present: false, problems: [] });
    expect(effectivePolicy(await readManagedPolicy(missing), 'imap.example.com')).toEqual(DEFAULT_POLICY);
  });

  it('the defaults: every module by its own name, nothing hidden, console allowed, no vacation text', () => {
    expect(DEFAULT_POLICY).toEqual({
      managed: false,
      server: null,
      modules: { blacklist: 'blacklist', whitelist: 'whitelist', changepassword: 'changepassword', forwardmail: 'forwardmail', vacation: 'vacation', spam: 'spam', alerts: 'alerts', rules: 'rules' },
      renamedModules: [],
      hiddenPanels: [],
      consoleDisabled: false,
      vacationDefault: null,
      alerts: { targetDomains: [], lockConditions: false },
      spam: {},
      sending: null,
      problems: [],
    });
  });

  it('another failure to read is the defaults with a problem', async () => {
    const broken = { get: async () => { throw new Error('boom'); } };
    expect(await readManagedPolicy(broken)).toMatchObject({ present: false, problems: ['the managed settings could not be read: boom'] });
  });
});

describe('a complete policy', () => {
  const policy = parsePolicy(FULL);

  it('has no problems', () => {
    expect(policy.problems).toEqual([]);
    expect([...policy.servers.keys()]).toEqual(['imap.example.com', 'old.example.com']);
  });

  it('applies globally to an account on another host, and without an account', () => {
    const expected: EffectivePolicy = {
      managed: true,
      server: null,
      modules: { blacklist: 'blacklist', whitelist: 'whitelist', changepassword: 'password', forwardmail: 'forward', vacation: 'vacation', spam: 'spam', alerts: 'alerts', rules: 'rules' },
      renamedModules: ['changepassword', 'forwardmail'],
      hiddenPanels: ['whitelist'],
      consoleDisabled: true,
      vacationDefault: { subject: 'Out of office', body: 'I am away until Monday.\nUrgent: helpdesk@example.com' },
      alerts: { targetDomains: ['sms.example.net'], lockConditions: true },
      spam: { level: 'standard', tlds: ['cn', 'ru'] },
      sending: null,
      problems: [],
    };
    expect(effectivePolicy(policy, 'mail.other.example')).toEqual(expected);
    expect(effectivePolicy(policy, null)).toEqual(expected);
  });

  it('host names match case-insensitively, a trailing dot or not', () => {
    const hosts = parsePolicy({ servers: { 'IMAP.Example.COM.': { disableConsole: true } } });
    expect([...hosts.servers.keys()]).toEqual(['imap.example.com']);
    expect(effectivePolicy(hosts, 'Imap.example.com.')).toMatchObject({ server: 'imap.example.com', consoleDisabled: true });
    expect(parsePolicy({ servers: { 'a.example': {}, 'A.example.': {} } }).problems).toEqual([
      'servers["A.example."]: the host is listed twice; the second entry is ignored',
    ]);
  });

  it('a host entry wins: modules one by one, the other settings as a whole', () => {
    expect(effectivePolicy(policy, 'imap.EXAMPLE.com')).toEqual({
      managed: true,
      server: 'imap.example.com',
      modules: { blacklist: 'blacklist', whitelist: 'whitelist', changepassword: 'passwd', forwardmail: 'forward', vacation: 'vacation', spam: 'spam', alerts: 'alerts', rules: 'rules' },
      renamedModules: ['changepassword', 'forwardmail'],
      hiddenPanels: [],
      consoleDisabled: true,
      vacationDefault: { subject: null, body: 'Away.' },
      alerts: { targetDomains: ['sms.example.net'], lockConditions: true },
      spam: { level: 'standard', tlds: ['cn', 'ru'] },
      sending: 'on',
      problems: [],
    });
    expect(effectivePolicy(policy, 'old.example.com')).toMatchObject({ server: 'old.example.com', consoleDisabled: false, hiddenPanels: ['whitelist'] });
  });

  it('the example in docs/ADMIN.md is this one, and docs/managed-schema.json allows exactly these settings', () => {
    const admin = fs.readFileSync(new URL('../../docs/ADMIN.md', import.meta.url), 'utf8');
    const example = /<!-- managed-example -->\s*```json\n([\s\S]*?)```/.exec(admin);
    expect(example, 'docs/ADMIN.md has a ```json block after <!-- managed-example -->').not.toBeNull();
    const xexec = (JSON.parse(example![1]!) as { policies: { '3rdparty': { Extensions: Record<string, unknown> } } }).policies['3rdparty'].Extensions['xexec@xexec.invalid'];
    expect(parsePolicy(xexec).problems).toEqual([]);
    expect(parsePolicy(xexec)).toEqual(policy);

    const schema = JSON.parse(fs.readFileSync(new URL('../../docs/managed-schema.json', import.meta.url), 'utf8')) as {
      properties: Record<string, unknown> & { servers: { additionalProperties: { properties: Record<string, unknown> } } };
      definitions: { modules: { properties: Record<string, unknown> }; hiddenPanels: { items: { enum: string[] } } };
    };
    const settings = ['alerts', 'disableConsole', 'hiddenPanels', 'modules', 'sending', 'spam', 'vacationDefault'];
    expect(Object.keys(schema.properties).sort()).toEqual([...settings, 'servers'].sort());
    expect(Object.keys(schema.properties.servers.additionalProperties.properties).sort()).toEqual(settings);
    expect(Object.keys(schema.definitions.modules.properties)).toEqual([...STANDARD_MODULES]);
    expect(schema.definitions.hiddenPanels.items.enum).toEqual([...STANDARD_MODULES]);
  });
});

describe('wrong entries are left out and named, the rest applies', () => {
  it('names each problem', () => {
    const policy = parsePolicy({
      modules: { changepassword: 'pass word', password: 'x', vacation: 'away', blacklist: 7 },
      hiddenPanels: ['forwardmail', 'lists', 'forwardmail', 3],
      disableConsole: 'yes',
      vacationDefault: { subject: 'a\u0001b' },
      colour: 'blue',
      servers: { 'a.example': 'nope', ' ': {}, 'b.example': { servers: {}, modules: [] } },
    });
    expect(policy.problems).toEqual([
      '"colour" is not a setting of the add-on; ignored',
      'modules.changepassword: string "pass word" is not a module name (PROTOCOL.md §2); ignored',
      'modules: "password" is not a standard module (blacklist, whitelist, changepassword, forwardmail, vacation, spam, alerts, rules); ignored',
      'modules.blacklist: number 7 is not a module name (PROTOCOL.md §2); ignored',
      'hiddenPanels: string "lists" is not a panel (blacklist, whitelist, changepassword, forwardmail, vacation, spam, alerts, rules); ignored',
      'hiddenPanels: number 3 is not a panel (blacklist, whitelist, changepassword, forwardmail, vacation, spam, alerts, rules); ignored',
      'disableConsole: expected true or false, got string "yes"; ignored',
      expect.stringMatching(/^vacationDefault: .*control characters.*; ignored$/),
      'servers["a.example"]: expected an object, got string "nope"; ignored',
      'servers: an empty host name; ignored',
      'servers["b.example"]."servers" is not a setting of the add-on; ignored',
      'servers["b.example"].modules: expected an object like {"changepassword": "password"}, got a list; ignored',
    ]);
    expect(effectivePolicy(policy, 'b.example')).toMatchObject({
      managed: true,
      modules: { changepassword: 'changepassword', vacation: 'away', blacklist: 'blacklist' },
      hiddenPanels: ['forwardmail'],
      consoleDisabled: false,
      vacationDefault: null,
    });
  });

  it('alerts: domains checked and lower-cased, a wrong part left out, the rest applies', () => {
    const policy = parsePolicy({ alerts: { targetDomains: ['SMS.Example.net', 'sms.example.net', '@x.example', 'nodot', 5], lockConditions: 'yes', colour: 1 } });
    expect(policy.problems).toEqual([
      'alerts: unknown key "colour" ignored',
      'alerts.targetDomains: string "@x.example" is not a domain; ignored',
      'alerts.targetDomains: string "nodot" is not a domain; ignored',
      'alerts.targetDomains: number 5 is not a domain; ignored',
      'alerts.lockConditions: expected true or false, got string "yes"; ignored',
    ]);
    expect(effectivePolicy(policy, null).alerts).toEqual({ targetDomains: ['sms.example.net'], lockConditions: false });
    expect(parsePolicy({ alerts: ['x'] }).problems).toEqual([
      'alerts: expected an object like {"targetDomains": ["sms.example.com"], "lockConditions": true}, got a list; ignored',
    ]);
    expect(parsePolicy({ alerts: { targetDomains: 'sms.example.net' } }).problems).toEqual([
      'alerts.targetDomains: expected a list like ["sms.example.com"], got string "sms.example.net"; ignored',
    ]);
  });

  it('a vacation text the server would refuse is no default', () => {
    expect(parsePolicy({ vacationDefault: { body: 'x'.repeat(20_000) } }).problems).toEqual([
      expect.stringMatching(/^vacationDefault: .*; ignored$/),
    ]);
    expect(parsePolicy({ vacationDefault: {} }).problems).toEqual(['vacationDefault: neither subject nor body; ignored']);
    expect(parsePolicy({ vacationDefault: { subject: 'Away', body: 5 } }).problems).toEqual([
      'vacationDefault.body: expected text, got number 5; vacationDefault ignored',
    ]);
  });

  it('managed settings that are not an object', () => {
    expect(parsePolicy([1]).problems).toEqual(['the managed settings are a list, not an object; ignored']);
    expect(parsePolicy([1]).present).toBe(false);
  });
});

describe('discovery in the standard names', () => {
  const renamed = effectivePolicy(parsePolicy({ modules: { changepassword: 'password' } }), null);

  it('a renamed module is present under its standard name, in the server\'s order', () => {
    expect(standardNames(renamed, ['blacklist', 'Password', 'echoargs'])).toEqual(['blacklist', 'changepassword', 'echoargs']);
  });

  it('the server\'s own module of a renamed name is not the one the add-on would use', () => {
    expect(standardNames(renamed, ['changepassword', 'vacation'])).toEqual(['vacation']);
    expect(standardNames(renamed, ['changepassword', 'password'])).toEqual(['changepassword']);
  });

  it('without a policy the list is the server\'s, standard names in their standard spelling', () => {
    expect(standardNames(DEFAULT_POLICY, ['Blacklist', 'vacation', 'Other'])).toEqual(['blacklist', 'vacation', 'Other']);
  });

  it('two standard modules may share one server module', () => {
    const shared = effectivePolicy(parsePolicy({ modules: { blacklist: 'lists', whitelist: 'lists' } }), null);
    expect(standardNames(shared, ['lists'])).toEqual(['blacklist', 'whitelist']);
  });
});

describe('createPolicySource', () => {
  it('reads storage.managed once, and looks the host up only when a servers entry could apply', async () => {
    const area = managed({ modules: { vacation: 'away' } });
    const hostOf = vi.fn(async () => 'imap.example.com');
    const source = createPolicySource(area, hostOf);
    expect((await source(ACCOUNT)).modules.vacation).toBe('away');
    expect((await source(null)).modules.vacation).toBe('away');
    expect(area.get).toHaveBeenCalledTimes(1);
    expect(hostOf).not.toHaveBeenCalled();
  });

  it('per host', async () => {
    const hostOf = vi.fn(async (id: string) => (id === ACCOUNT ? 'imap.example.com' : 'other.example'));
    const source = createPolicySource(managed(FULL), hostOf);
    expect((await source(ACCOUNT)).modules.changepassword).toBe('passwd');
    expect((await source('account2')).modules.changepassword).toBe('password');
    expect((await source(null)).server).toBeNull();
    expect(hostOf.mock.calls).toEqual([[ACCOUNT], ['account2']]);
  });

  it('reports problems once through warn', async () => {
    const warn = vi.fn();
    const source = createPolicySource(managed({ disableConsole: 1 }), async () => 'h', warn);
    await source(null);
    await source(null);
    expect(warn.mock.calls).toEqual([['XEXEC policy: disableConsole: expected true or false, got number 1; ignored']]);
  });
});

describe('the router under a policy', () => {
  function setup(data: unknown, script: Script = () => okLines()) {
    const xexec = fakeXexec(script);
    const policy = createPolicySource(managed(data), async () => 'imap.example.com');
    return { xexec, router: createRouter({ xexec: xexec.typed, translate, policy }) };
  }

  it('sends the renamed module, and discovery reports it under the standard name', async () => {
    const { router, xexec } = setup({ modules: { changepassword: 'password' } }, (module) =>
      module === '.modules' ? okLines('blacklist', 'password') : okLines('Password changed'));
    expect(value(await router.handle({ type: 'discover', accountId: ACCOUNT }), 'discover')).toEqual({ modules: ['blacklist', 'changepassword'] });
    const r = await router.handle({ type: 'password.change', accountId: ACCOUNT, newPassword: 'n3w-Secret' });
    expect(r.ok).toBe(true);
    expect(xexec.execute).toHaveBeenLastCalledWith(ACCOUNT, 'password', ['n3w-Secret']);
  });

  it('every standard request uses the policy\'s name', async () => {
    const { router, xexec } = setup({
      modules: { blacklist: 'bl', whitelist: 'wl', forwardmail: 'fw', vacation: 'away' },
    }, (module, args) => {
      if (module === 'fw') return okLines('status off', 'address ', 'keep yes');
      if (module === 'away') return okLines('status off', 'subject ', 'days 7', 'start ', 'end ', 'body ');
      return args[0] === 'list' ? okLines() : okLines('added a@example.com');
    });
    const requests = [
      { type: 'list.show', accountId: ACCOUNT, list: 'blacklist' },
      { type: 'list.add', accountId: ACCOUNT, list: 'whitelist', entries: ['a@example.com'] },
      { type: 'forward.show', accountId: ACCOUNT },
      { type: 'vacation.show', accountId: ACCOUNT },
    ];
    for (const request of requests) await router.handle(request);
    expect(xexec.execute.mock.calls.map((c) => c[1])).toEqual(['bl', 'wl', 'fw', 'away']);
  });

  it('a hidden panel\'s requests and a locked console are refused before anything is sent', async () => {
    const { router, xexec } = setup({ hiddenPanels: ['forwardmail', 'changepassword'], disableConsole: true });
    const refused = {
      ok: false,
      error: { kind: 'input', code: null, message: 'Your administrator has turned this off.', serverMessage: null, field: null },
    };
    expect(await router.handle({ type: 'forward.set', accountId: ACCOUNT, address: 'a@example.com', keepCopy: true })).toEqual(refused);
    expect(await router.handle({ type: 'password.change', accountId: ACCOUNT, newPassword: 'n3w-Secret' })).toEqual(refused);
    expect(await router.handle({ type: 'console', accountId: ACCOUNT, module: 'echoargs', args: [] })).toEqual(refused);
    expect(xexec.execute).not.toHaveBeenCalled();
    await router.handle({ type: 'list.show', accountId: ACCOUNT, list: 'blacklist' });
    expect(xexec.execute).toHaveBeenCalledTimes(1);
  });

  it('alerts: locked conditions and the administrator\'s target domains are refused before anything is sent', async () => {
    const { router, xexec } = setup({ alerts: { targetDomains: ['sms.example.net'], lockConditions: true } }, () =>
      okLines('status on', 'target a@sms.example.net', 'confirmed no', 'urgent yes', 'contacts no', 'max-per-hour 10'));
    expect(await router.handle({ type: 'alerts.set', accountId: ACCOUNT, update: { target: 'a@sms.example.net', urgent: false } })).toMatchObject({
      ok: false, error: { kind: 'input', message: 'Your administrator has set these conditions.', field: 'conditions' },
    });
    expect(await router.handle({ type: 'alerts.set', accountId: ACCOUNT, update: { target: 'a@elsewhere.example' } })).toMatchObject({
      ok: false, error: { kind: 'input', message: 'Alerts can only go to addresses at sms.example.net.', field: 'target' },
    });
    expect(xexec.execute).not.toHaveBeenCalled();
    expect(await router.handle({ type: 'alerts.set', accountId: ACCOUNT, update: { target: 'A@SMS.example.net' } })).toMatchObject({ ok: true, value: { target: 'a@sms.example.net', confirmed: false } });
    expect(xexec.execute).toHaveBeenLastCalledWith(ACCOUNT, 'alerts', ['set', 'target=a@sms.example.net']);
  });

  it('policy.get: the effective policy of an account, or the global one', async () => {
    const { router } = setup(FULL);
    expect(value(await router.handle({ type: 'policy.get', accountId: ACCOUNT }), 'policy.get')).toMatchObject({
      server: 'imap.example.com', modules: { changepassword: 'passwd' }, consoleDisabled: true,
    });
    expect(value(await router.handle({ type: 'policy.get' }), 'policy.get')).toMatchObject({
      server: null, modules: { changepassword: 'password' }, hiddenPanels: ['whitelist'],
    });
    expect(await router.handle({ type: 'policy.get', accountId: '' })).toMatchObject({ ok: false, error: { kind: 'internal' } });
  });

  it('without a policy source: the defaults', async () => {
    const router = createRouter({ xexec: fakeXexec(() => okLines()).typed, translate });
    expect(value(await router.handle({ type: 'policy.get' }), 'policy.get')).toEqual(DEFAULT_POLICY);
  });
});
