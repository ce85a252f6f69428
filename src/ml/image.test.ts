import { describe, expect, it } from 'vitest';
import { exceedsDecodeLimit, MAX_DECODE_PIXELS, refuseBeforeDecoding, type DecoderSupport } from './image';
import { readImageHeader } from './imageHeader';
import { forgedGif, forgedHeif, forgedJpeg, forgedPng } from './node/forgedImages';

const NODE: DecoderSupport = { formats: ['jpeg', 'png'], reader: 'this program', notAnImage: 'Not an image.' };
const BROWSER: DecoderSupport = { formats: null, reader: 'this phone', notAnImage: 'Not an image.' };

const refusal = (bytes: Uint8Array, support: DecoderSupport) => {
  try {
    refuseBeforeDecoding(readImageHeader(bytes), support);
    return 'passes';
  } catch (err) {
    return (err as { code: string }).code;
  }
};

describe('the decode limit', () => {
  it('reads exactly 120 megapixels and refuses one pixel more', () => {
    expect(MAX_DECODE_PIXELS).toBe(120_000_000);
    expect(exceedsDecodeLimit(12_000, 10_000)).toBe(false);
    expect(exceedsDecodeLimit(120_000_000, 1)).toBe(false);
    expect(exceedsDecodeLimit(120_000_001, 1)).toBe(true);
    expect(exceedsDecodeLimit(11_000, 11_000)).toBe(true);
  });

  it('is applied to the header before any decoder, in Node and in the browser', () => {
    for (const support of [NODE, BROWSER]) {
      expect(refusal(forgedPng(12_000, 10_000), support)).toBe('passes');
      expect(refusal(forgedJpeg(12_000, 10_000), support)).toBe('passes');
      expect(refusal(forgedPng(11_000, 11_000), support)).toBe('image-too-large');
      expect(refusal(forgedJpeg(11_000, 11_000), support)).toBe('image-too-large');
      expect(refusal(forgedPng(30_000, 30_000), support)).toBe('image-too-large');
    }
    expect(() => refuseBeforeDecoding(readImageHeader(forgedPng(30_000, 30_000)), BROWSER)).toThrow(
      'This photo is 30000 × 30000 pixels, larger than the 120 megapixels this app can read. Save a smaller copy and try again.',
    );
  });
});

describe('refuseBeforeDecoding', () => {
  it('names formats a runtime cannot read, and lets the browser try them', () => {
    expect(refusal(forgedGif(64, 48), NODE)).toBe('unsupported-format');
    expect(refusal(forgedGif(64, 48), BROWSER)).toBe('passes');
    expect(refusal(forgedHeif('heic'), BROWSER)).toBe('passes');
    expect(() => refuseBeforeDecoding(readImageHeader(forgedHeif('heic')), NODE)).toThrow("This photo is a HEIC file, which this program can't read here. Save it as JPEG and try again.");
  });

  it('calls a file cut before its size truncated, and a non-image not an image', () => {
    expect(refusal(forgedPng(64, 48).subarray(0, 18), BROWSER)).toBe('truncated-image');
    expect(refusal(new Uint8Array(0), NODE)).toBe('not-an-image');
  });
});
