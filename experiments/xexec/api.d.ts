// Types of the xexec Experiment API (schema.json, implementation.ts) for the
// TypeScript side: `messenger.xexec` is an XexecExperimentApi.

import type { ExecuteFailureCode, ExecuteLine, ExecuteResult } from '../../src/protocol/execute-result.js';

export type { ExecuteFailureCode, ExecuteLine, ExecuteResult };

/** An argument: text (sent as UTF-8), or raw bytes for the rare value that is not text. */
export type ExecuteArgument = string | Uint8Array;

/** What updateSavedPassword changed. */
export interface SavedPasswordUpdate {
  /** The login-manager entry of the incoming server. */
  readonly incomingSaved: boolean;
  /** The in-memory password of the incoming server (used for new connections). */
  readonly incomingSession: boolean;
  /** A login-manager entry of an outgoing (SMTP) server with the same user name and the old password. */
  readonly outgoingSaved: boolean;
  /** The in-memory password of such an outgoing server. */
  readonly outgoingSession: boolean;
}

export interface XexecExperimentApi {
  /**
   * Runs `module` with `args` on the server of an IMAP account, over Thunderbird's own
   * session (`UID XEXEC`, PROTOCOL.md); one command at a time per account. Resolves
   * `{ok: true, lines}` or `{ok: false, code, detail, message, lines}`; `lines` are the
   * module's output lines exactly (a string per line, or a Uint8Array for a line that is not
   * UTF-8). Rejects only for programmer errors: an unknown or non-IMAP account, a module name
   * outside PROTOCOL.md §2 (or `.modules`), an argument with NUL or an unpaired surrogate.
   * Gives up after 60 s (pref `extensions.xexec.timeout_ms`).
   */
  execute(accountId: string, module: string, args: readonly ExecuteArgument[]): Promise<ExecuteResult>;
  /** The host name of the account's IMAP server (for the administrator's per-host policy). */
  getServerHost(accountId: string): Promise<string>;
  /** After a successful password change. Never creates a saved password that did not exist. */
  updateSavedPassword(accountId: string, newPassword: string): Promise<SavedPasswordUpdate>;
}
