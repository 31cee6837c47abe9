/**
 * Byte helpers shared by the codec. The add-on runs in Thunderbird, where Node's Buffer does
 * not exist, and btoa/atob speak standard base64 and accept sloppy input, so base64url is
 * done here, strictly: a reply that is not canonical base64url is a broken or hostile reply.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const DECODE_TABLE: Int8Array = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i;
  return table;
})();

export function base64urlEncode(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += ALPHABET.charAt(n >>> 18) + ALPHABET.charAt((n >>> 12) & 63) + ALPHABET.charAt((n >>> 6) & 63) + ALPHABET.charAt(n & 63);
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] ?? 0) << 16;
    out += ALPHABET.charAt(n >>> 18) + ALPHABET.charAt((n >>> 12) & 63);
  } else if (rest === 2) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8);
    out += ALPHABET.charAt(n >>> 18) + ALPHABET.charAt((n >>> 12) & 63) + ALPHABET.charAt((n >>> 6) & 63);
  }
  return out;
}

/**
 * Decodes `text[start, end)` as unpadded or correctly padded base64url. Returns null for
 * anything else, including set bits after the last whole byte: a conforming encoder never
 * produces them, so accepting them would let two different wire forms mean the same bytes.
 */
export function base64urlDecode(text: string, start = 0, end = text.length): Uint8Array | null {
  let stop = end;
  while (stop > start && text.charCodeAt(stop - 1) === 0x3d /* = */) stop--;
  const padding = end - stop;
  const chars = stop - start;
  if (chars % 4 === 1) return null;
  if (padding > 0 && (padding > 2 || (chars + padding) % 4 !== 0)) return null;

  const out = new Uint8Array(Math.floor((chars * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = start; i < stop; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? (DECODE_TABLE[c] ?? -1) : -1;
    if (v < 0) return null;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
    }
  }
  if ((acc & ((1 << bits) - 1)) !== 0) return null;
  return out;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Index of the first unpaired surrogate, or -1. TextEncoder would silently turn it into U+FFFD. */
export function findLoneSurrogate(text: string): number {
  const match = LONE_SURROGATE.exec(text);
  return match === null ? -1 : match.index;
}

const encoder = new TextEncoder();

/** Callers check findLoneSurrogate first when the exact bytes matter. */
export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

// ignoreBOM: a line that starts with U+FEFF must come back with it, byte for byte.
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The text of valid UTF-8, or null: invalid bytes must stay visible as bytes, not as U+FFFD. */
export function utf8DecodeStrict(bytes: Uint8Array): string | null {
  // Pure ASCII is by far the common case (addresses, keys); skip the decoder object for it.
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if ((bytes[i] ?? 0) > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) return latin1String(bytes);
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Thunderbird hands over server bytes as one JS char per byte. Returns null when a char is
 * above 0xFF, i.e. the string is not such a byte string.
 */
export function byteStringToBytes(text: string, start = 0, end = text.length): Uint8Array | null {
  const out = new Uint8Array(end - start);
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) return null;
    out[i - start] = c;
  }
  return out;
}

/** One JS char per byte: the inverse of byteStringToBytes. Chunked to stay clear of argument limits. */
export function latin1String(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode.apply(null, Array.from(bytes.subarray(i, i + 8192)));
  }
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}
