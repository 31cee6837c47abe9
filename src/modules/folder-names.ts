/**
 * Thunderbird's names of an IMAP account's folders and the server's (PROTOCOL.md §6.7 wants the
 * full name as the server lists it, UTF-8, with the server's hierarchy separator).
 * Thunderbird's WebExtension folder `path` (and the path of a folder URI, which filters name
 * their targets by) joins the decoded folder names with `/` whatever the server's separator
 * is: `/Clients/Example` is `Clients.Example` on a server that separates with `.`.
 */

/** A folder as the pages choose it: the server's full name and Thunderbird's path to show. */
export interface FolderChoice {
  /** The full name the server knows, for a rule's move or copy. */
  readonly name: string;
  /** Thunderbird's path (`/Clients/Example`), for the tree. */
  readonly path: string;
  /** The nesting level (0: a top-level folder). */
  readonly depth: number;
}

/** The server's full name of the folder at a WebExtension `path`; null for the root (`/`) or an empty segment. */
export function serverFolderName(path: string, separator: string): string | null {
  const segments = path.replace(/^\//, '').split('/');
  if (segments.some((s) => s === '')) return null;
  return segments.join(separator);
}

/** The path part of a folder URI (`imap://user@host/Clients/Example`) as `path` has it: `/Clients/Example`. */
export function uriFolderPath(uri: string): string | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return null;
  }
  try {
    return url.pathname.split('/').map((s) => decodeURIComponent(s)).join('/');
  } catch {
    return null;
  }
}

/** The account a folder URI belongs to: its scheme, user and host (`imap://user@host`). */
export function uriServer(uri: string): string | null {
  try {
    const url = new URL(uri);
    return `${url.protocol}//${url.username}@${url.host}`.toLowerCase();
  } catch {
    return null;
  }
}

/** Folders (WebExtension paths) as choices, in Thunderbird's tree order; the root and unnamed paths left out. */
export function folderChoices(paths: readonly string[], separator: string): FolderChoice[] {
  const out: FolderChoice[] = [];
  for (const path of paths) {
    const name = serverFolderName(path, separator);
    if (name !== null) out.push({ name, path, depth: path.split('/').length - 2 });
  }
  return out;
}
