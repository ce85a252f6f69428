/**
 * The classifier file format as the app, the privacy erasure and the server
 * all read it. The files here are built byte by byte from the layout in
 * the contract's comment, not with its writers, so a writer that drifted
 * from the layout fails too.
 */
import { describe, expect, it } from 'vitest';
import {
  CLASSIFIER_FORMAT_VERSION,
  checksummedBytes,
  checksumMatches,
  classesNamed,
  encodeHeader,
  headerFields,
  lengthsAgree,
  MAX_CLASSIFIER_BYTES,
  PREAMBLE_BYTES,
  readHeader,
  readPreamble,
  SUPPORTED_CLASSIFIER_FORMATS,
  writePreamble,
} from './classifierFormat';

const HEADER = {
  meta: { descriptor: { version: 'd/v1', dimension: 128 }, classes: ['s1', 's3'] },
  svm: { classes: ['s1', 's2'], dimension: 128, descriptorVersion: 'd/v1' },
  arrays: [],
};

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

/** "RCLF", u16 version, u16 0, u32 H, u32 P, 32-byte SHA-256 of 0–15 and 48–end, header, payload. */
async function handMade(header: unknown = HEADER, version = 1, payload = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])): Promise<Uint8Array> {
  const text = JSON.stringify(header);
  const h = Math.ceil(text.length / 4) * 4;
  const out = new Uint8Array(48 + h + payload.length);
  out.set([0x52, 0x43, 0x4c, 0x46], 0);
  const view = new DataView(out.buffer);
  view.setUint16(4, version, true);
  view.setUint32(8, h, true);
  view.setUint32(12, payload.length, true);
  out.fill(0x20, 48, 48 + h);
  out.set(new TextEncoder().encode(text), 48);
  out.set(payload, 48 + h);
  const covered = new Uint8Array(16 + out.length - 48);
  covered.set(out.subarray(0, 16), 0);
  covered.set(out.subarray(48), 16);
  out.set(await sha256(covered), 16);
  return out;
}

describe('the classifier file format', () => {
  it('reads a file laid out as the comment says', async () => {
    const bytes = await handMade();
    const preamble = readPreamble(bytes);
    expect(preamble).toEqual({ formatVersion: 1, headerBytes: (bytes.length - 48 - 8), payloadBytes: 8 });
    expect(lengthsAgree(preamble!, bytes.length)).toBe(true);
    expect(checksumMatches(bytes, await sha256(checksummedBytes(bytes)))).toBe(true);
    const read = readHeader(bytes, preamble!);
    expect(read).toEqual({ ok: true, header: HEADER });
    expect(headerFields(HEADER)).toEqual({ descriptorVersion: 'd/v1', dimension: 128, svmDimension: 128, trainedOn: ['d/v1', 'd/v1'], classes: ['s1', 's2'] });
    expect(classesNamed(HEADER)).toEqual(['s1', 's2', 's3']);
  });

  it('reads the same from a view at an odd offset into a larger buffer', async () => {
    const bytes = await handMade();
    const big = new Uint8Array(bytes.length + 3);
    big.set(bytes, 3);
    const view = big.subarray(3);
    expect(readPreamble(view)).toEqual(readPreamble(bytes));
    expect(checksumMatches(view, await sha256(checksummedBytes(view)))).toBe(true);
  });

  it('writes what it reads: the preamble and a space-padded header', async () => {
    const hand = await handMade();
    const header = encodeHeader(JSON.stringify(HEADER));
    expect(header.length % 4).toBe(0);
    const out = new Uint8Array(PREAMBLE_BYTES + header.length + 8);
    writePreamble(out, { formatVersion: CLASSIFIER_FORMAT_VERSION, headerBytes: header.length, payloadBytes: 8 });
    out.set(header, PREAMBLE_BYTES);
    out.set([1, 2, 3, 4, 5, 6, 7, 8], PREAMBLE_BYTES + header.length);
    out.set(await sha256(checksummedBytes(out)), 16);
    expect(out).toEqual(hand);
  });

  it('refuses what is not a classifier, and lengths that do not add up', async () => {
    expect(readPreamble(new Uint8Array(47).fill(0x52))).toBeNull();
    expect(readPreamble(new Uint8Array(64))).toBeNull();
    expect(readPreamble(undefined)).toBeNull();
    const bytes = await handMade();
    const preamble = readPreamble(bytes)!;
    expect(lengthsAgree(preamble, bytes.length + 1)).toBe(false);
    expect(lengthsAgree({ ...preamble, headerBytes: preamble.headerBytes - 2, payloadBytes: preamble.payloadBytes + 2 }, bytes.length)).toBe(false);
    expect(readHeader(bytes, { ...preamble, headerBytes: bytes.length })).toEqual({ ok: false });
  });

  it('sees a changed byte anywhere the checksum covers', async () => {
    const bytes = await handMade();
    for (const at of [4, 12, 48, bytes.length - 1]) {
      const changed = bytes.slice();
      changed[at] ^= 0x01;
      expect(checksumMatches(changed, await sha256(checksummedBytes(changed))), `byte ${at}`).toBe(false);
    }
  });

  it('reads the version of a newer file without judging it: the reader decides', async () => {
    const bytes = await handMade(HEADER, 2);
    expect(readPreamble(bytes)?.formatVersion).toBe(2);
    expect(SUPPORTED_CLASSIFIER_FORMATS).toEqual([CLASSIFIER_FORMAT_VERSION]);
  });

  it('finds a header without its descriptor or classes, and one not JSON', async () => {
    expect(headerFields({ ...HEADER, meta: {} })).toBeNull();
    expect(headerFields({ ...HEADER, meta: { descriptor: { version: 'd/v1', dimension: '128' } } })).toBeNull();
    expect(headerFields({ ...HEADER, svm: {} })).toBeNull();
    expect(headerFields(null)).toBeNull();
    // Written before svm.descriptorVersion existed: the meta's descriptor stands for both.
    expect(headerFields({ ...HEADER, svm: { classes: [], dimension: 128 } })?.trainedOn).toEqual(['d/v1', 'd/v1']);
    expect(classesNamed({ meta: {} })).toBeNull();
    const notJson = await handMade('x');
    notJson[48] = 0xff;
    expect(readHeader(notJson, readPreamble(notJson)!)).toEqual({ ok: false });
  });

  it('allows files of 8 MiB, as the table does', () => {
    expect(MAX_CLASSIFIER_BYTES).toBe(8 * 1024 * 1024);
  });
});
