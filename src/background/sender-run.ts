/**
 * Runs a block or allow on the server and in Thunderbird, and its Undo. The lists are changed
 * through the router's own `list.add` / `list.del` (policy, module names, entry checks and
 * error texts stay in one place); a block then marks the messages as junk and moves them to
 * the account's Junk folder, made when there is none. The server comes first: when it fails,
 * no message moves.
 */

import type { Translate, UserError } from '../messages/errors.js';
import type { BackgroundResponse, RequestOf, RequestType } from '../messages/messages.js';
import {
  isBlockAction,
  listEntries,
  outcomeOf,
  undoIsEmpty,
  undoPlan,
  type ActionOutcome,
  type SenderAction,
} from '../modules/sender.js';
import type { MovedMessage, SenderRecord } from '../messages/sender.js';
import { asList, type MailFolder, type MessageHeader, type SenderApis } from './sender-apis.js';

export type Ask = <T extends RequestType>(request: RequestOf<T>) => Promise<BackgroundResponse<T>>;

export interface RunDeps {
  readonly apis: Pick<SenderApis, 'messages' | 'folders' | 'accounts'>;
  readonly ask: Ask;
  readonly t: Translate;
  /**
   * Messages this add-on marks as junk itself, by Message-ID (the id changes with the move, and
   * Thunderbird reports the junk mark again for the copy in Junk), with when to forget them:
   * the junk opt-in must not ask about them.
   */
  readonly markingJunk: Map<string, number>;
}

/** How long junk marks of moved messages count as this add-on's own. */
const OWN_MARK_MS = 120_000;

const LIST_KEY = { blacklist: 'senderListBlock', whitelist: 'senderListAllow' } as const;

/** The account's Junk folder: special use "junk", else a top-level folder named Junk, else a new one. */
export async function junkFolder(apis: RunDeps['apis'], accountId: string): Promise<MailFolder> {
  const flagged = await apis.folders.query({ accountId, specialUse: ['junk'] });
  if (flagged[0] !== undefined) return flagged[0];
  const named = (await apis.folders.query({ accountId, name: 'Junk' })).filter((f) => f.path === '/Junk');
  if (named[0] !== undefined) return named[0];
  const account = await apis.accounts.get(accountId, false);
  const root = account?.rootFolder;
  if (root === undefined) throw new Error(`account ${accountId} has no root folder`);
  return apis.folders.create(root.id, 'Junk');
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Marks the messages as junk and moves them to Junk; what moved, and why some did not. */
async function moveToJunk(deps: RunDeps, accountId: string, messages: readonly MessageHeader[]): Promise<{ moved: MovedMessage[]; problem: string | null }> {
  const { apis, t } = deps;
  const moved: MovedMessage[] = [];
  let junk: MailFolder;
  try {
    junk = await junkFolder(apis, accountId);
  } catch (e) {
    return { moved, problem: t('senderNoJunkFolder', [describe(e)]) };
  }
  const byFolder = new Map<string, MessageHeader[]>();
  for (const m of messages) {
    const folder = m.folder?.id;
    if (folder === undefined || folder === junk.id) continue;
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), m]);
  }
  let problem: string | null = null;
  for (const [folder, inFolder] of byFolder) {
    try {
      const caps = await apis.folders.getFolderCapabilities(folder);
      if (caps.canDeleteMessages === false) {
        problem = t('senderReadOnlyFolder', [inFolder[0]?.folder?.name ?? folder]);
        continue;
      }
      for (const m of inFolder) {
        deps.markingJunk.set(m.headerMessageId, Date.now() + OWN_MARK_MS);
        await apis.messages.update(m.id, { junk: true });
      }
      await apis.messages.move(inFolder.map((m) => m.id), junk.id);
      for (const m of inFolder) moved.push({ headerMessageId: m.headerMessageId, from: folder, to: junk.id });
    } catch (e) {
      problem = t('senderMoveFailed', [describe(e)]);
    }
  }
  return { moved, problem };
}

/** The sentences of an outcome: what was added, what was there already, what left the block list. */
export function outcomeLines(t: Translate, action: SenderAction, outcome: ActionOutcome): string[] {
  const list = t(LIST_KEY[isBlockAction(action) ? 'blacklist' : 'whitelist']);
  const lines: string[] = [];
  if (outcome.added.length > 0) lines.push(t('senderAdded', [list, listEntries(outcome.added)]));
  if (outcome.existing.length > 0) lines.push(t('senderAlreadyThere', [list, listEntries(outcome.existing)]));
  if (outcome.unblocked.length > 0) lines.push(t('senderUnblocked', [listEntries(outcome.unblocked)]));
  return lines;
}

function failure(id: string, accountId: string, t: Translate, error: UserError): SenderRecord {
  return { id, accountId, lines: [t('senderFailed', [error.message])], failed: true, plan: null, moved: [] };
}

/** Runs one action for the messages of one account. */
export async function runAction(
  deps: RunDeps,
  id: string,
  accountId: string,
  action: SenderAction,
  entries: readonly string[],
  messages: readonly MessageHeader[],
  /** For an allow: whether the block list is there to take the entries off (offered, not hidden). */
  unblock = true,
): Promise<SenderRecord> {
  const { ask, t } = deps;
  if (isBlockAction(action)) {
    const added = await ask({ type: 'list.add', accountId, list: 'blacklist', entries });
    if (!added.ok) return failure(id, accountId, t, added.error);
    const outcome = outcomeOf(added.value.changes);
    const lines = outcomeLines(t, action, outcome);
    const { moved, problem } = await moveToJunk(deps, accountId, messages);
    if (moved.length > 0) lines.push(t('senderMovedToJunk', [String(moved.length)]));
    if (problem !== null) lines.push(problem);
    return { id, accountId, lines, failed: false, plan: undoPlan(action, outcome), moved };
  }
  const added = await ask({ type: 'list.add', accountId, list: 'whitelist', entries });
  if (!added.ok) return failure(id, accountId, t, added.error);
  // An allowed sender must not stay blocked: take the same entries off the block list.
  const removed = unblock ? await ask({ type: 'list.del', accountId, list: 'blacklist', entries }) : null;
  const outcome = outcomeOf(added.value.changes, removed?.ok === true ? removed.value.changes : []);
  const lines = outcomeLines(t, action, outcome);
  if (removed?.ok === false) lines.push(t('senderUnblockFailed', [removed.error.message]));
  return { id, accountId, lines, failed: false, plan: undoPlan(action, outcome), moved: [] };
}

export function canUndo(record: SenderRecord): boolean {
  return record.undone !== true && !record.failed && ((record.plan !== null && !undoIsEmpty(record.plan)) || record.moved.length > 0);
}

/** Takes back exactly what the action did: its new entries, the block entries it removed, the moves. */
export async function undoAction(deps: RunDeps, record: SenderRecord): Promise<{ ok: boolean; lines: string[] }> {
  const { ask, t, apis } = deps;
  const lines: string[] = [];
  let ok = true;
  const plan = record.plan;
  if (plan !== null && plan.added.length > 0) {
    const r = await ask({ type: 'list.del', accountId: record.accountId, list: plan.list, entries: plan.added });
    if (r.ok) lines.push(t('senderUndoRemoved', [t(LIST_KEY[plan.list]), listEntries(plan.added)]));
    else {
      ok = false;
      lines.push(t('senderFailed', [r.error.message]));
    }
  }
  if (plan !== null && plan.unblocked.length > 0) {
    const r = await ask({ type: 'list.add', accountId: record.accountId, list: 'blacklist', entries: plan.unblocked });
    if (r.ok) lines.push(t('senderUndoReblocked', [listEntries(plan.unblocked)]));
    else {
      ok = false;
      lines.push(t('senderFailed', [r.error.message]));
    }
  }
  let back = 0;
  for (const m of record.moved) {
    try {
      const found = asList(await apis.messages.query({ folderId: m.to, headerMessageId: m.headerMessageId })).messages;
      for (const header of found) await apis.messages.update(header.id, { junk: false });
      if (found.length > 0) await apis.messages.move(found.map((h) => h.id), m.from);
      back += found.length;
    } catch (e) {
      ok = false;
      lines.push(t('senderMoveFailed', [describe(e)]));
    }
  }
  if (back > 0) lines.push(t('senderMovedBack', [String(back)]));
  return { ok, lines };
}
