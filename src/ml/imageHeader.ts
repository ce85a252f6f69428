/**
 * What an image file says it is, read from its first bytes without decoding
 * it: the format, and the pixel size its header claims. The decoders ask this
 * first, so a 30000 × 30000 PNG of 875 KB is refused before anything inflates
 * it, and a GIF or HEIC is named instead of called damaged. Pure and
 * import-free; garbage (empty, truncated, random) reads as 'unknown' or as a
 * format without a size, never as an exception.
 */

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'bmp' | 'heic' | 'avif';

export type ImageHeader =
  | { format: ImageFormat; width: number; height: number }
  /** The format is known but its size was not in the bytes given (truncated, or beyond the prefix read). */
  | { format: ImageFormat; width: null; height: null }
  | { format: 'unknown' };

/** Names for people: "This photo is a HEIC file…". */
export const FORMAT_NAMES: Record<ImageFormat, string> = { jpeg: 'JPEG', png: 'PNG', webp: 'WebP', gif: 'GIF', bmp: 'BMP', heic: 'HEIC', avif: 'AVIF' };

/** How many leading bytes the browser reads: every header below fits, bar a JPEG or HEIF with a huge metadata block first. */
export const HEADER_PREFIX_BYTES = 64 * 1024;

export function readImageHeader(bytes: Uint8Array): ImageHeader {
  const b = bytes;
  if (startsWith(b, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return sized('png', readPng(b));
  if (startsWith(b, 0, [0xff, 0xd8, 0xff])) return sized('jpeg', readJpeg(b));
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return sized('webp', readWebp(b));
  if (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a') return sized('gif', readGif(b));
  if (ascii(b, 0, 2) === 'BM' && isBmpInfo(b)) return sized('bmp', readBmp(b));
  const heif = heifFormat(b);
  if (heif) return sized(heif, readIspe(b));
  return { format: 'unknown' };
}

type Size = { width: number; height: number } | null;

function sized(format: ImageFormat, size: Size): ImageHeader {
  return size ? { format, width: size.width, height: size.height } : { format, width: null, height: null };
}

const u16be = (b: Uint8Array, i: number): number | null => (i + 2 <= b.length ? (b[i]! << 8) | b[i + 1]! : null);
const u16le = (b: Uint8Array, i: number): number | null => (i + 2 <= b.length ? b[i]! | (b[i + 1]! << 8) : null);
const u24le = (b: Uint8Array, i: number): number | null => (i + 3 <= b.length ? b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) : null);
const u32be = (b: Uint8Array, i: number): number | null => (i + 4 <= b.length ? b[i]! * 0x1000000 + ((b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) : null);
const u32le = (b: Uint8Array, i: number): number | null => (i + 4 <= b.length ? b[i + 3]! * 0x1000000 + ((b[i + 2]! << 16) | (b[i + 1]! << 8) | b[i]!) : null);
const i32le = (b: Uint8Array, i: number): number | null => (i + 4 <= b.length ? (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) : null);

function startsWith(b: Uint8Array, at: number, magic: number[]): boolean {
  return b.length >= at + magic.length && magic.every((m, i) => b[at + i] === m);
}

function ascii(b: Uint8Array, at: number, length: number): string {
  if (at + length > b.length) return '';
  let s = '';
  for (let i = at; i < at + length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

function size(width: number | null, height: number | null): Size {
  return width !== null && height !== null ? { width, height } : null;
}

/** PNG: IHDR must be the first chunk; a file whose first chunk is anything else has no size we trust. */
function readPng(b: Uint8Array): Size {
  if (u32be(b, 8) !== 13 || ascii(b, 12, 4) !== 'IHDR') return null;
  return size(u32be(b, 16), u32be(b, 20));
}

/**
 * JPEG: walk the marker segments to the first frame header (SOF0–SOF15; C4
 * DHT, C8 JPG and CC DAC share the range but are not frames). A scan before
 * any frame means there is no size to read.
 */
function readJpeg(b: Uint8Array): Size {
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2; // standalone markers carry no length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null;
    const length = u16be(b, i + 2)!;
    if (length < 2) return null;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return size(u16be(b, i + 7), u16be(b, i + 5));
    }
    i += 2 + length;
  }
  return null;
}

/** WebP: the first chunk is VP8 (lossy), VP8L (lossless) or VP8X (extended, with the canvas size). */
function readWebp(b: Uint8Array): Size {
  const chunk = ascii(b, 12, 4);
  const d = 20;
  if (chunk === 'VP8 ') {
    if (!startsWith(b, d + 3, [0x9d, 0x01, 0x2a])) return null;
    const w = u16le(b, d + 6);
    const h = u16le(b, d + 8);
    return size(w === null ? null : w & 0x3fff, h === null ? null : h & 0x3fff);
  }
  if (chunk === 'VP8L') {
    if (b[d] !== 0x2f) return null;
    const bits = u32le(b, d + 1);
    return bits === null ? null : { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') {
    const w = u24le(b, d + 4);
    const h = u24le(b, d + 7);
    return size(w === null ? null : w + 1, h === null ? null : h + 1);
  }
  return null;
}

/**
 * GIF: the logical screen, grown to the first frame when that frame reaches
 * beyond it, as browsers do for such files.
 */
function readGif(b: Uint8Array): Size {
  const screen = size(u16le(b, 6), u16le(b, 8));
  if (!screen) return null;
  const flags = b[10];
  let i = 13 + (flags !== undefined && flags & 0x80 ? 3 << ((flags & 7) + 1) : 0);
  while (i < b.length) {
    const block = b[i]!;
    if (block === 0x2c) {
      const left = u16le(b, i + 1);
      const top = u16le(b, i + 3);
      const w = u16le(b, i + 5);
      const h = u16le(b, i + 7);
      if (left === null || top === null || w === null || h === null) break;
      return { width: Math.max(screen.width, left + w), height: Math.max(screen.height, top + h) };
    }
    if (block !== 0x21) break;
    i += 2; // extension introducer and label, then sub-blocks up to an empty one
    while (i < b.length && b[i] !== 0) i += b[i]! + 1;
    i += 1;
  }
  return screen;
}

/** The info-header sizes Windows and OS/2 bitmaps use; "BM" alone is too common a start for text. */
const BMP_INFO_SIZES = [12, 16, 40, 52, 56, 64, 108, 124];

function isBmpInfo(b: Uint8Array): boolean {
  const info = u32le(b, 14);
  return info === null || BMP_INFO_SIZES.includes(info);
}

function readBmp(b: Uint8Array): Size {
  const info = u32le(b, 14);
  if (info === null) return null;
  if (info === 12) return size(u16le(b, 18), u16le(b, 20));
  const w = i32le(b, 18);
  const h = i32le(b, 22);
  // A negative height means the rows are stored top-down.
  return size(w === null ? null : Math.abs(w), h === null ? null : Math.abs(h));
}

const HEIC_BRANDS = ['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1'];
const AVIF_BRANDS = ['avif', 'avis'];

/** ISO-BMFF: the ftyp box's major and compatible brands say HEIC or AVIF. */
function heifFormat(b: Uint8Array): 'heic' | 'avif' | null {
  if (ascii(b, 4, 4) !== 'ftyp') return null;
  const boxSize = u32be(b, 0)!;
  const end = Math.min(b.length, boxSize >= 16 ? boxSize : 16);
  const brands = [ascii(b, 8, 4)];
  for (let i = 16; i + 4 <= end; i += 4) brands.push(ascii(b, i, 4));
  if (brands.some((x) => AVIF_BRANDS.includes(x))) return 'avif';
  if (brands.some((x) => HEIC_BRANDS.includes(x))) return 'heic';
  return null;
}

/**
 * The largest `ispe` (image spatial extent) in meta → iprp → ipco: the
 * primary image, or the grid its tiles make, is the largest item.
 */
function readIspe(b: Uint8Array): Size {
  let best: Size = null;
  const visit = (start: number, end: number, path: string[]): void => {
    for (const child of boxes(b, start, end)) {
      const inner = path.length === 0 && child.type === 'meta' ? child.body + 4 : child.body; // meta is a full box
      if (path.length === 0 && child.type === 'meta') visit(inner, child.end, ['meta']);
      else if (path.length === 1 && child.type === 'iprp') visit(inner, child.end, [...path, 'iprp']);
      else if (path.length === 2 && child.type === 'ipco') visit(inner, child.end, [...path, 'ipco']);
      else if (path.length === 3 && child.type === 'ispe') {
        const found = size(u32be(b, child.body + 4), u32be(b, child.body + 8));
        if (found && (!best || found.width * found.height > best.width * best.height)) best = found;
      }
    }
  };
  visit(0, b.length, []);
  return best;
}

/** The boxes between start and end; stops at the first one whose size does not fit. */
function* boxes(b: Uint8Array, start: number, end: number): Generator<{ type: string; body: number; end: number }> {
  let i = start;
  while (i + 8 <= end) {
    let boxSize = u32be(b, i)!;
    let header = 8;
    if (boxSize === 1) {
      const high = u32be(b, i + 8);
      const low = u32be(b, i + 12);
      if (high === null || low === null) return;
      boxSize = high * 0x100000000 + low;
      header = 16;
    } else if (boxSize === 0) {
      boxSize = end - i;
    }
    if (boxSize < header) return;
    yield { type: ascii(b, i + 4, 4), body: i + header, end: Math.min(end, i + boxSize) };
    i += boxSize;
  }
}
