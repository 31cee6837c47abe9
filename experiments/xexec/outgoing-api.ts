// Types of the xexecOutgoing Experiment API (outgoing.json, outgoing.ts) for the TypeScript
// side: `messenger.xexecOutgoing` is an XexecOutgoingApi.

export interface SendingState {
  /** The account's identities send through its IMAP connection. */
  readonly enabled: boolean;
  /** The key of the account's outgoing server of type xexec, "" when off. */
  readonly serverKey: string;
}

export interface XexecOutgoingApi {
  state(accountId: string): Promise<SendingState>;
  /** Creates the account's xexec outgoing server and gives it to its identities (previous ones remembered). */
  enable(accountId: string): Promise<SendingState>;
  /** Gives each identity its previous outgoing server back and deletes the xexec server. */
  disable(accountId: string): Promise<SendingState>;
}
