import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { AUGMENTATIONS, augmentImage, ENROLMENT_AUGMENTATIONS } from './augment';

describe('enrolment augmentations', () => {
  it('make new images of the expected size and brightness without leaking tensors', () => {
    const image = tf.fill([40, 60, 3], 100, 'int32') as tf.Tensor3D;
    const before = tf.memory().numTensors;
    const sizes: Record<string, number[]> = {};
    const means: Record<string, number> = {};
    for (const v of AUGMENTATIONS) {
      const out = augmentImage(image, v);
      sizes[v] = out.shape;
      means[v] = tf.tidy(() => tf.mean(out).dataSync()[0]!);
      out.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(sizes.smaller).toEqual([20, 30, 3]);
    expect(sizes['rotate-left']).toEqual([40, 60, 3]);
    expect(means.darker).toBeCloseTo(60, 3);
    expect(means.brighter).toBeCloseTo(145, 3);
    // The rotation fills uncovered corners with mid grey (128), so the mean moves a little towards it.
    expect(means['rotate-left']).toBeGreaterThan(100);
    expect(means['rotate-left']).toBeLessThan(110);
    expect(ENROLMENT_AUGMENTATIONS.every((v) => AUGMENTATIONS.includes(v))).toBe(true);
    image.dispose();
  });
});
