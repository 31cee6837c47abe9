// A small, dependency-free Marionette client (the protocol Firefox and
// Thunderbird speak with `--marionette`).
//
// Wire format: TCP; every message is `<byte length>:<json>`. The server first
// sends a hello object ({applicationType, marionetteProtocol}); then the client
// sends commands `[0, id, "Name", params]` and the server answers
// `[1, id, error | null, result]`.
import * as net from 'node:net';

export interface MarionetteHello {
  applicationType: string;
  marionetteProtocol: number;
}

/** An error the Marionette server reported for a command. */
export class MarionetteError extends Error {
  constructor(
    readonly command: string,
    /** WebDriver error code, e.g. "javascript error", "script timeout". */
    readonly error: string,
    message: string,
    readonly stacktrace: string,
  ) {
    super(`${command}: ${error}: ${message}`);
    this.name = 'MarionetteError';
  }
}

interface Pending {
  command: string;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

export type Context = 'chrome' | 'content';

export class Marionette {
  hello: MarionetteHello | null = null;
  closed = false;
  private buf: Buffer = Buffer.alloc(0);
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private helloWaiter: { resolve: (h: MarionetteHello) => void; reject: (e: Error) => void } | null = null;
  private context: Context = 'content';

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
      this.drain();
    });
    socket.on('close', () => this.fail(new Error('Marionette connection closed')));
    socket.on('error', (e) => this.fail(e));
  }

  /** Connects and reads the hello. Rejects when nothing listens or no hello arrives in time. */
  static async connect(port: number, host = '127.0.0.1', waitMs = 10_000): Promise<Marionette> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ port, host }, () => { s.off('error', reject); resolve(s); });
      s.once('error', reject);
    });
    const m = new Marionette(socket);
    const hello = new Promise<MarionetteHello>((resolve, reject) => { m.helloWaiter = { resolve, reject }; });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no Marionette hello')), waitMs);
    });
    try {
      m.hello = await Promise.race([hello, timeout]);
    } catch (e) {
      m.close();
      throw e;
    } finally {
      clearTimeout(timer);
    }
    return m;
  }

  private fail(e: Error): void {
    this.closed = true;
    this.helloWaiter?.reject(e);
    this.helloWaiter = null;
    for (const p of this.pending.values()) p.reject(new Error(`${p.command}: ${e.message}`));
    this.pending.clear();
  }

  private drain(): void {
    for (;;) {
      const colon = this.buf.indexOf(0x3a);
      if (colon < 0) return;
      const len = Number(this.buf.subarray(0, colon).toString('latin1'));
      if (!Number.isInteger(len) || len < 0) {
        this.socket.destroy(new Error(`bad Marionette frame header ${JSON.stringify(this.buf.subarray(0, colon).toString('latin1'))}`));
        return;
      }
      if (this.buf.length < colon + 1 + len) return;
      const body = this.buf.subarray(colon + 1, colon + 1 + len).toString('utf8');
      this.buf = this.buf.subarray(colon + 1 + len);
      this.dispatch(JSON.parse(body));
    }
  }

  private dispatch(msg: unknown): void {
    if (!Array.isArray(msg)) {
      const w = this.helloWaiter;
      this.helloWaiter = null;
      w?.resolve(msg as MarionetteHello);
      return;
    }
    const [type, id, error, result] = msg as [number, number, { error: string; message: string; stacktrace?: string } | null, unknown];
    if (type !== 1) return;
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (error) p.reject(new MarionetteError(p.command, error.error, error.message, error.stacktrace ?? ''));
    else p.resolve(result);
  }

  /** Sends one command and waits for its answer. */
  send<T = unknown>(command: string, params: Record<string, unknown> = {}): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`${command}: Marionette connection closed`));
    const id = this.nextId++;
    const json = Buffer.from(JSON.stringify([0, id, command, params]), 'utf8');
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { command, resolve: resolve as (v: unknown) => void, reject });
      this.socket.write(Buffer.concat([Buffer.from(`${json.length}:`, 'latin1'), json]));
    });
  }

  /**
   * WebDriver:NewSession. Marionette (Gecko 153) reads the capabilities from
   * the params object itself, not from `capabilities`/`alwaysMatch`.
   */
  newSession(capabilities: Record<string, unknown> = {}): Promise<{ sessionId: string; capabilities: Record<string, unknown> }> {
    return this.send('WebDriver:NewSession', capabilities);
  }

  async setContext(context: Context): Promise<void> {
    if (context === this.context) return;
    await this.send('Marionette:SetContext', { value: context });
    this.context = context;
  }

  setScriptTimeout(ms: number): Promise<unknown> {
    return this.send('WebDriver:SetTimeouts', { script: ms });
  }

  /**
   * Runs a function body (`arguments` holds args) in the current context; a
   * returned Promise is awaited. Values must be JSON-serialisable.
   */
  async execute<T = unknown>(script: string, args: unknown[] = [], opts: { sandbox?: string; newSandbox?: boolean } = {}): Promise<T> {
    const r = await this.send<{ value: T }>('WebDriver:ExecuteScript', {
      script, args, sandbox: opts.sandbox, newSandbox: opts.newSandbox ?? true,
    });
    return r.value;
  }

  /** Marionette:Quit. The connection closes with it. */
  async quit(flags: string[] = ['eForceQuit']): Promise<unknown> {
    return this.send('Marionette:Quit', { flags });
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }
}
