import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeBlob } from './decodeBlob';
import { forgedBmp, forgedGif, forgedHeif, forgedJpeg, forgedPng, forgedWebp } from '../node/forgedImages';

/** Node has Blob but no createImageBitmap: a stand-in that records its calls and fails like a browser's decoder. */
function stubDecoder() {
  const decode = vi.fn(async () => {
    throw new DOMException('The source image could not be decoded.', 'InvalidStateError');
  });
  vi.stubGlobal('createImageBitmap', decode);
  return decode;
}

const blob = (bytes: Uint8Array) => new Blob([new Uint8Array(bytes)]);
const codeOf = (source: Blob) => decodeBlob(source).then(() => 'decoded', (err: { code?: string }) => err.code);

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('decodeBlob checks the header before createImageBitmap', () => {
  it('refuses a PNG bomb and a 121-megapixel photo without decoding them', async () => {
    const decode = stubDecoder();
    expect(await codeOf(blob(forgedPng(30_000, 30_000)))).toBe('image-too-large');
    expect(await codeOf(blob(forgedJpeg(11_000, 11_000)))).toBe('image-too-large');
    expect(await codeOf(blob(forgedGif(65_535, 65_535)))).toBe('image-too-large');
    expect(decode).not.toHaveBeenCalled();
  });

  it('finds a JPEG frame header behind more metadata than the first read', async () => {
    const decode = stubDecoder();
    const jpeg = forgedJpeg(11_000, 11_000);
    const app2 = new Uint8Array(4 + 65_533).fill(0x41);
    app2.set([0xff, 0xe2, 0xff, 0xff]);
    const padded = new Uint8Array([...jpeg.subarray(0, 2), ...app2, ...app2, ...jpeg.subarray(2)]);
    expect(await codeOf(blob(padded))).toBe('image-too-large');
    expect(decode).not.toHaveBeenCalled();
  });

  it('lets the browser try every image format, and names the one it cannot read', async () => {
    const decode = stubDecoder();
    for (const bytes of [forgedGif(64, 48), forgedWebp(64, 48), forgedBmp(64, 48), forgedJpeg(64, 48)]) {
      expect(await codeOf(blob(bytes))).toBe('truncated-image');
    }
    expect(await codeOf(blob(forgedHeif('heic', { width: 4032, height: 3024 })))).toBe('unsupported-format');
    await expect(decodeBlob(blob(forgedHeif('heic')))).rejects.toThrow("This photo is a HEIC file, which this phone can't read here. Save it as JPEG and try again.");
    expect(decode).toHaveBeenCalledTimes(6);
  });

  it('still says what is wrong with an empty, cut-short or non-image file', async () => {
    const decode = stubDecoder();
    expect(await codeOf(new Blob([]))).toBe('empty-image');
    expect(await codeOf(blob(forgedPng(64, 48).subarray(0, 20)))).toBe('truncated-image');
    expect(await codeOf(blob(new TextEncoder().encode('%PDF-1.7 a renamed document')))).toBe('not-an-image');
    expect(decode).not.toHaveBeenCalled();
  });
});
