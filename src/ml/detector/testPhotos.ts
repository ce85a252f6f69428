/**
 * Hard photos for the detection tests and the bench, made from face-api's npm
 * sample photos in Node (never stored). The samples are decoded with jpeg-js
 * directly, so these tests measure detection and nothing of the app's decoder.
 */
import * as tf from '@tensorflow/tfjs';
import jpeg from 'jpeg-js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const SAMPLES_DIR = join(import.meta.dirname, '../../../node_modules/@vladmandic/face-api/demo');

/** face-api's `sample<n>.jpg` as an int32 RGB tensor, scaled so its longer side is at most `maxSide`. */
export function decodeSample(n: number, maxSide: number): tf.Tensor3D {
  const { data, width, height } = jpeg.decode(readFileSync(join(SAMPLES_DIR, `sample${n}.jpg`)), { useTArray: true, formatAsRGBA: false });
  const k = Math.min(1, maxSide / Math.max(width, height));
  return tf.tidy(() => {
    const full = tf.tensor3d(data, [height, width, 3], 'int32');
    return k < 1 ? tf.cast(tf.image.resizeBilinear(full, [Math.round(height * k), Math.round(width * k)]), 'int32') : full;
  }) as tf.Tensor3D;
}
