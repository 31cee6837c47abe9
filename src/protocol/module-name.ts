/** PROTOCOL.md §2. */

/** The one built-in name; outside the grammar on purpose so it never clashes with a module. */
export const DISCOVERY_MODULE = '.modules';

const MODULE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export function isModuleName(name: string): boolean {
  return MODULE_NAME.test(name);
}

/** Names a client may send: the grammar, or the discovery name. */
export function isSendableModuleName(name: string): boolean {
  return name === DISCOVERY_MODULE || isModuleName(name);
}

/** The server matches names case-insensitively and echoes the configured spelling. */
export function sameModule(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
