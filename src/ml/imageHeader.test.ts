import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { readImageHeader, type ImageHeader } from './imageHeader';
import { forgedBmp, forgedGif, forgedHeif, forgedJpeg, forgedPng, forgedWebp } from './node/forgedImages';
import { sampleBytes, SAMPLES_DIR } from './node/testImages';

const sized = (format: string, width: number, height: number): ImageHeader => ({ format, width, height }) as ImageHeader;

describe('readImageHeader', () => {
  it('reads the size of real files without decoding them', () => {
    expect(readImageHeader(sampleBytes(3))).toEqual(sized('jpeg', 1920, 1350));
    const png = new PNG({ width: 321, height: 123 });
    expect(readImageHeader(new Uint8Array(PNG.sync.write(png)))).toEqual(sized('png', 321, 123));
    expect(readImageHeader(readFileSync(`${SAMPLES_DIR}/facemesh.png`)).format).toBe('png');
    expect(readImageHeader(readFileSync(`${SAMPLES_DIR}/../../human/tmp/image.gif`))).toEqual(sized('gif', 200, 196));
  });

  it('reads each format from its header', () => {
    expect(readImageHeader(forgedPng(30_000, 30_000))).toEqual(sized('png', 30_000, 30_000));
    expect(readImageHeader(forgedJpeg(11_000, 11_000))).toEqual(sized('jpeg', 11_000, 11_000));
    expect(readImageHeader(forgedJpeg(640, 480, 0xc2))).toEqual(sized('jpeg', 640, 480));
    expect(readImageHeader(forgedWebp(1000, 700))).toEqual(sized('webp', 1000, 700));
    expect(readImageHeader(forgedWebp(16_384, 1, 'VP8L'))).toEqual(sized('webp', 16_384, 1));
    expect(readImageHeader(forgedWebp(16_777_216, 9, 'VP8X'))).toEqual(sized('webp', 16_777_216, 9));
    expect(readImageHeader(forgedGif(65_535, 2))).toEqual(sized('gif', 65_535, 2));
    expect(readImageHeader(forgedBmp(800, -600))).toEqual(sized('bmp', 800, 600));
    expect(readImageHeader(forgedHeif('heic', { width: 4032, height: 3024 }))).toEqual(sized('heic', 4032, 3024));
    expect(readImageHeader(forgedHeif('avif', { width: 90_000, height: 90_000 }))).toEqual(sized('avif', 90_000, 90_000));
    expect(readImageHeader(forgedHeif('heic'))).toEqual({ format: 'heic', width: null, height: null });
  });

  it('skips the segments before a JPEG frame header (DHT, DAC and JPG are not frames)', () => {
    const jpeg = forgedJpeg(640, 480);
    const notFrames = [0xc4, 0xc8, 0xcc].flatMap((m) => [0xff, m, 0x00, 0x04, 0x12, 0x34]);
    const withTables = new Uint8Array([...jpeg.subarray(0, 2), 0xff, 0xff, ...notFrames, 0xff, 0xd0, ...jpeg.subarray(2)]);
    expect(readImageHeader(withTables)).toEqual(sized('jpeg', 640, 480));
    // A scan before any frame header: no size.
    expect(readImageHeader(new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0x00, 0x08, 0, 0, 0, 0, 0, 0, ...jpeg.subarray(2)]))).toEqual({ format: 'jpeg', width: null, height: null });
  });

  it('grows a GIF to a first frame reaching beyond its logical screen', () => {
    const gif = forgedGif(10, 10);
    gif.set([0x10, 0x27, 0x10, 0x27], 18); // the frame is 10000 × 10000
    expect(readImageHeader(gif)).toEqual(sized('gif', 10_000, 10_000));
  });

  it('knows the format of a file cut short before its size', () => {
    for (const bytes of [forgedPng(9, 9), forgedJpeg(9, 9), forgedWebp(9, 9), forgedGif(9, 9), forgedBmp(9, 9)]) {
      const format = readImageHeader(bytes).format;
      const cut = readImageHeader(bytes.subarray(0, format === 'jpeg' ? 24 : format === 'gif' ? 7 : 16));
      expect(cut).toEqual({ format, width: null, height: null });
    }
  });

  it('calls text and other files unknown', () => {
    for (const text of ['', 'BM', 'BMW service notes, not a bitmap', '%PDF-1.7', 'RIFF....WAVEfmt ', '....ftypisom....']) {
      const header = readImageHeader(new TextEncoder().encode(text));
      expect(header.format === 'unknown' || (text === 'BM' && header.format === 'bmp')).toBe(true);
    }
  });

  const FORGERS = [
    (w: number, h: number) => forgedPng(w, h),
    (w: number, h: number) => forgedJpeg(w, h),
    (w: number, h: number) => forgedGif(w, h),
    (w: number, h: number) => forgedBmp(w, h),
    (w: number, h: number) => forgedHeif('heic', { width: w, height: h }),
  ];

  it('reads back every size it is given', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: FORGERS.length - 1 }), fc.integer({ min: 1, max: 65_535 }), fc.integer({ min: 1, max: 65_535 }), (k, w, h) => {
        const header = readImageHeader(FORGERS[k]!(w, h));
        expect(header).toMatchObject({ width: w, height: h });
      }),
    );
  });

  const isHeader = (h: ImageHeader) =>
    h.format === 'unknown' ? Object.keys(h).length === 1 : (h.width === null && h.height === null) || (Number.isInteger(h.width) && Number.isInteger(h.height) && h.width! >= 0 && h.height! >= 0);

  it('never throws on garbage: random bytes, truncations and corruptions of real headers', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => isHeader(readImageHeader(bytes))));
    const real = [...FORGERS.map((f) => f(640, 480)), forgedWebp(640, 480), forgedWebp(640, 480, 'VP8L'), forgedWebp(640, 480, 'VP8X'), forgedHeif('avif')];
    fc.assert(
      fc.property(fc.constantFrom(...real), fc.nat(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), (file, cut, flips) => {
        const bytes = file.slice(0, cut % (file.length + 1));
        for (const [at, value] of flips) if (bytes.length) bytes[at % bytes.length] = value;
        return isHeader(readImageHeader(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it('ends on boxes and segments that claim impossible lengths', () => {
    const loop = new Uint8Array([...forgedHeif('heic').subarray(0, 24), 0, 0, 0, 0, 0x6d, 0x65, 0x74, 0x61]); // a size-0 meta box
    expect(readImageHeader(loop).format).toBe('heic');
    const huge = new Uint8Array([...forgedHeif('heic').subarray(0, 24), 0, 0, 0, 1, 0x6d, 0x65, 0x74, 0x61, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    expect(readImageHeader(huge)).toEqual({ format: 'heic', width: null, height: null });
    expect(readImageHeader(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x00]))).toEqual({ format: 'jpeg', width: null, height: null });
  });
});
