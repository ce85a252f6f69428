/**
 * Browser/worker image decoding: bytes are sniffed first so a renamed PDF gets
 * a clear message; createImageBitmap applies EXIF orientation and scales huge
 * photos down while decoding.
 */
import * as tf from '@tensorflow/tfjs';
import { PipelineError } from '../types';
import { MAX_DECODE_PIXELS, MAX_SIDE, rgbaToTensor, sniffFormat } from '../image';

export interface DecodedBlob {
  tensor: tf.Tensor3D;
  originalWidth: number;
  originalHeight: number;
  scale: number;
}

/** A camera frame arrives as an ImageBitmap (already decoded, upright); a file as a Blob. */
export async function decodeBlob(source: Blob | ImageBitmap, maxSide = MAX_SIDE): Promise<DecodedBlob> {
  const bitmap = source instanceof Blob ? await bitmapOf(source) : source;
  const { width, height } = bitmap;
  try {
    if (!width || !height) throw new PipelineError('empty-image', 'The image has no pixels.');
    if (width * height > MAX_DECODE_PIXELS) throw new PipelineError('image-too-large', `The image is larger than ${MAX_DECODE_PIXELS / 1e6} megapixels.`);
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

async function bitmapOf(blob: Blob): Promise<ImageBitmap> {
  if (blob.size === 0) throw new PipelineError('empty-image', 'The file is empty.');
  const head = new Uint8Array(await blob.slice(0, 16).arrayBuffer());
  const format = sniffFormat(head);
  if (!format) throw new PipelineError('not-an-image', 'This file is not an image (JPEG, PNG or WebP).');
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  } catch {
    const hint = format === 'heic' ? ' HEIC photos are not supported by this browser; export as JPEG.' : ' The file may be truncated or damaged.';
    throw new PipelineError('truncated-image', `The image could not be decoded.${hint}`);
  }
  return bitmap;
}
