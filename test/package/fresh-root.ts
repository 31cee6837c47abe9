// Drives test/package/inside.sh in a fresh copy of a cached Debian root (scripts/in-fresh-root.sh):
// one process, spoken to line by line over stdin/stdout, killed with its whole pid namespace at
// the end or when the test process exits.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { track, untrack, type SyncCleanup } from '../support/lifecycle';

export const repo = path.resolve(__dirname, '../..');

/** Runs a script of the repository synchronously; throws with its stderr when it fails. */
export function runScript(args: string[], env: NodeJS.ProcessEnv = {}): string {
  const r = spawnSync('sh', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    throw new Error(`sh ${args.join(' ')} exited with ${r.status ?? r.signal}:\n${r.stderr}`);
  }
  return r.stdout.trim();
}

/** A temp folder: share/ is bound into the root, tmp/ takes the overlay's layers. */
export class Workspace implements SyncCleanup {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xexec-package-'));
  readonly share = path.join(this.dir, 'share');
  readonly tmp = path.join(this.dir, 'tmp');
  private procs = new Set<ChildProcess>();

  constructor() {
    fs.mkdirSync(this.share);
    fs.mkdirSync(this.tmp);
    track(this);
  }

  adopt(child: ChildProcess): void {
    this.procs.add(child);
    child.once('exit', () => this.procs.delete(child));
  }

  cleanupSync(): void {
    for (const child of this.procs) killGroup(child);
    this.procs.clear();
    // Mounts live only in the runs' private namespaces; --one-file-system guards the host anyway.
    spawnSync('rm', ['-rf', '--one-file-system', this.dir]);
    untrack(this);
  }
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  // The group holds in-fresh-root.sh and its unshare; unshare's --kill-child takes the pid
  // namespace (Dovecot and all) down with it.
  try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
}

/** inside.sh running in a fresh root; steps() and its answers "READY <what>" / "FAIL <why>". */
export class InsideRun {
  private lines: string[] = [];
  private waiters: Array<() => void> = [];
  private stderr = '';
  private exited: Promise<number | null>;
  private child: ChildProcess;

  constructor(ws: Workspace, root: string, args: string[]) {
    const script = path.join(ws.share, 'inside.sh');
    fs.copyFileSync(path.join(__dirname, 'inside.sh'), script);
    this.child = spawn('sh', [path.join(repo, 'scripts/in-fresh-root.sh'), root, '--bind', ws.share, '--',
      'sh', script, ws.share, ...args], {
      cwd: repo, env: { ...process.env, TMPDIR: ws.tmp }, detached: true, stdio: ['pipe', 'pipe', 'pipe'],
    });
    ws.adopt(this.child);
    let buf = '';
    this.child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      buf += s;
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        this.lines.push(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
      this.wake();
    });
    this.child.stderr!.setEncoding('utf8').on('data', (s: string) => { this.stderr += s; });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code) => { this.wake(); resolve(code); });
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private gone(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Waits for "READY <what>"; a FAIL line, an early exit or the deadline throw with the log. */
  async ready(what: string, waitMs = 180_000): Promise<void> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const line = this.lines.shift();
      if (line !== undefined) {
        if (line === `READY ${what}`) return;
        throw new Error(`inside.sh said '${line}' instead of 'READY ${what}':\n${this.stderr}`);
      }
      if (this.gone()) throw new Error(`inside.sh exited (${this.child.exitCode ?? this.child.signalCode}) before 'READY ${what}':\n${this.stderr}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no 'READY ${what}' from inside.sh within ${waitMs} ms:\n${this.stderr}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  step(name: string): void {
    this.child.stdin!.write(`${name}\n`);
  }

  /** Closes stdin and waits for the exit code. */
  async finish(): Promise<number | null> {
    this.child.stdin!.end();
    return this.exited;
  }

  log(): string {
    return this.stderr;
  }
}
