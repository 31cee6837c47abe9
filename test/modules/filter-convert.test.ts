import { describe, expect, it } from 'vitest';
import type { AccountFilters, FilterAction, FilterTerm, ThunderbirdFilter } from '../../experiments/xexec/filters-api.js';
import { convertFilters } from '../../src/modules/filter-convert.js';

const SERVER = 'imap://user%40example.com@mail.example.com';
const term = (attrib: string, op: string, value: string, more: Partial<FilterTerm> = {}): FilterTerm =>
  ({ attrib, op, value, header: '', booleanAnd: true, matchAll: false, grouped: false, ...more });
const action = (type: string, folderUri = '', value = ''): FilterAction => ({ type, folderUri, value });
const filter = (name: string, terms: FilterTerm[], actions: FilterAction[], more: Partial<ThunderbirdFilter> = {}): ThunderbirdFilter =>
  ({ index: 0, name, enabled: true, types: ['InboxRule', 'Manual'], terms, actions, ...more });
const account = (...filters: ThunderbirdFilter[]): AccountFilters => ({ serverUri: SERVER, separator: '.', filters: filters.map((f, index) => ({ ...f, index })) });

describe('Thunderbird filters to server rules', () => {
  it('the three of issue 12: From-contains move, Subject-contains mark read, and a tag filter that cannot be', () => {
    const result = convertFilters(account(
      filter('Clients', [term('Sender', 'Contains', '@example.com')], [action('MoveToFolder', `${SERVER}/Clients/Example`)]),
      filter('Newsletters read', [term('Subject', 'Contains', 'Newsletter')], [action('MarkRead')]),
      filter('Tag boss', [term('Sender', 'Is', 'boss@example.com')], [action('AddTag', '', '$label1')]),
    ), []);
    expect(result).toEqual([
      {
        index: 0, name: 'Clients', convertible: true,
        rule: {
          name: 'Clients', enabled: true, match: 'all', stop: false,
          tests: [{ not: false, condition: { kind: 'field', field: 'from', op: 'contains', value: '@example.com' } }],
          actions: { kind: 'deliver', move: 'Clients.Example', copies: [], forwards: [], read: false, flag: false },
        },
      },
      {
        index: 1, name: 'Newsletters read', convertible: true,
        rule: {
          name: 'Newsletters read', enabled: true, match: 'all', stop: false,
          tests: [{ not: false, condition: { kind: 'field', field: 'subject', op: 'contains', value: 'Newsletter' } }],
          actions: { kind: 'deliver', move: null, copies: [], forwards: [], read: true, flag: false },
        },
      },
      { index: 2, name: 'Tag boss', convertible: false, reasons: [{ kind: 'tag' }] },
    ]);
  });

  it('any, negation, headers, size in KB, attachment, body where the server can, copy, flag, forward, delete, stop, disabled', () => {
    const [any, del] = convertFilters(account(
      filter('Many', [
        term('ToOrCC', 'DoesntContain', 'me@example.com'),
        term('OtherHeader', 'BeginsWith', 'yes', { header: 'X-Spam-Flag', booleanAnd: false }),
        term('Size', 'IsGreaterThan', '100', { booleanAnd: false }),
        term('HasAttachmentStatus', 'Isnt', '268435456', { booleanAnd: false }),
        term('Body', 'Contains', 'invoice', { booleanAnd: false }),
      ], [action('CopyToFolder', `${SERVER}/INBOX/%C3%84rger`), action('MarkFlagged'), action('Forward', '', 'Ann@Example.org'), action('StopExecution')], { enabled: false }),
      filter('Gone', [term('Subject', 'EndsWith', '[spam]')], [action('Delete'), action('MarkRead')], { types: ['PostPlugin'] }),
    ), ['body']);
    expect(any).toMatchObject({
      convertible: true,
      rule: {
        enabled: false, match: 'any', stop: true,
        tests: [
          { not: true, condition: { kind: 'field', field: 'to-or-cc', op: 'contains', value: 'me@example.com' } },
          { not: false, condition: { kind: 'header', name: 'X-Spam-Flag', op: 'begins', value: 'yes' } },
          { not: false, condition: { kind: 'size', over: true, bytes: 102400 } },
          { not: true, condition: { kind: 'attachment' } },
          { not: false, condition: { kind: 'body', value: 'invoice' } },
        ],
        actions: { kind: 'deliver', move: null, copies: ['INBOX.Ärger'], forwards: ['Ann@Example.org'], read: false, flag: true },
      },
    });
    expect(del).toMatchObject({ convertible: true, rule: { actions: { kind: 'delete', read: true, flag: false } } });
  });

  it('says every reason a filter cannot become a rule', () => {
    const reasons = (f: ThunderbirdFilter, abilities: string[] = []) => {
      const [c] = convertFilters(account(f), abilities);
      return c?.convertible === false ? c.reasons.map((r) => r.kind) : [];
    };
    const move = action('MoveToFolder', `${SERVER}/A`);
    expect(reasons(filter('p', [term('Subject', 'Contains', 'x')], [move], { types: ['Periodic'] }))).toEqual(['periodic-only']);
    expect(reasons(filter('m', [term('Subject', 'Contains', 'x')], [move], { types: ['Manual'] }))).toEqual(['manual-only']);
    expect(reasons(filter('o', [term('Subject', 'Contains', 'x')], [move], { types: ['PostOutgoing'] }))).toEqual(['not-incoming']);
    expect(reasons(filter('all', [term('Subject', 'Contains', '', { matchAll: true })], [move]))).toEqual(['match-every-message']);
    expect(reasons(filter('g', [term('Subject', 'Contains', 'x', { grouped: true }), term('To', 'Is', 'y')], [move]))).toEqual(['grouped-terms']);
    expect(reasons(filter('mix', [term('Subject', 'Contains', 'x'), term('To', 'Is', 'y'), term('CC', 'Is', 'z', { booleanAnd: false })], [move]))).toEqual(['mixed-and-or']);
    expect(reasons(filter('date', [term('Date', 'IsBefore', '1 Jan 2020')], [move]))).toEqual(['condition']);
    expect(reasons(filter('ab', [term('Sender', 'IsInAB', 'moz-abmdbdirectory://abook.sqlite')], [move]))).toEqual(['condition']);
    expect(reasons(filter('body', [term('Body', 'Contains', 'x')], [move]))).toEqual(['body-unsupported']);
    expect(reasons(filter('body', [term('Body', 'Contains', 'x')], [move]), ['body'])).toEqual([]);
    expect(reasons(filter('other', [term('Subject', 'Contains', 'x')], [action('MoveToFolder', 'mailbox://nobody@Local%20Folders/Archive')]))).toEqual(['other-account']);
    expect(reasons(filter('two', [term('Subject', 'Contains', 'x')], [move, action('MoveToFolder', `${SERVER}/B`)]))).toEqual(['two-moves']);
    expect(reasons(filter('del', [term('Subject', 'Contains', 'x')], [action('Delete'), move]))).toEqual(['delete-and-file']);
    expect(reasons(filter('prio', [term('Subject', 'Contains', 'x')], [action('ChangePriority', '', 'High'), action('Reply', '', 'tmpl')]))).toEqual(['action', 'action']);
    expect(reasons(filter('stop', [term('Subject', 'Contains', 'x')], [action('StopExecution')]))).toEqual(['no-action']);
    expect(reasons(filter('long', [term('Subject', 'Contains', 'x'.repeat(1001))], [move]))).toEqual(['invalid']);
    expect(reasons(filter('ctl', [term('Subject', 'Contains', 'a\nb')], [move]))).toEqual(['invalid']);
  });

  it('a folder needs the server separator; names are made fit for the module', () => {
    const [c] = convertFilters({ ...account(filter('x', [term('Subject', 'Is', 'x')], [action('MoveToFolder', `${SERVER}/A/B`)])), separator: '' }, []);
    expect(c).toMatchObject({ convertible: false, reasons: [{ kind: 'folder-unknown' }] });
    const [long] = convertFilters(account(filter(`${'ä'.repeat(60)}\t`, [term('Subject', 'Is', 'x')], [action('MarkRead')])), []);
    expect(long?.convertible && new TextEncoder().encode(long.rule.name).length).toBe(100);
  });
});
