// The pixel code of `npm run screenshots` that no screenshot run checks by itself: reading
// Xvfb's screen file (XWD) and cropping to the window. A wrong channel order or row stride
// would still give a picture, just a wrong one.
import { describe, expect, it } from 'vitest';
import { cropRgba } from '../../scripts/png.js';
import { readXwd } from '../../scripts/xvfb.js';

/** An XWD file as Xvfb writes it: ZPixmap, 32 bits per pixel, the given byte order, rows padded. */
function xwd(width: number, height: number, rgb: (x: number, y: number) => [number, number, number], byteOrder: 0 | 1, bytesPerLine: number, colours = 0): Buffer {
  const name = Buffer.from('Xvfb main window\0');
  const headerSize = 100 + name.length;
  const fields = [headerSize, 7, 2, 24, width, height, 0, byteOrder, 32, byteOrder, 32, 32, bytesPerLine, 4,
    0xff0000, 0x00ff00, 0x0000ff, 8, 256, colours, width, height, 0, 0, 0];
  const header = Buffer.alloc(100);
  fields.forEach((v, i) => header.writeUInt32BE(v, i * 4));
  const data = Buffer.alloc(bytesPerLine * height, 0xee);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = rgb(x, y);
      const v = ((r << 16) | (g << 8) | b) >>> 0;
      if (byteOrder === 0) data.writeUInt32LE(v, y * bytesPerLine + x * 4);
      else data.writeUInt32BE(v, y * bytesPerLine + x * 4);
    }
  }
  return Buffer.concat([header, name, Buffer.alloc(colours * 12), data]);
}

const colour = (x: number, y: number): [number, number, number] => [x * 10, y * 20, 200 + x + y];

function pixel(image: { width: number; pixels: Buffer }, x: number, y: number): number[] {
  const at = (y * image.width + x) * 4;
  return [...image.pixels.subarray(at, at + 4)];
}

describe('readXwd', () => {
  for (const byteOrder of [0, 1] as const) {
    it(`reads every pixel as opaque RGB (byte order ${byteOrder === 0 ? 'LSB' : 'MSB'} first, padded rows, a colour map)`, () => {
      const image = readXwd(xwd(3, 2, colour, byteOrder, 16, 2));
      expect([image.width, image.height]).toEqual([3, 2]);
      for (let y = 0; y < 2; y++) for (let x = 0; x < 3; x++) expect(pixel(image, x, y)).toEqual([...colour(x, y), 255]);
    });
  }

  it('refuses a pixmap it cannot read', () => {
    const file = xwd(1, 1, colour, 0, 4);
    file.writeUInt32BE(1, 8); // XYPixmap
    expect(() => readXwd(file)).toThrow(/unexpected XWD/);
  });
});

describe('cropRgba', () => {
  const image = readXwd(xwd(4, 3, colour, 0, 16));

  it('keeps the rectangle, row by row', () => {
    const part = cropRgba(image, 1, 1, 2, 2);
    expect([part.width, part.height]).toEqual([2, 2]);
    expect(pixel(part, 0, 0)).toEqual([...colour(1, 1), 255]);
    expect(pixel(part, 1, 1)).toEqual([...colour(2, 2), 255]);
  });

  it('clips at the image\'s edges and refuses an empty rectangle', () => {
    const part = cropRgba(image, 2, 1, 10, 10);
    expect([part.width, part.height]).toEqual([2, 2]);
    expect(pixel(part, 1, 1)).toEqual([...colour(3, 2), 255]);
    expect(() => cropRgba(image, 4, 0, 1, 1)).toThrow(/nothing to crop/);
  });
});
