/**
 * Hand-built image files for the header and decoder tests: just enough bytes
 * to claim a format and a size, so a 30000 × 30000 "photo" is a few hundred
 * bytes and a test can show it is refused before anything decodes it.
 */
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const ascii = (s: string): number[] => [...s].map((ch) => ch.charCodeAt(0));
const u16le = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff];
const u16be = (n: number): number[] => [(n >>> 8) & 0xff, n & 0xff];
const u24le = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff];
const u32le = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const u32be = (n: number): number[] => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];

function pngChunk(type: string, data: Uint8Array | number[]): number[] {
  const body = Uint8Array.from([...ascii(type), ...data]);
  return [...u32be(body.length - 4), ...body, ...u32be(crc32(body))];
}

/** A valid PNG signature and IHDR (8-bit RGBA) claiming width × height, with one tiny IDAT: a decompression bomb's shape. */
export function forgedPng(width: number, height: number): Uint8Array {
  const ihdr = [...u32be(width), ...u32be(height), 8, 6, 0, 0, 0];
  return Uint8Array.from([
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a,
    ...pngChunk('IHDR', ihdr),
    ...pngChunk('IDAT', deflateSync(Buffer.alloc(64))),
    ...pngChunk('IEND', []),
  ]);
}

/** SOI, a JFIF APP0 and a baseline SOF0 frame header claiming width × height; no scan data. */
export function forgedJpeg(width: number, height: number, sof = 0xc0): Uint8Array {
  const app0 = [0xff, 0xe0, ...u16be(16), ...ascii('JFIF'), 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
  const frame = [0xff, sof, ...u16be(17), 8, ...u16be(height), ...u16be(width), 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
  return Uint8Array.from([0xff, 0xd8, ...app0, ...frame, 0xff, 0xd9]);
}

/** A GIF89a whose logical screen is width × height, with one image descriptor covering it. */
export function forgedGif(width: number, height: number): Uint8Array {
  return Uint8Array.from([...ascii('GIF89a'), ...u16le(width), ...u16le(height), 0, 0, 0, 0x2c, 0, 0, 0, 0, ...u16le(width), ...u16le(height), 0, 2, 2, 0x4c, 0x01, 0, 0x3b]);
}

function riff(chunk: string, data: number[]): Uint8Array {
  const body = [...ascii('WEBP'), ...ascii(chunk), ...u32le(data.length), ...data];
  return Uint8Array.from([...ascii('RIFF'), ...u32le(body.length), ...body]);
}

/** A WebP of each kind of first chunk: lossy (VP8), lossless (VP8L) or extended (VP8X). */
export function forgedWebp(width: number, height: number, kind: 'VP8' | 'VP8L' | 'VP8X' = 'VP8'): Uint8Array {
  if (kind === 'VP8L') {
    const bits = ((width - 1) & 0x3fff) | (((height - 1) & 0x3fff) << 14);
    return riff('VP8L', [0x2f, ...u32le(bits >>> 0)]);
  }
  if (kind === 'VP8X') return riff('VP8X', [0, 0, 0, 0, ...u24le(width - 1), ...u24le(height - 1)]);
  return riff('VP8 ', [0x30, 0x01, 0x00, 0x9d, 0x01, 0x2a, ...u16le(width & 0x3fff), ...u16le(height & 0x3fff)]);
}

/** A Windows BMP (BITMAPINFOHEADER, 24 bits) claiming width × height; a negative height is top-down. */
export function forgedBmp(width: number, height: number): Uint8Array {
  const info = [...u32le(40), ...u32le(width), ...u32le(height), ...u16le(1), ...u16le(24), ...new Array<number>(24).fill(0)];
  return Uint8Array.from([...ascii('BM'), ...u32le(54), 0, 0, 0, 0, ...u32le(54), ...info]);
}

function box(type: string, body: number[]): number[] {
  return [...u32be(body.length + 8), ...ascii(type), ...body];
}

/** An ISO-BMFF image (HEIC or AVIF): ftyp, then meta → iprp → ipco → ispe claiming width × height, when given. */
export function forgedHeif(brand: 'heic' | 'avif', size?: { width: number; height: number }): Uint8Array {
  const ftyp = box('ftyp', [...ascii(brand), 0, 0, 0, 0, ...ascii('mif1'), ...ascii(brand)]);
  const hdlr = box('hdlr', [0, 0, 0, 0, 0, 0, 0, 0, ...ascii('pict'), ...new Array<number>(13).fill(0)]);
  const ispe = size ? box('ispe', [0, 0, 0, 0, ...u32be(size.width), ...u32be(size.height)]) : [];
  const meta = box('meta', [0, 0, 0, 0, ...hdlr, ...box('iprp', box('ipco', ispe))]);
  return Uint8Array.from([...ftyp, ...meta]);
}
