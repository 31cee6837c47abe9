/**
 * How long a command line is as Thunderbird sends it, and the limit the add-on keeps to.
 * Servers cut an IMAP line near 64 kB (Dovecot's default), and PROTOCOL.md leaves room for the
 * words around the arguments, so every request whose size depends on the user (list batches,
 * vacation's `only=`, the trusted contacts) is measured here, one way.
 */

import { encodeArgument } from './command.js';

/** The longest command line the add-on sends. */
export const MAX_LINE_BYTES = 60_000;

/** `tag UID XEXEC <module> <verb>` and the CRLF, generously. */
export const LINE_OVERHEAD = 128;

/** Bytes an argument adds to the line: a space and its encoded form (`%` is sent as `%25`). */
export function argumentBytes(arg: string): number {
  const encoded = encodeArgument(arg);
  const text = encoded.ok ? encoded.value : arg;
  let percent = 0;
  for (let i = text.indexOf('%'); i >= 0; i = text.indexOf('%', i + 1)) percent++;
  return 1 + text.length + 2 * percent;
}

/** The whole line of a command with these arguments. */
export function commandLineBytes(args: readonly string[]): number {
  return args.reduce((bytes, arg) => bytes + argumentBytes(arg), LINE_OVERHEAD);
}
