import * as tf from '@tensorflow/tfjs';
import type { Point } from './types';
import { mean } from './geometry';

/** Side of the aligned face crop the recognition net expects. */
export const ALIGNED_SIZE = 150;
/** Intermediate axis-aligned crop, large enough to hold the rotated square. */
const CROP = 224;

export interface Alignment {
  center: Point;
  /** Side of the face square in source pixels. */
  side: number;
  /** Eye-line angle, radians. */
  roll: number;
}

/**
 * Where to cut the face: the 68-point hull, measured in the frame where the
 * eyes are level, padded by 20% like face-api's own aligned box, then squared.
 * Unlike the stock box it is rotated upright, so tilted heads embed like level ones.
 */
export function alignmentFromLandmarks(points: Point[]): Alignment {
  const leftEye = mean(points.slice(36, 42));
  const rightEye = mean(points.slice(42, 48));
  const roll = Math.atan2(rightEye.y - leftEye.y, rightEye.x - leftEye.x);
  const pivot = mean([leftEye, rightEye]);
  const cos = Math.cos(-roll);
  const sin = Math.sin(-roll);
  const level = points.map((p) => ({
    x: pivot.x + (p.x - pivot.x) * cos - (p.y - pivot.y) * sin,
    y: pivot.y + (p.x - pivot.x) * sin + (p.y - pivot.y) * cos,
  }));
  const xs = level.map((p) => p.x);
  const ys = level.map((p) => p.y);
  const w = Math.max(...xs) - Math.min(...xs);
  const h = Math.max(...ys) - Math.min(...ys);
  const side = Math.max(w * 1.2, h * 1.2);
  const c = { x: (Math.max(...xs) + Math.min(...xs)) / 2, y: (Math.max(...ys) + Math.min(...ys)) / 2 };
  // Back from the level frame into the photo.
  const center = {
    x: pivot.x + (c.x - pivot.x) * Math.cos(roll) - (c.y - pivot.y) * Math.sin(roll),
    y: pivot.y + (c.x - pivot.x) * Math.sin(roll) + (c.y - pivot.y) * Math.cos(roll),
  };
  return { center, side, roll };
}

/**
 * Aligned 150×150 crops for all faces: one batched axis-aligned crop per face
 * that contains the rotated square, then a projective transform that rotates
 * and scales each crop. Returns [N, 150, 150, 3] float.
 */
export function cropAligned(image: tf.Tensor4D, alignments: Alignment[]): tf.Tensor4D {
  return tf.tidy(() => {
    const [, height, width] = image.shape;
    const boxes: number[][] = [];
    const transforms: number[][] = [];
    const c0 = (ALIGNED_SIZE - 1) / 2;
    const m = (CROP - 1) / 2;
    for (const a of alignments) {
      const outer = a.side * Math.SQRT2;
      const x = a.center.x - outer / 2;
      const y = a.center.y - outer / 2;
      boxes.push([y / (height - 1), x / (width - 1), (y + outer) / (height - 1), (x + outer) / (width - 1)]);
      // Output pixel → crop pixel: rotate by roll and scale face-square pixels into crop pixels.
      const k = (CROP / outer) * (a.side / ALIGNED_SIZE);
      const cos = k * Math.cos(a.roll);
      const sin = k * Math.sin(a.roll);
      transforms.push([cos, -sin, m - cos * c0 + sin * c0, sin, cos, m - sin * c0 - cos * c0, 0, 0]);
    }
    const crops = tf.image.cropAndResize(image, boxes, alignments.map(() => 0), [CROP, CROP]);
    // One transform per face: tfjs 4.22's CPU kernel applies only the first
    // transform of a batch and leaves the other crops black.
    return tf.concat(
      transforms.map((t, i) =>
        tf.image.transform(tf.slice(crops, [i, 0, 0, 0], [1, CROP, CROP, 3]), tf.tensor2d([t]), 'bilinear', 'constant', 0, [ALIGNED_SIZE, ALIGNED_SIZE]),
      ),
    );
  });
}
