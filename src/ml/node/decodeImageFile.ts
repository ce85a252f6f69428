/**
 * Node-only image decoding (tests, CLI, bench): JPEG and PNG with pure-JS
 * decoders, EXIF orientation applied, huge images scaled down while decoding
 * into tensors so an 8000×6000 photo never needs a full-size int32 copy.
 */
import * as tf from '@tensorflow/tfjs';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import exifr from 'exifr';
import { PipelineError } from '../types';
import { MAX_DECODE_PIXELS, MAX_SIDE, orientTensor, rgbaToTensor, sniffFormat } from '../image';

export interface DecodedImage {
  tensor: tf.Tensor3D;
  /** Size of the stored image after orientation, before any downscale. */
  originalWidth: number;
  originalHeight: number;
  /** tensor size / original size. */
  scale: number;
}

export async function decodeImageFile(bytes: Uint8Array, maxSide = MAX_SIDE): Promise<DecodedImage> {
  const format = sniffFormat(bytes);
  if (!format) throw new PipelineError('not-an-image', 'This file is not a JPEG or PNG image.');
  let rgba: Uint8Array;
  let width: number;
  let height: number;
  try {
    if (format === 'jpeg') {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_DECODE_PIXELS / 1e6, maxMemoryUsageInMB: 1024 });
      ({ width, height } = img);
      rgba = img.data;
    } else {
      const img = PNG.sync.read(Buffer.from(bytes));
      ({ width, height } = img);
      rgba = new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength);
    }
  } catch (err) {
    const msg = String((err as Error)?.message ?? err);
    if (/maxResolutionInMP|maxMemoryUsage|too large/i.test(msg)) {
      throw new PipelineError('image-too-large', `The image is larger than ${MAX_DECODE_PIXELS / 1e6} megapixels.`);
    }
    throw new PipelineError('truncated-image', `The image could not be decoded (${msg}). The file may be truncated or damaged.`);
  }
  if (!width || !height) throw new PipelineError('empty-image', 'The image has no pixels.');
  let orientation = 1;
  if (format === 'jpeg') {
    try {
      orientation = (await exifr.orientation(bytes)) ?? 1;
    } catch {
      orientation = 1;
    }
  }
  const scale = Math.min(1, maxSide / Math.max(width, height));
  const tensor = tf.tidy(() => orientTensor(rgbaToTensor(rgba, width, height, scale), orientation));
  const swapped = orientation >= 5 && orientation <= 8;
  return { tensor, originalWidth: swapped ? height : width, originalHeight: swapped ? width : height, scale };
}
