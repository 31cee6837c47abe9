// A small raw-socket IMAP client for the server tests. Everything the server
// sends is kept as Buffers: XEXEC replies may carry raw UTF-8 or invalid bytes.
import * as net from 'node:net';

export const DEFAULT_WAIT_MS = Number(process.env.XEXEC_WAIT_MS ?? 120_000);

export interface Response {
  tag: string;
  status: 'OK' | 'NO' | 'BAD';
  /** The tagged line without CRLF. */
  tagged: Buffer;
  /** The tagged line after "<tag> ", as UTF-8 text (e.g. "NO [XEXEC-EXIT 2] ... (0.001 + 0.000 secs)."). */
  text: string;
  /** `text` without Dovecot's timing suffix (PROTOCOL.md §4.3): "NO [XEXEC-EXIT 2] ...". */
  message: string;
  /** Untagged lines ("* ...") without CRLF, in order; a server literal is kept inline. */
  untagged: Buffer[];
  /** Continuation lines ("+ ...") seen while sending literals. */
  continuations: Buffer[];
}

const CRLF = Buffer.from('\r\n');

export class ImapClient {
  greeting: Buffer = Buffer.alloc(0);
  closed = false;
  private buf: Buffer = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  private tagCounter = 0;
  private closedPromise: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buf = Buffer.concat([this.buf, chunk]);
      this.wake();
    });
    this.closedPromise = new Promise((resolve) => {
      socket.on('close', () => { this.closed = true; this.wake(); resolve(); });
    });
    socket.on('error', () => { /* reported as "closed" to readers */ });
  }

  /** Connects and reads the greeting. */
  static async connect(port: number, host = '127.0.0.1', waitMs = DEFAULT_WAIT_MS): Promise<ImapClient> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ port, host }, () => { s.off('error', reject); resolve(s); });
      s.once('error', reject);
    });
    const client = new ImapClient(socket);
    client.greeting = await client.readLine(waitMs);
    if (!client.greeting.toString('latin1').startsWith('* OK')) {
      client.close();
      throw new Error(`unexpected greeting: ${client.greeting.toString('latin1')}`);
    }
    return client;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private async waitData(deadline: number, what: () => string): Promise<void> {
    if (this.closed) throw new Error(`connection closed while waiting for ${what()}`);
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`timed out waiting for ${what()}`);
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, left);
      this.waiters.push(() => { clearTimeout(t); resolve(); });
    });
  }

  /** Next response line without CRLF; a trailing {n} literal and the rest of its line are included. */
  async readLine(waitMs = DEFAULT_WAIT_MS): Promise<Buffer> {
    const deadline = Date.now() + waitMs;
    let start = 0;
    for (;;) {
      const eol = this.buf.indexOf(CRLF, start);
      if (eol < 0) {
        await this.waitData(deadline, () => `a line (have ${JSON.stringify(this.buf.toString('latin1'))})`);
        continue;
      }
      const head = this.buf.subarray(0, eol).toString('latin1');
      // resp-text (OK/NO/BAD/BYE lines, continuations) never holds a literal:
      // "* OK {5}" is text, so only other lines may end in one.
      const lit = /^(\+|\S+ (OK|NO|BAD|BYE|PREAUTH)( |$))/.test(head) ? null : /\{(\d+)\}$/.exec(head);
      if (lit) {
        const need = eol + 2 + Number(lit[1]);
        if (this.buf.length < need) {
          await this.waitData(deadline, () => 'literal data');
          continue;
        }
        start = need;
        continue;
      }
      const line = this.buf.subarray(0, eol);
      this.buf = this.buf.subarray(eol + 2);
      return Buffer.from(line);
    }
  }

  /** Writes raw bytes as they are. */
  send(data: Buffer | string): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  }

  nextTag(): string {
    return `a${++this.tagCounter}`;
  }

  /**
   * Sends "<tag> <cmd>\r\n" and collects the reply. `cmd` may contain
   * literals "{n}\r\n<n bytes>" (the client waits for "+" before sending the
   * data) and "{n+}\r\n<n bytes>" (sent at once).
   */
  async command(cmd: string | Buffer, opts: { tag?: string; waitMs?: number } = {}): Promise<Response> {
    const tag = opts.tag ?? this.nextTag();
    const waitMs = opts.waitMs ?? DEFAULT_WAIT_MS;
    const data = Buffer.concat([Buffer.from(tag + ' '), typeof cmd === 'string' ? Buffer.from(cmd, 'utf8') : cmd, CRLF]);
    const text = data.toString('latin1');
    const untagged: Buffer[] = [];
    const continuations: Buffer[] = [];
    const re = /\{(\d+)(\+?)\}\r\n/g;
    let pos = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const end = m.index + m[0].length;
      if (m[2] === '') {
        this.send(data.subarray(pos, end));
        pos = end;
        for (;;) {
          const line = await this.readLine(waitMs);
          const s = line.toString('latin1');
          if (s.startsWith('+')) { continuations.push(line); break; }
          if (s.startsWith(tag + ' ')) return makeResponse(tag, line, untagged, continuations);
          untagged.push(line);
        }
      }
      re.lastIndex = end + Number(m[1]);
    }
    this.send(data.subarray(pos));
    for (;;) {
      const line = await this.readLine(waitMs);
      const s = line.toString('latin1');
      if (s.startsWith(tag + ' ')) return makeResponse(tag, line, untagged, continuations);
      if (s.startsWith('+')) continuations.push(line);
      else untagged.push(line);
    }
  }

  async login(user: string, password: string): Promise<Response> {
    return this.command(`LOGIN ${quote(user)} ${quote(password)}`);
  }

  /** Sends LOGOUT and waits for the server to close the connection. */
  async logout(): Promise<void> {
    if (this.closed) return;
    await this.command('LOGOUT').catch(() => undefined);
    this.socket.end();
    await this.waitClosed();
  }

  close(): void {
    this.socket.destroy();
  }

  waitClosed(): Promise<void> {
    return this.closedPromise;
  }
}

function makeResponse(tag: string, line: Buffer, untagged: Buffer[], continuations: Buffer[]): Response {
  const text = line.subarray(tag.length + 1).toString('utf8');
  const status = text.split(' ')[0];
  if (status !== 'OK' && status !== 'NO' && status !== 'BAD') {
    throw new Error(`bad tagged line: ${line.toString('latin1')}`);
  }
  return { tag, status, tagged: line, text, message: stripTiming(text), untagged, continuations };
}

const TIMING = / \(\d+\.\d{3} \+ \d+\.\d{3}( \+ \d+\.\d{3})? secs\)\.$/;

/**
 * Removes the timing suffix Dovecot 2.3 appends to tagged replies (PROTOCOL.md
 * §4.3: " (0.001 + 0.000 [+ 0.001] secs)."). Only that exact form is removed.
 */
export function stripTiming(text: string): string {
  return text.replace(TIMING, '');
}

/** An IMAP quoted string (for values without CR, LF or NUL). */
export function quote(s: string): string {
  if (/[\r\n\0]/.test(s)) throw new Error('cannot quote CR, LF or NUL');
  return '"' + s.replace(/[\\"]/g, (c) => '\\' + c) + '"';
}

export function str(b: Buffer): string {
  return b.toString('utf8');
}

export interface XexecData {
  /** The module as sent in the data line, decoded from its astring form. */
  module: string;
  /** Each output line's wire form (a quoted string or a ~base64url atom). */
  raw: Buffer[];
  /** Each output line's bytes. */
  items: Buffer[];
}

const B64URL = /^[A-Za-z0-9_-]*$/;

/** Decodes base64url without padding, strictly. */
export function decodeBase64url(s: string): Buffer {
  if (!B64URL.test(s) || s.length % 4 === 1) throw new Error(`not unpadded base64url: ${s}`);
  const out = Buffer.from(s, 'base64url');
  if (out.toString('base64url') !== s) throw new Error(`non-canonical base64url: ${s}`);
  return out;
}

/** Parses one quoted string at `pos` (which holds the opening quote). */
function parseQuoted(line: Buffer, pos: number): { value: Buffer; end: number } {
  const bytes: number[] = [];
  let i = pos + 1;
  for (;;) {
    if (i >= line.length) throw new Error('unterminated quoted string');
    const c = line[i]!;
    if (c === 0x22) return { value: Buffer.from(bytes), end: i + 1 };
    if (c === 0x5c) {
      const n = line[i + 1];
      if (n !== 0x5c && n !== 0x22) throw new Error(`bad escape at ${i}`);
      bytes.push(n);
      i += 2;
      continue;
    }
    if (c === 0x0d || c === 0x0a || c === 0) throw new Error(`CR/LF/NUL in quoted string at ${i}`);
    bytes.push(c);
    i++;
  }
}

/** Parses "* XEXEC <module> (<line> ...)" strictly per PROTOCOL.md §4; throws on any deviation. */
export function parseXexecData(line: Buffer): XexecData {
  const prefix = '* XEXEC ';
  if (line.subarray(0, prefix.length).toString('latin1') !== prefix) throw new Error('not an XEXEC data line');
  let i = prefix.length;
  let module: string;
  if (line[i] === 0x22) {
    const q = parseQuoted(line, i);
    module = q.value.toString('utf8');
    i = q.end;
  } else {
    const sp = line.indexOf(0x20, i);
    if (sp < 0) throw new Error('no space after the module');
    module = line.subarray(i, sp).toString('latin1');
    if (!/^[!#$&'*+,\-./0-9:;<=>?@A-Z^_`a-z|}~]+$/.test(module)) throw new Error(`bad module atom ${module}`);
    i = sp;
  }
  if (line[i] !== 0x20 || line[i + 1] !== 0x28) throw new Error(`expected " (" at ${i}`);
  i += 2;
  const raw: Buffer[] = [];
  const items: Buffer[] = [];
  if (line[i] === 0x29) i++;
  else {
    for (;;) {
      const start = i;
      if (line[i] === 0x22) {
        const q = parseQuoted(line, i);
        items.push(q.value);
        i = q.end;
      } else if (line[i] === 0x7e) {
        let j = i + 1;
        while (j < line.length && line[j] !== 0x20 && line[j] !== 0x29) j++;
        items.push(decodeBase64url(line.subarray(i + 1, j).toString('latin1')));
        i = j;
      } else {
        throw new Error(`expected a quoted string or ~atom at ${i}`);
      }
      raw.push(Buffer.from(line.subarray(start, i)));
      if (line[i] === 0x29) { i++; break; }
      if (line[i] !== 0x20) throw new Error(`expected SP or ")" at ${i}`);
      i++;
    }
  }
  if (i !== line.length) throw new Error(`trailing bytes after ")" at ${i}`);
  return { module, raw, items };
}

export interface Tagged {
  ok: boolean;
  /** "XEXEC-EXIT" etc., or null for an OK or a NO without an XEXEC code. */
  code: string | null;
  /** The number after the code, or null. */
  detail: number | null;
  /** The text after the code, timing suffix removed. */
  message: string;
}

/** Parses a tagged reply's text ("NO [XEXEC-EXIT 2] msg (0.001 + 0.000 secs)."). */
export function parseTagged(text: string): Tagged {
  const t = stripTiming(text);
  const m = /^(OK|NO|BAD) (?:\[(XEXEC-[A-Z]+)(?: (\d+))?\] )?(.*)$/s.exec(t);
  if (!m) throw new Error(`not a tagged reply: ${text}`);
  return {
    ok: m[1] === 'OK',
    code: m[2] ?? null,
    detail: m[3] === undefined ? null : Number(m[3]),
    message: m[4] ?? '',
  };
}
