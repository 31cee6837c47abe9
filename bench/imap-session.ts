// A lean IMAP client for the benchmarks: one command in flight per session,
// the reply's chunks joined once, when its tail holds the tagged line. Shared by
// bench/server and bench/client.
import * as net from 'node:net';

/** A lean pipelining-free client: one command in flight per session. */
export class Session {
  private chunks: Buffer[] = [];
  private pending: { tag: string; resolve: (reply: Buffer) => void } | null = null;
  private counter = 0;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  static async open(port: number, user: string, password: string): Promise<Session> {
    const socket = net.connect({ port, host: '127.0.0.1' });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const session = new Session(socket);
    await session.waitGreeting();
    const reply = await session.run(`LOGIN "${user}" "${password}"`);
    if (!/^\S+ OK/m.test(reply.toString('latin1').split('\r\n').at(-2) ?? '')) {
      throw new Error(`LOGIN failed: ${reply.toString('latin1')}`);
    }
    return session;
  }

  private greeting?: () => void;

  private waitGreeting(): Promise<void> {
    return new Promise((resolve) => {
      this.greeting = resolve;
      this.onData(Buffer.alloc(0));
    });
  }

  private onData(chunk: Buffer): void {
    if (chunk.length > 0) this.chunks.push(chunk);
    if (this.greeting) {
      const all = Buffer.concat(this.chunks);
      if (all.indexOf('\r\n') < 0) return;
      this.chunks = [];
      const done = this.greeting;
      this.greeting = undefined;
      done();
      return;
    }
    const last = this.chunks.at(-1);
    if (!this.pending || !last || last[last.length - 1] !== 0x0a) return;
    // The tagged reply is the last line: look at the tail only (the last
    // chunks up to 1 KiB), and join the chunks once, when the reply is complete.
    let tailChunks = 0;
    for (let n = 0, i = this.chunks.length - 1; i >= 0 && n < 1024; i--) {
      n += this.chunks[i]!.length;
      tailChunks++;
    }
    const tailBytes = Buffer.concat(this.chunks.slice(-tailChunks));
    if (tailBytes.length < 2) return;
    const previousEnd = tailBytes.lastIndexOf('\r\n', tailBytes.length - 3);
    const tail = tailBytes.subarray(previousEnd < 0 ? 0 : previousEnd + 2).toString('latin1');
    if (!tail.startsWith(this.pending.tag + ' ')) return;
    const { resolve } = this.pending;
    this.pending = null;
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = [];
    resolve(all);
  }

  run(command: string): Promise<Buffer> {
    const tag = `b${++this.counter}`;
    return new Promise((resolve) => {
      this.pending = { tag, resolve };
      this.socket.write(`${tag} ${command}\r\n`);
    });
  }

  close(): void {
    this.socket.destroy();
  }
}
