import * as tf from '@tensorflow/tfjs';
import type { Point, Quality, QualityIssue } from './types';
import { poseFromLandmarks } from './geometry';

/** Enrolment limits. A face failing one is still returned, flagged with the reason. */
export const QUALITY_LIMITS = {
  minSizePx: 64,
  minSharpness: 20,
  minBrightness: 50,
  maxBrightness: 215,
  maxYaw: 25,
  maxPitch: 25,
  maxRoll: 30,
};

export interface PixelStats {
  sharpness: number;
  brightness: number;
}

/** Laplacian variance and mean luma of each aligned crop, batched. */
export async function pixelStats(aligned: tf.Tensor4D): Promise<PixelStats[]> {
  const [sharp, bright] = tf.tidy(() => {
    const grey = tf.mean(aligned, 3, true) as tf.Tensor4D;
    const kernel = tf.tensor4d([0, 1, 0, 1, -4, 1, 0, 1, 0], [3, 3, 1, 1]);
    const lap = tf.conv2d(grey, kernel, 1, 'valid');
    const { variance } = tf.moments(lap, [1, 2, 3]);
    return [variance, tf.mean(grey, [1, 2, 3])];
  });
  const [s, b] = await Promise.all([sharp.data(), bright.data()]);
  tf.dispose([sharp, bright]);
  return [...s].map((v, i) => ({ sharpness: v, brightness: b[i]! }));
}

export function assessQuality(sizePx: number, stats: PixelStats, landmarks: Point[]): Quality {
  const pose = poseFromLandmarks(landmarks);
  const issues: QualityIssue[] = [];
  const L = QUALITY_LIMITS;
  if (sizePx < L.minSizePx) issues.push('too-small');
  if (stats.sharpness < L.minSharpness) issues.push('blurry');
  if (stats.brightness < L.minBrightness) issues.push('too-dark');
  if (stats.brightness > L.maxBrightness) issues.push('too-bright');
  if (Math.abs(pose.yaw) > L.maxYaw || Math.abs(pose.pitch) > L.maxPitch) issues.push('turned');
  if (Math.abs(pose.roll) > L.maxRoll) issues.push('tilted');
  return { sizePx, ...stats, ...pose, ok: issues.length === 0, issues };
}
