/** Image rules shared by the worker and Node: the pixel limit, the refusals before decoding, EXIF orientation. */
import * as tf from '@tensorflow/tfjs';
import { FORMAT_NAMES, type ImageFormat, type ImageHeader } from './imageHeader';
import { PipelineError } from './types';

/** Longest side the pipeline works at. Larger photos are scaled down; group photos are then tiled. */
export const MAX_SIDE = 2560;
/**
 * Refuse to decode beyond this many pixels (a 100-megapixel phone photo is
 * about 12,000 × 8,000). Checked on the size the file's header claims, before
 * any decoder runs; exactly this many is still read.
 */
export const MAX_DECODE_PIXELS = 120_000_000;

export function exceedsDecodeLimit(width: number, height: number): boolean {
  return width * height > MAX_DECODE_PIXELS;
}

/** What a runtime's decoders read, and how its refusals name the reader. */
export interface DecoderSupport {
  /** Formats decoded here; any other is refused as unsupported. Null: every format is tried (the browser's support varies). */
  formats: readonly ImageFormat[] | null;
  /** Who can't read a format: "this phone", "this program". */
  reader: string;
  notAnImage: string;
}

/** Without a size: a decoder ran out of its memory budget, which a photo under the pixel limit can also do. */
export function tooLargeError(size?: { width: number; height: number }): PipelineError {
  const what = size ? `${size.width} × ${size.height} pixels, larger than the ${MAX_DECODE_PIXELS / 1e6} megapixels this app can read` : 'too large for this app to read';
  return new PipelineError('image-too-large', `This photo is ${what}. Save a smaller copy and try again.`);
}

export function unsupportedFormatError(format: ImageFormat, support: DecoderSupport): PipelineError {
  return new PipelineError('unsupported-format', `This photo is a ${FORMAT_NAMES[format]} file, which ${support.reader} can't read here. Save it as JPEG and try again.`);
}

export function truncatedError(detail?: string): PipelineError {
  return new PipelineError('truncated-image', `The image could not be decoded${detail ? ` (${detail})` : ''}. The file may be truncated or damaged.`);
}

/**
 * The refusals that need only the header, so nothing decodes a file that is
 * not an image, too large, or of a format this runtime can't read. Returns
 * the header of a file the decoder may try. A size the header should carry
 * but does not means the file is cut short (HEIF, whose size may sit beyond
 * the bytes read, is left to its decoder).
 */
export function refuseBeforeDecoding(header: ImageHeader, support: DecoderSupport): Exclude<ImageHeader, { format: 'unknown' }> {
  if (header.format === 'unknown') throw new PipelineError('not-an-image', support.notAnImage);
  if (header.width !== null && exceedsDecodeLimit(header.width, header.height)) throw tooLargeError(header);
  if (support.formats && !support.formats.includes(header.format)) throw unsupportedFormatError(header.format, support);
  if (header.width === null && header.format !== 'heic' && header.format !== 'avif') throw truncatedError();
  return header;
}

/** Applies an EXIF orientation (1–8) to an [h, w, c] tensor. */
export function orientTensor(t: tf.Tensor3D, orientation: number): tf.Tensor3D {
  return tf.tidy(() => {
    switch (orientation) {
      case 2: return tf.reverse(t, 1);
      case 3: return tf.reverse(t, [0, 1]);
      case 4: return tf.reverse(t, 0);
      case 5: return tf.transpose(t, [1, 0, 2]);
      case 6: return tf.reverse(tf.transpose(t, [1, 0, 2]), 1);
      case 7: return tf.reverse(tf.transpose(t, [1, 0, 2]), [0, 1]);
      case 8: return tf.reverse(tf.transpose(t, [1, 0, 2]), 0);
      default: return tf.clone(t);
    }
  });
}

/** RGBA bytes → RGB int32 tensor, downscaled strip by strip when `scale` < 1. */
export function rgbaToTensor(rgba: Uint8Array, width: number, height: number, scale: number): tf.Tensor3D {
  if (scale >= 1) return tf.tidy(() => tf.slice(tf.tensor3d(rgba, [height, width, 4], 'int32'), [0, 0, 0], [height, width, 3]));
  const outW = Math.max(1, Math.round(width * scale));
  const stripRows = Math.max(1, Math.floor(4_000_000 / width));
  const strips: tf.Tensor3D[] = [];
  for (let y = 0; y < height; y += stripRows) {
    const rows = Math.min(stripRows, height - y);
    const outRows = Math.max(1, Math.round((y + rows) * scale) - Math.round(y * scale));
    const strip = rgba.subarray(y * width * 4, (y + rows) * width * 4);
    strips.push(tf.tidy(() => {
      const t = tf.slice(tf.tensor3d(strip, [rows, width, 4], 'int32'), [0, 0, 0], [rows, width, 3]);
      return tf.cast(tf.image.resizeBilinear(t, [outRows, outW], true), 'int32');
    }));
  }
  const out = tf.concat(strips, 0);
  tf.dispose(strips);
  return out;
}
