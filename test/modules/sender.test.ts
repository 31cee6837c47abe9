// The pure part of block/allow from the message: who the sender is (from Thunderbird's parse of
// the From header), the distinct entries of a selection, the menu's state, and what Undo takes back.
import { describe, expect, it } from 'vitest';
import {
  actionEntries,
  actionOfCommand,
  commandOf,
  actionOfMenuId,
  firstAddress,
  menuId,
  menuState,
  outcomeOf,
  readJunkOptIn,
  senderEntries,
  SENDER_ACTIONS,
  undoIsEmpty,
  undoPlan,
  type ParsedMailbox,
} from '../../src/modules/sender.js';

const everything = { offered: () => true, hidden: () => false };

describe('the sender of a message', () => {
  it('a display name (decoded from encoded words by Thunderbird or not) does not matter: the address does', () => {
    expect(senderEntries([{ name: 'Spám Sender', email: 'Pest@Spam.Example' }])).toEqual({
      address: { ok: true, value: 'pest@spam.example' },
      domain: { ok: true, value: '@spam.example' },
    });
    expect(senderEntries([{ name: '=?UTF-8?B?U3DDoW0=?=', email: 'pest@spam.example' }]).address).toEqual({ ok: true, value: 'pest@spam.example' });
  });

  it('a quoted local part cannot be a list entry, its domain can', () => {
    const sender = senderEntries([{ email: '"a b"@example.com' }]);
    expect(sender.address).toEqual({ ok: false, error: 'local-part' });
    expect(sender.domain).toEqual({ ok: true, value: '@example.com' });
  });

  it('a group gives its first member; an empty group gives no sender', () => {
    const group: ParsedMailbox[] = [{ name: 'Friends', group: [{ email: 'g1@group.example' }, { email: 'g2@group.example' }] }];
    expect(firstAddress(group)).toBe('g1@group.example');
    expect(senderEntries([{ name: 'undisclosed-recipients', group: [] }])).toEqual({
      address: { ok: false, error: 'no-sender' },
      domain: { ok: false, error: 'no-sender' },
    });
  });

  it('of two From addresses, the first is used', () => {
    expect(senderEntries([{ email: 'first@two.example' }, { email: 'second@two.example' }]).address).toEqual({ ok: true, value: 'first@two.example' });
  });

  it('no From at all, or a name without an address, is no sender', () => {
    expect(senderEntries([]).address).toEqual({ ok: false, error: 'no-sender' });
    expect(senderEntries([{ name: 'Someone' }]).address).toEqual({ ok: false, error: 'no-sender' });
    expect(senderEntries([{ email: 'nobody' }]).domain).toEqual({ ok: false, error: 'missing-at' });
  });
});

describe('the entries of several selected messages', () => {
  const senders = [
    senderEntries([{ email: 'pest@spam.example' }]),
    senderEntries([{ email: 'PEST@spam.example' }]),
    senderEntries([{ email: 'other@spam.example' }]),
    senderEntries([{ email: '"a b"@example.com' }]),
    senderEntries([]),
  ];

  it('each distinct sender once, in order; unusable ones are left out', () => {
    expect(actionEntries('block', senders)).toEqual(['pest@spam.example', 'other@spam.example']);
    expect(actionEntries('allow', senders)).toEqual(['pest@spam.example', 'other@spam.example']);
    expect(actionEntries('block-domain', senders)).toEqual(['@spam.example', '@example.com']);
    expect(actionEntries('allow-domain', senders)).toEqual(['@spam.example', '@example.com']);
  });
});

describe('the menu', () => {
  it('all four items, enabled, for a usable sender on a server offering both lists', () => {
    const state = menuState([senderEntries([{ email: 'pest@spam.example' }])], everything);
    for (const action of SENDER_ACTIONS) expect(state[action]).toEqual({ visible: true, enabled: true, problem: null });
  });

  it('absent for a list the server does not offer, or whose panel the policy hides', () => {
    const sender = [senderEntries([{ email: 'pest@spam.example' }])];
    const noAllow = menuState(sender, { offered: (l) => l === 'blacklist', hidden: () => false });
    expect([noAllow.block.visible, noAllow['block-domain'].visible, noAllow.allow.visible, noAllow['allow-domain'].visible]).toEqual([true, true, false, false]);
    const hiddenBlock = menuState(sender, { offered: () => true, hidden: (l) => l === 'blacklist' });
    expect([hiddenBlock.block.visible, hiddenBlock.allow.visible]).toEqual([false, true]);
    expect(menuState(sender, { offered: () => false, hidden: () => false }).block).toEqual({ visible: false, enabled: false, problem: null });
  });

  it('disabled with the reason when no selected message has a usable sender', () => {
    const state = menuState([senderEntries([])], everything);
    expect(state.block).toEqual({ visible: true, enabled: false, problem: 'no-sender' });
    const quoted = menuState([senderEntries([{ email: '"a b"@example.com' }])], everything);
    expect(quoted.block).toEqual({ visible: true, enabled: false, problem: 'local-part' });
    expect(quoted['block-domain']).toEqual({ visible: true, enabled: true, problem: null });
  });

  it('enabled when at least one selected message has a usable sender', () => {
    expect(menuState([senderEntries([]), senderEntries([{ email: 'pest@spam.example' }])], everything).block).toEqual({ visible: true, enabled: true, problem: null });
  });

  it('commands name their action', () => {
    for (const action of SENDER_ACTIONS) expect(actionOfCommand(commandOf(action))).toBe(action);
    expect(actionOfCommand('_execute_action')).toBeUndefined();
  });

  it('menu ids name their action, in both menus', () => {
    for (const action of SENDER_ACTIONS) {
      expect(actionOfMenuId(menuId(action))).toBe(action);
      expect(actionOfMenuId(menuId(action, true))).toBe(action);
    }
    expect(actionOfMenuId('xexec-server-settings')).toBeUndefined();
    expect(actionOfMenuId('xexec-sender')).toBeUndefined();
  });
});

describe('Undo takes back exactly what the action changed', () => {
  it('entries that were already there stay', () => {
    const outcome = outcomeOf([
      { entry: 'pest@spam.example', outcome: 'added' },
      { entry: 'old@spam.example', outcome: 'exists' },
    ]);
    expect(outcome).toEqual({ added: ['pest@spam.example'], existing: ['old@spam.example'], unblocked: [] });
    expect(undoPlan('block', outcome)).toEqual({ list: 'blacklist', added: ['pest@spam.example'], unblocked: [] });
  });

  it('an allow that took a sender off the block list puts it back on Undo; one that was not blocked stays off', () => {
    const outcome = outcomeOf(
      [{ entry: 'pest@spam.example', outcome: 'added' }, { entry: 'friend@example.org', outcome: 'added' }],
      [{ entry: 'pest@spam.example', outcome: 'removed' }, { entry: 'friend@example.org', outcome: 'absent' }],
    );
    expect(undoPlan('allow', outcome)).toEqual({ list: 'whitelist', added: ['pest@spam.example', 'friend@example.org'], unblocked: ['pest@spam.example'] });
  });

  it('nothing to undo when every entry was there already', () => {
    expect(undoIsEmpty(undoPlan('block-domain', outcomeOf([{ entry: '@spam.example', outcome: 'exists' }])))).toBe(true);
  });
});

describe('settings and folders', () => {
  it('the junk opt-in defaults to ask', () => {
    expect(readJunkOptIn(undefined)).toBe('ask');
    expect(readJunkOptIn('bogus')).toBe('ask');
    expect(readJunkOptIn('always')).toBe('always');
    expect(readJunkOptIn('never')).toBe('never');
  });
});
