// The trusted-contacts picker's remembered choice (TrustedContacts.tsx): what is read back from
// storage, and which remembered books still exist. The picker itself is tested through the
// Spam and Alerts panels that use it.
import { describe, expect, it, vi } from 'vitest';
import { bookChoiceKey, readBookChoice, splitChoice } from '../../../ui/options/TrustedContacts.js';

vi.mock('webextension-polyfill', async () => (await import('../fakes.js')).polyfillModule());

describe('the remembered address books', () => {
  it('one key per account', () => {
    expect(bookChoiceKey('account1')).toBe('trustedBooks.account1');
    expect(bookChoiceKey('account2')).not.toBe(bookChoiceKey('account1'));
  });

  it('reads back only well-formed books; anything else is no choice', () => {
    expect(readBookChoice([{ id: 'b1', name: 'Personal', extra: 1 }, { id: 2, name: 'x' }, null, 'b3', { id: 'b4' }])).toEqual([{ id: 'b1', name: 'Personal' }]);
    expect(readBookChoice(undefined)).toEqual([]);
    expect(readBookChoice({ id: 'b1', name: 'Personal' })).toEqual([]);
  });

  it('splits into the books that exist (under their names now) and those that are gone', () => {
    const remembered = [{ id: 'b1', name: 'Personal' }, { id: 'b2', name: 'Club' }];
    expect(splitChoice(remembered, [{ id: 'b1', name: 'Family' }, { id: 'b3', name: 'Work' }])).toEqual({
      present: [{ id: 'b1', name: 'Family' }], gone: [{ id: 'b2', name: 'Club' }],
    });
    expect(splitChoice([], [{ id: 'b1', name: 'Personal' }])).toEqual({ present: [], gone: [] });
  });
});
