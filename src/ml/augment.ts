/**
 * Enrolment augmentations, applied to the decoded photo before detection so
 * they go through detection, landmarks and alignment like a real second
 * photo. Mirroring is left out: the pipeline already averages each face with
 * its mirror image. The app uses ENROLMENT_AUGMENTATIONS, the set `npm run
 * eval --augment` measures (bench/results/eval.md).
 */
import * as tf from '@tensorflow/tfjs';

export const AUGMENTATIONS = ['rotate-left', 'rotate-right', 'darker', 'brighter', 'smaller'] as const;
export type Augmentation = (typeof AUGMENTATIONS)[number];

/** Two variants per photo: the pair the eval reports, at a third of the cost of all five. */
export const ENROLMENT_AUGMENTATIONS: readonly Augmentation[] = ['rotate-left', 'smaller'];

/** A new float32 tensor; the caller disposes it (the input is left alone). */
export function augmentImage(image: tf.Tensor3D, variant: Augmentation): tf.Tensor3D {
  return tf.tidy(() => {
    const x = tf.cast(image, 'float32');
    switch (variant) {
      case 'rotate-left':
      case 'rotate-right': {
        const radians = ((variant === 'rotate-left' ? 1 : -1) * 10 * Math.PI) / 180;
        return tf.squeeze(tf.image.rotateWithOffset(tf.expandDims(x, 0) as tf.Tensor4D, radians, 128), [0]) as tf.Tensor3D;
      }
      case 'darker':
        return tf.clipByValue(tf.mul(x, 0.6), 0, 255) as tf.Tensor3D;
      case 'brighter':
        return tf.clipByValue(tf.add(tf.mul(x, 1.25), 20), 0, 255) as tf.Tensor3D;
      case 'smaller': {
        const [h, w] = image.shape;
        return tf.image.resizeBilinear(x, [Math.max(1, Math.round(h / 2)), Math.max(1, Math.round(w / 2))]) as tf.Tensor3D;
      }
    }
  });
}
