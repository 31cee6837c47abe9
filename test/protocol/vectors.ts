/** The shared vectors, typed, plus the conversions every protocol test needs. */

import raw from '../vectors/protocol.json';

export const vectors = raw;

export function hex(h: string): Uint8Array {
  if (h.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(h)) throw new Error(`bad hex in vectors: ${h}`);
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Bytes as Thunderbird and the wire models see them: one char per byte. */
export function byteString(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** The bytes of an output line: its UTF-8 when it came as text, else the bytes themselves. */
export function lineBytes(line: string | Uint8Array): Uint8Array {
  return typeof line === 'string' ? utf8(line) : line;
}
