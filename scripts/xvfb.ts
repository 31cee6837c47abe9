// A private X display for the screenshots a headless Thunderbird cannot make: an open menu is a
// popup widget of its own, outside the window that Marionette's WebDriver:TakeScreenshot and
// drawSnapshot capture (tried: the menu is simply not there). On Xvfb, Thunderbird runs as on a
// desktop and the screen is what a person would see. Xvfb's -fbdir keeps the screen in a file in
// XWD format, so it is read here without any further tool (no xwd, no ImageMagick).
//
// Only `npm run screenshots` needs Xvfb, so it is not in system-deps.sh: it is installed here
// when missing (as root), or the exact apt-get line is printed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { killGroupSync } from '../test/support/procs.mjs';

const WATCHDOG = fileURLToPath(new URL('../test/support/watchdog.mjs', import.meta.url));
const SOCKET_DIR = '/tmp/.X11-unix';

export interface Rgba {
  width: number;
  height: number;
  pixels: Buffer;
}

export interface XDisplay {
  /** ":N", for DISPLAY. */
  readonly name: string;
  /** The whole screen as it is now, RGBA. */
  capture(): Rgba;
  stop(): Promise<void>;
}

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Xvfb, installed with apt-get when missing and run as root; else the line to run. */
function ensureXvfb(): void {
  if (onPath('Xvfb')) return;
  const line = 'apt-get install -y --no-install-recommends xvfb';
  if (process.getuid?.() !== 0) {
    throw new Error(`The menu screenshots need Xvfb (a virtual X display), which is not installed. Run as root: ${line}`);
  }
  console.log(`Xvfb (a virtual X display, for the menu screenshots) is not installed: ${line}`);
  const r = spawnSync('sh', ['-c', line], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.status !== 0 || !onPath('Xvfb')) throw new Error(`${line} failed`);
}

/** The display number Xvfb writes to -displayfd once it accepts clients. */
function displayNumber(child: ChildProcess, waitMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`Xvfb did not start within ${waitMs} ms: ${err.trim()}`)), waitMs);
    child.stdio[2]?.on('data', (d: Buffer) => { err += d.toString(); });
    child.stdio[3]?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^(\d+)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited (${code}): ${err.trim()}`));
    });
  });
}

/** Pixels of Xvfb's screen file: XWD (X11/XWDFile.h), a ZPixmap of 24 or 32 bits per pixel. */
export function readXwd(file: Buffer): Rgba {
  const field = (i: number) => file.readUInt32BE(i * 4);
  const headerSize = field(0);
  const [format, width, height, byteOrder, bitsPerPixel, bytesPerLine] = [field(2), field(4), field(5), field(7), field(11), field(12)];
  const masks = [field(14), field(15), field(16)];
  const colours = field(19);
  if (format !== 2 || (bitsPerPixel !== 32 && bitsPerPixel !== 24)) throw new Error(`unexpected XWD: format ${format}, ${bitsPerPixel} bits per pixel`);
  const data = headerSize + colours * 12;
  const shift = (mask: number) => { let s = 0; while (s < 32 && !((mask >>> s) & 1)) s++; return s; };
  const shifts = masks.map(shift);
  const bytes = bitsPerPixel / 8;
  const pixels = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = data + y * bytesPerLine + x * bytes;
      let v = 0;
      if (byteOrder === 0) for (let b = bytes - 1; b >= 0; b--) v = v * 256 + file[at + b]!;
      else for (let b = 0; b < bytes; b++) v = v * 256 + file[at + b]!;
      const o = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) pixels[o + c] = (v & masks[c]!) >>> shifts[c]!;
      pixels[o + 3] = 255;
    }
  }
  return { width, height, pixels };
}

/** Starts Xvfb with one screen of width x height, 24-bit colour; stop() ends it and removes its files. */
export async function startXvfb(width: number, height: number): Promise<XDisplay> {
  ensureXvfb();
  const socketDirExisted = fs.existsSync(SOCKET_DIR);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xexec-xvfb-'));
  // -nolisten unix: no /tmp/.X11-unix left behind, even when the script is killed (the abstract
  // socket goes with the process); -nocursor: no pointer in the pictures.
  const child = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', `${width}x${height}x24`, '-fbdir', dir, '-nolisten', 'tcp', '-nolisten', 'unix', '-noreset', '-nocursor'],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], detached: true });
  const pgid = child.pid ?? 0;
  // Killed with the script, however it ends (a SIGKILL too: the harness's watchdog).
  const watchdog = spawn(process.execPath, [WATCHDOG, String(process.pid), JSON.stringify({ kind: 'group', pgid, dir })], { stdio: 'ignore', detached: true });
  watchdog.unref();
  let stopped = false;
  const cleanupSync = () => {
    if (stopped) return;
    stopped = true;
    if (pgid) killGroupSync(pgid);
    if (watchdog.pid) { try { process.kill(watchdog.pid, 'SIGTERM'); } catch { /* gone */ } }
    fs.rmSync(dir, { recursive: true, force: true });
    // With -nolisten unix Xvfb listens on Linux's abstract socket only and makes no socket
    // folder; should one still appear (another build), it is removed once empty.
    if (!socketDirExisted) { try { fs.rmdirSync(SOCKET_DIR); } catch { /* not empty: another X server uses it */ } }
  };
  process.once('exit', cleanupSync);
  try {
    const n = await displayNumber(child, 20_000);
    child.stdio[2]?.removeAllListeners('data');
    (child.stdio[2] as NodeJS.ReadableStream | null)?.resume();
    return {
      name: `:${n}`,
      capture: () => readXwd(fs.readFileSync(path.join(dir, 'Xvfb_screen0'))),
      stop: async () => {
        process.removeListener('exit', cleanupSync);
        cleanupSync();
      },
    };
  } catch (e) {
    process.removeListener('exit', cleanupSync);
    cleanupSync();
    throw e;
  }
}
