/**
 * The passive liveness check: @vladmandic/human's antispoof (128×128) and
 * liveness (32×32) graph models on the face crop, prepared the way Human
 * prepares it: the detector's box grown 1.4× about its centre, made square,
 * RGB scaled to 0..1, resized bilinearly.
 */
import * as tf from '@tensorflow/tfjs';
import type { Box } from '../types';
import type { PassiveLivenessModel, PassiveScore } from './types';

/** Human grows its face box by this before cropping for these models. */
export const CROP_GROWTH = 1.4;
const ANTISPOOF_SIDE = 128;
const LIVENESS_SIDE = 32;

export interface PassiveModels {
  antispoof: tf.GraphModel;
  liveness: tf.GraphModel;
}

/** [y1, x1, y2, x2] in 0..1 of the square crop around `box` (may reach outside the image: cropAndResize pads with 0). */
export function cropBox(box: Box, width: number, height: number, growth = CROP_GROWTH): [number, number, number, number] {
  const side = Math.max(box.width, box.height) * growth;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  return [(cy - side / 2) / height, (cx - side / 2) / width, (cy + side / 2) / height, (cx + side / 2) / width];
}

/** How the two model outputs become the one recorded score. */
export function combineScores(antispoof: number, liveness: number): number {
  return Math.min(antispoof, liveness);
}

export function createPassiveLiveness(models: PassiveModels): PassiveLivenessModel {
  return {
    async score(image, boxes) {
      if (!boxes.length) return [];
      const [height, width] = image.shape;
      const [real, live] = tf.tidy(() => {
        const batch = tf.div(tf.expandDims(tf.cast(image, 'float32'), 0), 255) as tf.Tensor4D;
        const crops = boxes.map((b) => cropBox(b, width, height));
        const index = boxes.map(() => 0);
        const big = tf.image.cropAndResize(batch, crops, index, [ANTISPOOF_SIDE, ANTISPOOF_SIDE]);
        const small = tf.image.cropAndResize(batch, crops, index, [LIVENESS_SIDE, LIVENESS_SIDE]);
        const a = models.antispoof.execute(big) as tf.Tensor2D;
        const l = models.liveness.execute(small) as tf.Tensor2D;
        return [tf.reshape(a, [-1]), tf.reshape(tf.slice(l, [0, 0], [-1, 1]), [-1])];
      });
      try {
        const [a, l] = await Promise.all([real.data(), live.data()]);
        return boxes.map((_, i): PassiveScore => ({ antispoof: a[i]!, liveness: l[i]!, score: combineScores(a[i]!, l[i]!) }));
      } finally {
        tf.dispose([real, live]);
      }
    },
    dispose() {
      models.antispoof.dispose();
      models.liveness.dispose();
    },
  };
}
