/**
 * The contract between the result window of block/allow from the message (ui/sender/) and the
 * background (src/background/sender-actions.ts): the record the background keeps of an action,
 * the page's messages, and the answers.
 */

import type { UndoPlan } from '../modules/sender.js';

/** A moved message: enough to find it again in Junk (ids change with the folder) and put it back. */
export interface MovedMessage {
  readonly headerMessageId: string;
  readonly from: string;
  readonly to: string;
}

/** What the result window shows and what its Undo takes back (kept in storage.local). */
export interface SenderRecord {
  readonly id: string;
  readonly accountId: string;
  readonly lines: readonly string[];
  /** True when the action failed: the lines say why. */
  readonly failed: boolean;
  readonly plan: UndoPlan | null;
  readonly moved: readonly MovedMessage[];
  readonly undone?: boolean;
  /** A question after Thunderbird's own junk mark: the entries a yes blocks. */
  readonly question?: { readonly entries: readonly string[] };
}

/** What the result page sends to the background. */
export type SenderMessage =
  | { readonly type: 'sender.record'; readonly id: string }
  | { readonly type: 'sender.undo'; readonly id: string }
  | { readonly type: 'sender.junkAnswer'; readonly id: string; readonly block: boolean; readonly remember: boolean };

export interface SenderAnswer {
  readonly ok: boolean;
  readonly lines: readonly string[];
  readonly record?: SenderRecord;
  readonly canUndo?: boolean;
}

export function isSenderMessage(message: unknown): message is SenderMessage {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Record<string, unknown>;
  if (typeof m.id !== 'string') return false;
  if (m.type === 'sender.record' || m.type === 'sender.undo') return true;
  return m.type === 'sender.junkAnswer' && typeof m.block === 'boolean' && typeof m.remember === 'boolean';
}
