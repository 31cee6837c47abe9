/** The standard modules of PROTOCOL.md §6, by the names the add-on knows them. */

export const STANDARD_MODULES = ['blacklist', 'whitelist', 'changepassword', 'forwardmail', 'vacation'] as const;

export type StandardModule = (typeof STANDARD_MODULES)[number];
