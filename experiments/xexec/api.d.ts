// Types of the xexec Experiment API (schema.json, implementation.js) for the
// TypeScript side: `messenger.xexec` is an XexecExperimentApi.

/** Why a command did not succeed. */
export type XexecFailureCode =
  /** The server has no XEXEC (`BAD ... Unknown command`), or Thunderbird cannot address this account safely. */
  | 'unsupported'
  /** No answer: the connection dropped (after Thunderbird's one silent retry), or no connection or login was possible. */
  | 'disconnected'
  /** No answer within timeoutMs. The command may still run; the next one on the account waits for it in Thunderbird. */
  | 'timeout'
  /** A tagged NO or BAD: `message` is the server's text (with Dovecot's timing suffix; see PROTOCOL.md §4.3). */
  | 'server';

export type XexecExecuteResult =
  | {
    readonly ok: true;
    /** customCommandResult: the last `* XEXEC` line without `* XEXEC `, one char per byte, `" \r\n "` at the end. */
    readonly result: string;
  }
  | {
    readonly ok: false;
    readonly code: XexecFailureCode;
    /** For 'server': url.errorMessage (the tagged text); otherwise a sentence (Thunderbird's own may be localized). */
    readonly message: string;
    /** customCommandResult as far as any (a failing module's data line), else "". */
    readonly result: string;
  };

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
   * Sends `UID XEXEC <module> <text>` on the account's own IMAP session; one command at a
   * time per account. `text` is the already encoded argument list (PROTOCOL.md §3.1, every
   * `%` written as `%25`; buildCommandText() minus the module name), possibly "".
   * Rejects only for programmer errors: unknown or non-IMAP account, a module name outside
   * PROTOCOL.md §2, a text with a char outside 0x20-0x7E, `?`, `>` or a `%` not followed by `25`,
   * a timeoutMs that is not a positive integer.
   */
  execute(accountId: string, module: string, text: string, timeoutMs?: number): Promise<XexecExecuteResult>;
  /** After a successful password change. Never creates a saved password that did not exist. */
  updateSavedPassword(accountId: string, newPassword: string): Promise<SavedPasswordUpdate>;
}
