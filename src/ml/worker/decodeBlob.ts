/**
 * Browser/worker image decoding: the file's header is read first, so a
 * renamed PDF, a photo claiming more pixels than the limit or a format this
 * browser can't read is refused before createImageBitmap decodes anything;
 * createImageBitmap applies EXIF orientation and scales huge photos down
 * while decoding.
 */
import * as tf from '@tensorflow/tfjs';
import { PipelineError } from '../types';
import { exceedsDecodeLimit, MAX_SIDE, refuseBeforeDecoding, rgbaToTensor, tooLargeError, truncatedError, unsupportedFormatError, type DecoderSupport } from '../image';
import { HEADER_PREFIX_BYTES, readImageHeader, type ImageFormat, type ImageHeader } from '../imageHeader';

export interface DecodedBlob {
  tensor: tf.Tensor3D;
  originalWidth: number;
  originalHeight: number;
  scale: number;
}

/** The browser decides what it can decode; a format it fails on is named rather than called damaged. */
const BROWSER_DECODERS: DecoderSupport = { formats: null, reader: 'this phone', notAnImage: 'This file is not an image (JPEG, PNG or WebP).' };
/** Every browser the app runs in decodes these, so a failure means a damaged file; the others vary by browser. */
const DECODED_EVERYWHERE: readonly ImageFormat[] = ['jpeg', 'png', 'webp', 'gif', 'bmp'];

/** A camera frame arrives as an ImageBitmap (already decoded, upright); a file as a Blob. */
export async function decodeBlob(source: Blob | ImageBitmap, maxSide = MAX_SIDE): Promise<DecodedBlob> {
  const bitmap = source instanceof Blob ? await bitmapOf(source) : source;
  const { width, height } = bitmap;
  try {
    if (!width || !height) throw new PipelineError('empty-image', 'The image has no pixels.');
    // The header's size was checked; this catches a decoder that saw a larger frame than the header claimed.
    if (exceedsDecodeLimit(width, height)) throw tooLargeError({ width, height });
    const scale = Math.min(1, maxSide / Math.max(width, height));
    const w = Math.max(1, Math.round(width * scale));
    const h = Math.max(1, Math.round(height * scale));
    const canvas = new OffscreenCanvas(w, h);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('This browser has no 2D canvas in workers.');
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, 0, 0, w, h);
    const rgba = new Uint8Array(ctx.getImageData(0, 0, w, h).data.buffer);
    return { tensor: rgbaToTensor(rgba, w, h, 1), originalWidth: width, originalHeight: height, scale };
  } finally {
    bitmap.close();
  }
}

async function headerOf(blob: Blob): Promise<ImageHeader> {
  const header = readImageHeader(new Uint8Array(await blob.slice(0, HEADER_PREFIX_BYTES).arrayBuffer()));
  if (header.format === 'unknown' || header.width !== null || blob.size <= HEADER_PREFIX_BYTES) return header;
  // A JPEG or HEIF may put more metadata than the prefix before its size: read the whole (compressed) file.
  return readImageHeader(new Uint8Array(await blob.arrayBuffer()));
}

async function bitmapOf(blob: Blob): Promise<ImageBitmap> {
  if (blob.size === 0) throw new PipelineError('empty-image', 'The file is empty.');
  const { format } = refuseBeforeDecoding(await headerOf(blob), BROWSER_DECODERS);
  try {
    return await createImageBitmap(blob, { imageOrientation: 'from-image' });
  } catch {
    throw DECODED_EVERYWHERE.includes(format) ? truncatedError() : unsupportedFormatError(format, BROWSER_DECODERS);
  }
}
