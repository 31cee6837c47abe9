/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */

// Experiment API "xexecFilters" (filters.json): an account's Thunderbird
// message filters (nsIMsgFilterList) as plain data, read-only, and one way
// to turn chosen filters off after they became server rules. It never
// deletes a filter. Which filters can become rules, and how, is decided in
// src/modules/filter-convert.ts; constants travel by their names (looked up
// in Ci at run time), so the background reads the same words on every
// Thunderbird version.

import { Ci, ExtensionCommon, ExtensionError, MailServices } from './chrome.js';
import type { AccountFilters, FilterAction, FilterTerm, ThunderbirdFilter } from './filters-api.js';

interface SearchValue { readonly attrib: number; readonly str?: string; readonly size?: number; readonly status?: number; readonly priority?: number; readonly age?: number }
interface SearchTerm {
  readonly attrib: number;
  readonly op: number;
  readonly value: SearchValue;
  readonly booleanAnd: boolean;
  readonly arbitraryHeader: string;
  readonly matchAll: boolean;
  readonly beginsGrouping: boolean;
  readonly endsGrouping: boolean;
}
interface RuleAction { readonly type: number; readonly targetFolderUri: string; readonly strValue: string }
interface MsgFilter {
  readonly filterName: string;
  enabled: boolean;
  readonly filterType: number;
  readonly searchTerms: SearchTerm[];
  readonly sortedActionList: RuleAction[];
}
interface MsgFilterList {
  readonly filterCount: number;
  getFilterAt(index: number): MsgFilter;
  saveToDefaultFile(): void;
}
interface FilterServer {
  readonly type: string;
  readonly serverURI: string;
  readonly rootFolder: { getFolderWithFlags(flags: number): { readonly hierarchyDelimiter?: string; QueryInterface?(iid: unknown): unknown } | null };
  getFilterList(msgWindow: null): MsgFilterList;
}

const consts = Ci as unknown as Record<string, Record<string, number>>;

/** The name of a constant of an XPCOM interface, or the number as text. */
function constName(iface: string, value: number): string {
  const table = consts[iface] ?? {};
  for (const key of Object.keys(table)) if (table[key] === value) return key;
  return String(value);
}

/** The names of the bits of a bit mask of an interface's constants (single bits only). */
function bitNames(iface: string, mask: number): string[] {
  const table = consts[iface] ?? {};
  return Object.keys(table).filter((key) => {
    const bit = table[key] ?? 0;
    return bit > 0 && (bit & (bit - 1)) === 0 && (mask & bit) !== 0;
  });
}

function server(accountId: string): FilterServer {
  const account = MailServices.accounts.getAccount(accountId);
  const incoming = account?.incomingServer as unknown as FilterServer | null | undefined;
  if (!incoming) throw new ExtensionError(`xexecFilters: unknown account "${accountId}"`);
  if (incoming.type !== 'imap') throw new ExtensionError(`xexecFilters: account "${accountId}" is not an IMAP account`);
  return incoming;
}

function separator(s: FilterServer): string {
  const inbox = s.rootFolder.getFolderWithFlags(Ci.nsMsgFolderFlags.Inbox);
  const imap = inbox?.QueryInterface?.(Ci.nsIMsgImapMailFolder) as { hierarchyDelimiter?: string } | undefined;
  const delimiter = imap?.hierarchyDelimiter ?? '';
  // Thunderbird keeps '^' (kOnlineHierarchySeparatorUnknown) until the server told it.
  return delimiter === '^' ? '' : delimiter;
}

function termValue(v: SearchValue, attrib: string): string {
  if (attrib === 'Size') return String(v.size ?? '');
  if (attrib === 'MsgStatus') return String(v.status ?? '');
  if (attrib === 'Priority') return String(v.priority ?? '');
  if (attrib === 'AgeInDays') return String(v.age ?? '');
  try {
    return v.str ?? '';
  } catch {
    // Reading str of a non-string value throws in Thunderbird.
    return '';
  }
}

function readFilter(filter: MsgFilter, index: number): ThunderbirdFilter {
  const terms: FilterTerm[] = filter.searchTerms.map((term) => {
    const attrib = constName('nsMsgSearchAttrib', term.attrib);
    return {
      attrib,
      op: constName('nsMsgSearchOp', term.op),
      value: termValue(term.value, attrib),
      header: term.arbitraryHeader ?? '',
      booleanAnd: term.booleanAnd,
      matchAll: term.matchAll,
      grouped: term.beginsGrouping || term.endsGrouping,
    };
  });
  const actions: FilterAction[] = filter.sortedActionList.map((action) => {
    const type = constName('nsMsgFilterAction', action.type);
    const folder = type === 'MoveToFolder' || type === 'CopyToFolder';
    let value = '';
    try {
      value = folder ? '' : action.strValue ?? '';
    } catch {
      value = '';
    }
    return { type, folderUri: folder ? action.targetFolderUri : '', value };
  });
  return { index, name: filter.filterName, enabled: filter.enabled, types: bitNames('nsMsgFilterType', filter.filterType), terms, actions };
}

export class xexecFilters extends ExtensionCommon.ExtensionAPI {
  override getAPI() {
    return {
      xexecFilters: {
        async list(accountId: string): Promise<AccountFilters> {
          const s = server(accountId);
          const list = s.getFilterList(null);
          const filters: ThunderbirdFilter[] = [];
          for (let i = 0; i < list.filterCount; i++) filters.push(readFilter(list.getFilterAt(i), i));
          return { serverUri: s.serverURI, separator: separator(s), filters };
        },

        async separator(accountId: string): Promise<string> {
          return separator(server(accountId));
        },

        async disable(accountId: string, indexes: number[], names: string[]): Promise<void> {
          if (indexes.length !== names.length) throw new ExtensionError('xexecFilters: indexes and names differ in length');
          const list = server(accountId).getFilterList(null);
          const chosen = indexes.map((index, i) => {
            if (!Number.isInteger(index) || index < 0 || index >= list.filterCount) throw new ExtensionError(`xexecFilters: no filter at ${index}`);
            const filter = list.getFilterAt(index);
            // The list may have changed since it was read: change nothing then.
            if (filter.filterName !== names[i]) throw new ExtensionError(`xexecFilters: the filter at ${index} is not "${names[i]}" any more`);
            return filter;
          });
          for (const filter of chosen) filter.enabled = false;
          list.saveToDefaultFile();
        },
      },
    };
  }
}
