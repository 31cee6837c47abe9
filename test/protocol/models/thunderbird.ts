/**
 * A model of what Thunderbird's custom-command path does (docs/THUNDERBIRD.md, "The custom-command path").
 * Written independently of src/ so the tests do not check the codec against itself.
 */

export type SendDamage = 'stripped' | 'cut' | 'crash' | 'line-break' | 'non-ascii';

export interface SendOutcome {
  /** The bytes (one char per byte) that follow `<tag> uid XEXEC ` on the wire. */
  readonly sent: string;
  /** Everything that made `sent` differ from what the add-on meant; empty when faithful. */
  readonly damage: readonly SendDamage[];
}

/**
 * `issueCommandOnMsgs(..., "XEXEC", text)`: the text travels inside an imap:// URL.
 * Raw tab/CR/LF are stripped; `?` and `>`, raw or as %3F/%3E, cut the text; `%XX` is decoded
 * once, where %00 crashes Thunderbird and %0D/%0A become real line breaks (a second command);
 * a char above 0x7F goes out as one Latin-1 byte, which is not its UTF-8.
 */
export function thunderbirdSend(text: string): SendOutcome {
  const damage = new Set<SendDamage>();
  let raw = '';
  for (const ch of text) {
    if (ch === '\t' || ch === '\r' || ch === '\n') damage.add('stripped');
    else raw += ch;
  }
  let sent = '';
  for (let i = 0; i < raw.length; i++) {
    let ch = raw.charAt(i);
    const hex = raw.slice(i + 1, i + 3);
    if (ch === '%' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      ch = String.fromCharCode(parseInt(hex, 16));
      i += 2;
    }
    if (ch === '?' || ch === '>') {
      damage.add('cut');
      break;
    }
    const code = ch.charCodeAt(0);
    if (code === 0) {
      damage.add('crash');
      break;
    }
    if (code === 0x0d || code === 0x0a) damage.add('line-break');
    if (code > 0x7f) damage.add('non-ascii');
    sent += String.fromCharCode(code & 0xff);
  }
  return { sent, damage: [...damage] };
}

/**
 * `customCommandResult` for a data line the server sent (one char per byte, without CRLF):
 * Thunderbird tokenises on spaces and line ends and re-joins each token with one space,
 * the line's CRLF ending up as a last token, hence the ` \r\n ` debris.
 */
export function thunderbirdCustomCommandResult(serverLine: string): string {
  const tokens = serverLine.split(/[ \r\n]+/).filter((token) => token !== '');
  if (tokens[0] !== '*' || tokens[1]?.toUpperCase() !== 'XEXEC') throw new Error('model: not a * XEXEC line');
  return tokens.slice(2).join(' ') + ' \r\n ';
}
