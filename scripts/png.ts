// Lossless re-encoding of the screenshots Thunderbird makes (8-bit RGBA, no interlace) into
// smaller PNGs for docs/: the alpha channel is dropped when every pixel is opaque, an image
// of at most 256 colours gets a palette, each row gets the filter that suits it best
// (minimum sum of absolute differences, as libpng's heuristic), and zlib runs at level 9.
import * as zlib from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Pixels of an 8-bit RGBA, non-interlaced PNG. */
export function decodeRgba(png: Buffer): { width: number; height: number; pixels: Buffer } {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG');
  let at = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || data[9] !== 6 || data[12] !== 0) {
        throw new Error(`unexpected PNG: bit depth ${data[8]}, colour type ${data[9]}, interlace ${data[12]}`);
      }
    } else if (type === 'IDAT') {
      idat.push(data);
    }
    at += 12 + length;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = pixels.subarray(y * stride, (y + 1) * stride);
    const up = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : Buffer.alloc(stride);
    for (let x = 0; x < stride; x++) {
      const a = x >= 4 ? row[x - 4]! : 0;
      const b = up[x]!;
      const c = x >= 4 ? up[x - 4]! : 0;
      const predictor = filter === 0 ? 0 : filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : paeth(a, b, c);
      row[x] = (src[x]! + predictor) & 0xff;
    }
  }
  return { width, height, pixels };
}

/** Filters every row with the filter whose output has the smallest sum of absolute values. */
function filterRows(data: Buffer, stride: number, height: number, bpp: number): Buffer {
  const out = Buffer.alloc((stride + 1) * height);
  const candidate = Buffer.alloc(stride);
  const zero = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const row = data.subarray(y * stride, (y + 1) * stride);
    const up = y > 0 ? data.subarray((y - 1) * stride, y * stride) : zero;
    let best = -1;
    let bestSum = Infinity;
    for (let filter = 0; filter <= 4; filter++) {
      let sum = 0;
      for (let x = 0; x < stride; x++) {
        const a = x >= bpp ? row[x - bpp]! : 0;
        const b = up[x]!;
        const c = x >= bpp ? up[x - bpp]! : 0;
        const predictor = filter === 0 ? 0 : filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : paeth(a, b, c);
        const v = (row[x]! - predictor) & 0xff;
        candidate[x] = v;
        sum += v < 128 ? v : 256 - v;
      }
      if (sum < bestSum) {
        bestSum = sum;
        best = filter;
        out[y * (stride + 1)] = filter;
        candidate.copy(out, y * (stride + 1) + 1);
      }
    }
    if (best < 0) throw new Error('no filter');
  }
  return out;
}

/** The same image, losslessly, in as few bytes as this simple encoder manages. */
export function recompressPng(png: Buffer): Buffer {
  const { width, height, pixels } = decodeRgba(png);
  return encodePng(width, height, pixels);
}

/** A rectangle of 8-bit RGBA pixels (clipped to the image). */
export function cropRgba(image: { width: number; height: number; pixels: Buffer }, x: number, y: number, width: number, height: number): { width: number; height: number; pixels: Buffer } {
  const left = Math.max(0, Math.round(x));
  const top = Math.max(0, Math.round(y));
  const w = Math.min(image.width - left, Math.round(width));
  const h = Math.min(image.height - top, Math.round(height));
  if (w <= 0 || h <= 0) throw new Error(`nothing to crop at ${x},${y} ${width}x${height} in ${image.width}x${image.height}`);
  const pixels = Buffer.alloc(w * h * 4);
  for (let row = 0; row < h; row++) {
    const from = ((top + row) * image.width + left) * 4;
    image.pixels.copy(pixels, row * w * 4, from, from + w * 4);
  }
  return { width: w, height: h, pixels };
}

/** 8-bit RGBA pixels as a PNG, in as few bytes as this simple encoder manages. */
export function encodePng(width: number, height: number, pixels: Buffer): Buffer {
  const count = width * height;
  let opaque = true;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 255) { opaque = false; break; }
  const channels = opaque ? 3 : 4;
  const colors = new Map<number, number>();
  for (let i = 0; i < count && colors.size <= 256; i++) {
    const p = pixels.readUInt32BE(i * 4);
    if (!colors.has(p)) colors.set(p, colors.size);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  let idat: Buffer;
  const extra: Buffer[] = [];
  if (colors.size <= 256) {
    ihdr[9] = 3;
    const plte = Buffer.alloc(colors.size * 3);
    const trns = Buffer.alloc(colors.size);
    for (const [p, index] of colors) {
      plte[index * 3] = p >>> 24;
      plte[index * 3 + 1] = (p >>> 16) & 0xff;
      plte[index * 3 + 2] = (p >>> 8) & 0xff;
      trns[index] = p & 0xff;
    }
    extra.push(chunk('PLTE', plte));
    if (!opaque) extra.push(chunk('tRNS', trns));
    const indexed = Buffer.alloc(count);
    for (let i = 0; i < count; i++) indexed[i] = colors.get(pixels.readUInt32BE(i * 4))!;
    idat = filterRows(indexed, width, height, 1);
  } else {
    ihdr[9] = opaque ? 2 : 6;
    const packed = Buffer.alloc(count * channels);
    for (let i = 0; i < count; i++) pixels.copy(packed, i * channels, i * 4, i * 4 + channels);
    idat = filterRows(packed, width * channels, height, channels);
  }
  const compressed = zlib.deflateSync(idat, { level: 9, memLevel: 9 });
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), ...extra, chunk('IDAT', compressed), chunk('IEND', Buffer.alloc(0))]);
}
