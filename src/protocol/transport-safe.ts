/**
 * The one rule the experiment checks before it hands a command text to Thunderbird: printable
 * ASCII without `?` and `>`, and `%` only as the `%25` that buildCommandText writes. Anything
 * else Thunderbird would cut, strip, or decode into a line break or a NUL (PROTOCOL.md §3.1,
 * docs/THUNDERBIRD.md). Kept apart from command.ts so the experiment bundles nothing else of
 * the codec.
 */

const TRANSPORT_UNSAFE = /[^\x20-\x7e]|[?>]|%(?!25)/;

export function isTransportSafe(text: string): boolean {
  return !TRANSPORT_UNSAFE.test(text);
}
