/** Image rules shared by the worker and Node: formats, size limits, EXIF orientation. */
import * as tf from '@tensorflow/tfjs';

/** Longest side the pipeline works at. Larger photos are scaled down; group photos are then tiled. */
export const MAX_SIDE = 2560;
/** Refuse to decode beyond this (a 100-megapixel phone photo is about 12,000 × 8,000). */
export const MAX_DECODE_PIXELS = 120_000_000;

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'bmp' | 'heic';

/** Recognise an image by its first bytes, not its name. */
export function sniffFormat(bytes: Uint8Array): ImageFormat | null {
  const b = bytes;
  if (b.length < 12) return null;
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
  if (b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 && b[8] === 0x57 && b[9] === 0x45) return 'webp';
  if (b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) return 'gif';
  if (b[0] === 0x42 && b[1] === 0x4d) return 'bmp';
  if (String.fromCharCode(...b.subarray(4, 12)).match(/ftyp(heic|heix|mif1)/)) return 'heic';
  return null;
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
