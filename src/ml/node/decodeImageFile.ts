/**
 * Node-only image decoding (tests, CLI, bench): JPEG and PNG with pure-JS
 * decoders, EXIF orientation applied, huge images scaled down while decoding
 * into tensors so an 8000×6000 photo never needs a full-size int32 copy.
 * The header is read first: a file claiming more pixels than the limit, or
 * of a format these decoders can't read, never reaches them.
 */
import * as tf from '@tensorflow/tfjs';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import exifr from 'exifr';
import { PipelineError } from '../types';
import { MAX_DECODE_PIXELS, MAX_SIDE, orientTensor, refuseBeforeDecoding, rgbaToTensor, tooLargeError, truncatedError, type DecoderSupport } from '../image';
import { readImageHeader } from '../imageHeader';

const NODE_DECODERS: DecoderSupport = { formats: ['jpeg', 'png'], reader: 'this program', notAnImage: 'This file is not a JPEG or PNG image.' };

export interface DecodedImage {
  tensor: tf.Tensor3D;
  /** Size of the stored image after orientation, before any downscale. */
  originalWidth: number;
  originalHeight: number;
  /** tensor size / original size. */
  scale: number;
}

export async function decodeImageFile(bytes: Uint8Array, maxSide = MAX_SIDE): Promise<DecodedImage> {
  const { format } = refuseBeforeDecoding(readImageHeader(bytes), NODE_DECODERS);
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
    // jpeg-js checks every frame it meets against the same limit, a second line behind the header's.
    if (/maxResolutionInMP|maxMemoryUsage|too large/i.test(msg)) throw tooLargeError();
    throw truncatedError(msg);
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
