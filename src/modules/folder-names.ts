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
  /** The folder's own name, decoded, for the tree. */
  readonly label: string;
}

/**
 * IMAP's modified UTF-7 (RFC 3501 §5.1.3) decoded: `&AMQ-rger &- Co` is `Ärger & Co`. null when
 * the text is not valid modified UTF-7 (a name Thunderbird already has in UTF-8, `R&D`).
 */
export function decodeMutf7(text: string): string | null {
  let out = '';
  for (let i = 0; i < text.length; ) {
    const c = text[i]!;
    if (c !== '&') {
      if (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) > 0x7e) return null;
      out += c;
      i++;
      continue;
    }
    const end = text.indexOf('-', i + 1);
    if (end < 0) return null;
    const b64 = text.slice(i + 1, end);
    i = end + 1;
    if (b64 === '') {
      out += '&';
      continue;
    }
    if (!/^[A-Za-z0-9+,]+$/.test(b64)) return null;
    const bits = b64.replace(/,/g, '/');
    let binary: string;
    try {
      binary = atob(bits + '='.repeat((4 - (bits.length % 4)) % 4));
    } catch {
      return null;
    }
    if (binary.length % 2 !== 0) return null;
    for (let j = 0; j < binary.length; j += 2) out += String.fromCharCode((binary.charCodeAt(j) << 8) | binary.charCodeAt(j + 1));
  }
  return out;
}

/** One segment of a Thunderbird path as the server's UTF-8 name. */
function segmentName(segment: string): string {
  // Thunderbird 140 and 153 give IMAP paths in modified UTF-7 (checked in test/e2e/ui-rules.test.ts).
  return segment.includes('&') ? decodeMutf7(segment) ?? segment : segment;
}

/** The server's full name of the folder at a WebExtension `path`; null for the root (`/`) or an empty segment. */
export function serverFolderName(path: string, separator: string): string | null {
  const segments = path.replace(/^\//, '').split('/');
  if (segments.some((s) => s === '')) return null;
  return segments.map(segmentName).join(separator);
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
    if (name !== null) out.push({ name, path, depth: path.split('/').length - 2, label: segmentName(path.slice(path.lastIndexOf('/') + 1)) });
  }
  return out;
}
