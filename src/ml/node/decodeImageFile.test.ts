import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';
import { decodeImageFile } from './decodeImageFile';
import { forgedBmp, forgedGif, forgedHeif, forgedJpeg, forgedPng, forgedWebp } from './forgedImages';
import { sampleBytes } from './testImages';

const codeOf = (bytes: Uint8Array) => decodeImageFile(bytes).then(
  (d) => {
    d.tensor.dispose();
    return 'decoded';
  },
  (err: { code?: string }) => err.code,
);

// Before the header check a forged PNG decoded for minutes; these must answer at once.
const QUICK = 10_000;

describe('decodeImageFile refuses before decoding', () => {
  it('refuses a 30000 × 30000 PNG bomb by its header', { timeout: QUICK }, async () => {
    expect(await codeOf(forgedPng(30_000, 30_000))).toBe('image-too-large');
  });

  // 120 megapixels exactly passes the size check: image.test.ts (decoding a forged one here takes seconds).
  it('refuses a 121-megapixel PNG and JPEG', { timeout: QUICK }, async () => {
    expect(await codeOf(forgedPng(11_000, 11_000))).toBe('image-too-large');
    expect(await codeOf(forgedJpeg(11_000, 11_000))).toBe('image-too-large');
  });

  it('says which formats it cannot read, in words', async () => {
    for (const bytes of [forgedGif(64, 48), forgedWebp(64, 48), forgedWebp(64, 48, 'VP8L'), forgedBmp(64, 48), forgedHeif('heic', { width: 64, height: 48 }), forgedHeif('avif')]) {
      expect(await codeOf(bytes)).toBe('unsupported-format');
    }
    await expect(decodeImageFile(forgedHeif('heic'))).rejects.toThrow(/HEIC file.*JPEG/);
  });

  it('refuses a too-large photo of a format it cannot read as too large', async () => {
    expect(await codeOf(forgedGif(65_535, 65_535))).toBe('image-too-large');
  });

  it('still calls truncated and damaged files truncated', async () => {
    const png = new PNG({ width: 32, height: 24 });
    png.data.fill(90);
    const pngBytes = new Uint8Array(PNG.sync.write(png));
    expect(await codeOf(pngBytes)).toBe('decoded');
    expect(await codeOf(pngBytes.subarray(0, 20))).toBe('truncated-image');
    expect(await codeOf(pngBytes.subarray(0, pngBytes.length - 20))).toBe('truncated-image');
    expect(await codeOf(sampleBytes(1).subarray(0, 800))).toBe('truncated-image');
    expect(await codeOf(forgedJpeg(640, 480))).toBe('truncated-image');
    expect(await codeOf(new Uint8Array(0))).toBe('not-an-image');
    expect(await codeOf(new TextEncoder().encode('BMW service notes, not a bitmap'))).toBe('not-an-image');
  });

  it('leaves no tensors behind when it refuses', async () => {
    const before = tf.memory().numTensors;
    for (const bytes of [forgedPng(30_000, 30_000), forgedGif(8, 8), forgedJpeg(640, 480)]) await codeOf(bytes);
    expect(tf.memory().numTensors).toBe(before);
  });
});
