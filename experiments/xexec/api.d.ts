// Types of the xexec Experiment API (schema.json, implementation.ts) for the
// TypeScript side: `messenger.xexec` is an XexecExperimentApi.

import type { StoppedUrl, TransportFailureCode, TransportReport } from '../../src/protocol/execute-result.js';

export type { StoppedUrl, TransportFailureCode, TransportReport };

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
   * Sends `text` (`<module> <args>`, from buildCommandText) as `UID XEXEC <text>` over
   * Thunderbird's own session of an IMAP account; one command at a time per account. Resolves
   * what Thunderbird reported when the URL stopped (`{stopped: true, status,
   * customCommandResult, errorCode, errorMessage}`), or why there is no such report
   * (`{stopped: false, code: 'unsupported' | 'disconnected' | 'timeout', message}`); reading
   * it is src/protocol's job (readReport). Rejects only for programmer errors: an unknown or
   * non-IMAP account, a text Thunderbird cannot carry unchanged (isTransportSafe). Gives up
   * after 60 s (pref `extensions.xexec.timeout_ms`).
   */
  send(accountId: string, text: string): Promise<TransportReport>;
  /** The host name of the account's IMAP server (for the administrator's per-host policy). */
  getServerHost(accountId: string): Promise<string>;
  /** After a successful password change. Never creates a saved password that did not exist. */
  updateSavedPassword(accountId: string, newPassword: string): Promise<SavedPasswordUpdate>;
}
