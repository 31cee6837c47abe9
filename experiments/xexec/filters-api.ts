// Types of the xexecFilters Experiment API (filters.json, filters.ts) for the TypeScript side:
// `messenger.xexecFilters` is an XexecFiltersApi. Plain data only: what the values mean and
// which filters can become server rules is src/modules/filter-convert.ts's business.

/** One search term of a filter (nsIMsgSearchTerm). */
export interface FilterTerm {
  /** The nsMsgSearchAttrib constant's name (`Subject`, `Sender`, `OtherHeader`...), or its number as text when it has none. */
  readonly attrib: string;
  /** The nsMsgSearchOp constant's name (`Contains`, `DoesntContain`, `Is`, `BeginsWith`...). */
  readonly op: string;
  /** The value as text (a string term's text, a size in KB, a status flag...). */
  readonly value: string;
  /** For OtherHeader: the header's name. */
  readonly header: string;
  /** nsIMsgSearchTerm.booleanAnd: how this term joins the ones before it. */
  readonly booleanAnd: boolean;
  /** A term that matches every message ("match all messages"). */
  readonly matchAll: boolean;
  /** A term in a group of its own (brackets): the conversion does not take these. */
  readonly grouped: boolean;
}

/** One action of a filter (nsIMsgRuleAction). */
export interface FilterAction {
  /** The nsMsgFilterAction constant's name (`MoveToFolder`, `CopyToFolder`, `MarkRead`, `AddTag`...). */
  readonly type: string;
  /** The target folder's URI (move and copy), else ''. */
  readonly folderUri: string;
  /** strValue: the forward address, the tag key... */
  readonly value: string;
}

export interface ThunderbirdFilter {
  /** The place in the account's filter list (its order), counted from 0. */
  readonly index: number;
  readonly name: string;
  readonly enabled: boolean;
  /** The names of the nsMsgFilterType bits set (`InboxRule`, `Manual`, `PostPlugin`, `Periodic`...). */
  readonly types: readonly string[];
  readonly terms: readonly FilterTerm[];
  readonly actions: readonly FilterAction[];
}

export interface AccountFilters {
  /** The account's server as folder URIs begin (`imap://user%40host@host`). */
  readonly serverUri: string;
  /** The IMAP server's hierarchy separator (from the Inbox), '' when Thunderbird has not learned it yet. */
  readonly separator: string;
  readonly filters: readonly ThunderbirdFilter[];
}

export interface XexecFiltersApi {
  /** Reads the account's message filters (nsIMsgFilterList) read-only. */
  list(accountId: string): Promise<AccountFilters>;
  /** The IMAP hierarchy separator of the account, '' while unknown. */
  separator(accountId: string): Promise<string>;
  /**
   * Turns the filters at these places off (enabled = false) and saves the list; nothing is
   * deleted. `names` must match the places' names, or nothing changes (the list changed).
   */
  disable(accountId: string, indexes: readonly number[], names: readonly string[]): Promise<void>;
}
