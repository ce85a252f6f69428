/**
 * The classifier file: one small, versioned, checksummed blob that the app
 * writes (src/ml/classifier/serialize.ts), reads back, searches for the
 * students it names (src/privacy/modelArtifact.ts), and that the server
 * checks before it stores one (model-artifacts):
 *
 *   0  "RCLF"                       magic
 *   4  u16 format version           (CLASSIFIER_FORMAT_VERSION)
 *   6  u16 0                        reserved
 *   8  u32 header bytes H           (a multiple of 4)
 *   12 u32 payload bytes P
 *   16 32 bytes SHA-256             over bytes 0–15 and 48–end
 *   48 header: UTF-8 JSON, space padded
 *   48+H payload: little-endian Float32/Int32 arrays listed in the header
 *
 * All numbers little-endian. Magic and version come before the checksum, so
 * a file from a newer app reads as "newer format" rather than "damaged".
 * Each reader words its own refusals; the layout and what counts as wrong
 * are decided here.
 */

/** "RCLF". */
export const CLASSIFIER_MAGIC: readonly number[] = [0x52, 0x43, 0x4c, 0x46];
/** The format this app writes. */
export const CLASSIFIER_FORMAT_VERSION = 1;
/** Formats whose header the server can read. */
export const SUPPORTED_CLASSIFIER_FORMATS: readonly number[] = [1];
/** Bytes before the header: magic, version, reserved, two lengths, checksum. */
export const PREAMBLE_BYTES = 48;
/** Byte offsets inside the preamble. */
export const PREAMBLE_AT = { magic: 0, formatVersion: 4, headerBytes: 8, payloadBytes: 12, checksum: 16 } as const;
export const CHECKSUM_BYTES = 32;
/** The largest file the server stores, as the table's size check allows (8 MiB). */
export const MAX_CLASSIFIER_BYTES = 8 * 1024 * 1024;
/** The header is padded with this byte (a space) to a multiple of 4, so the payload's arrays stay aligned. */
const HEADER_PAD = 0x20;

/** The payload's arrays, by the name the header lists them under. */
export type ClassifierArrayName = 'weights' | 'mean' | 'scale' | 'galleryX' | 'galleryY' | 'negX' | 'negY';

export interface ClassifierArrayEntry {
  name: ClassifierArrayName;
  dtype: 'float32' | 'int32';
  /** Byte offset inside the payload. */
  offset: number;
  length: number;
}

export interface ClassifierPreamble {
  formatVersion: number;
  headerBytes: number;
  payloadBytes: number;
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The preamble's numbers, or null when the bytes are too short to be a classifier file or lack its magic. */
export function readPreamble(bytes: Uint8Array | null | undefined): ClassifierPreamble | null {
  if (!(bytes instanceof Uint8Array) || bytes.length < PREAMBLE_BYTES) return null;
  if (CLASSIFIER_MAGIC.some((b, i) => bytes[PREAMBLE_AT.magic + i] !== b)) return null;
  const view = viewOf(bytes);
  return {
    formatVersion: view.getUint16(PREAMBLE_AT.formatVersion, true),
    headerBytes: view.getUint32(PREAMBLE_AT.headerBytes, true),
    payloadBytes: view.getUint32(PREAMBLE_AT.payloadBytes, true),
  };
}

/** The lengths the preamble claims add up to the file exactly, with an aligned header: not truncated or padded. */
export function lengthsAgree(preamble: ClassifierPreamble, totalBytes: number): boolean {
  return preamble.headerBytes % 4 === 0 && PREAMBLE_BYTES + preamble.headerBytes + preamble.payloadBytes === totalBytes;
}

/** Writes magic, version and lengths into the first bytes of `out` (the checksum comes last, over the rest). */
export function writePreamble(out: Uint8Array, preamble: ClassifierPreamble): void {
  out.set(CLASSIFIER_MAGIC, PREAMBLE_AT.magic);
  const view = viewOf(out);
  view.setUint16(PREAMBLE_AT.formatVersion, preamble.formatVersion, true);
  view.setUint32(PREAMBLE_AT.headerBytes, preamble.headerBytes, true);
  view.setUint32(PREAMBLE_AT.payloadBytes, preamble.payloadBytes, true);
}

/** The bytes the internal SHA-256 covers: the first 16 and everything after the preamble, joined. */
export function checksummedBytes(bytes: Uint8Array) {
  const head = bytes.subarray(0, PREAMBLE_AT.checksum);
  const rest = bytes.subarray(PREAMBLE_BYTES);
  const joined = new Uint8Array(head.length + rest.length);
  joined.set(head, 0);
  joined.set(rest, head.length);
  return joined;
}

/** Whether `digest` (the SHA-256 of checksummedBytes) is the one the file carries. */
export function checksumMatches(bytes: Uint8Array, digest: Uint8Array): boolean {
  return digest.length === CHECKSUM_BYTES && digest.every((b, i) => bytes[PREAMBLE_AT.checksum + i] === b);
}

/** The header JSON as UTF-8, padded with spaces to a multiple of 4. */
export function encodeHeader(json: string): Uint8Array {
  const text = new TextEncoder().encode(json);
  if (text.length % 4 === 0) return text;
  const padded = new Uint8Array(text.length + (4 - (text.length % 4))).fill(HEADER_PAD);
  padded.set(text);
  return padded;
}

/**
 * The header, parsed; `ok: false` when its bytes run past the file or are
 * not UTF-8 JSON. Nothing about its fields is checked here (headerFields).
 */
export function readHeader(bytes: Uint8Array, preamble: ClassifierPreamble): { ok: true; header: unknown } | { ok: false } {
  if (PREAMBLE_BYTES + preamble.headerBytes > bytes.length) return { ok: false };
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + preamble.headerBytes));
    return { ok: true, header: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** The descriptor the model was trained on and the classes it names, or null when the header lacks them. */
export function headerFields(
  header: unknown,
): { descriptorVersion: string; dimension: number; svmDimension: unknown; trainedOn: unknown[]; classes: unknown[] } | null {
  const h = header as {
    meta?: { descriptor?: { version?: unknown; dimension?: unknown } };
    svm?: { classes?: unknown; dimension?: unknown; descriptorVersion?: unknown };
  } | null;
  const descriptor = h?.meta?.descriptor;
  if (typeof descriptor?.version !== 'string' || typeof descriptor.dimension !== 'number' || !Array.isArray(h?.svm?.classes)) return null;
  return {
    descriptorVersion: descriptor.version,
    dimension: descriptor.dimension,
    svmDimension: h.svm.dimension,
    // A header from before svm.descriptorVersion was written means the meta's descriptor.
    trainedOn: [descriptor.version, h.svm.descriptorVersion ?? descriptor.version],
    classes: h.svm.classes,
  };
}

/** Every class label (student id) the header names, in svm.classes or meta.classes; null when it names none. */
export function classesNamed(header: unknown): string[] | null {
  const h = header as { svm?: { classes?: unknown }; meta?: { classes?: unknown } } | null;
  const lists = [h?.svm?.classes, h?.meta?.classes].filter(Array.isArray) as unknown[][];
  if (lists.length === 0) return null;
  return [...new Set(lists.flat().map(String))];
}
