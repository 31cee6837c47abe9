// What the tests' throwaway Dovecots and Thunderbirds share: free loopback ports, a greeting check, pauses, and
// cleanup of whatever is still running when the test process exits or is signalled.
import * as net from 'node:net';

export interface SyncCleanup {
  /** Kills what it started and removes its files, synchronously (runs in an exit handler). */
  cleanupSync(): void;
}

const live = new Set<SyncCleanup>();
let handlersInstalled = false;

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const cleanAll = () => { for (const thing of [...live]) thing.cleanupSync(); };
  process.on('exit', cleanAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => { cleanAll(); process.kill(process.pid, sig); });
  }
}

/** Cleans `thing` up at process exit unless untrack() was called first. */
export function track(thing: SyncCleanup): void {
  installExitHandlers();
  live.add(thing);
}

export function untrack(thing: SyncCleanup): void {
  live.delete(thing);
}

/** The harness's one sleep (procs.mjs), under the name the TypeScript harness uses. */
export { sleep as delay } from './procs.mjs';

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** True when a connection to the loopback port receives a first line starting with `prefix`. */
export function greets(port: number, prefix: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    let data = '';
    const done = (ok: boolean) => { s.destroy(); resolve(ok); };
    s.setTimeout(5000, () => done(false));
    s.on('error', () => done(false));
    s.on('data', (d) => { data += d.toString('latin1'); if (data.includes('\n')) done(data.startsWith(prefix)); });
  });
}
