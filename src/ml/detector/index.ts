import type * as tf from '@tensorflow/tfjs';
import type { DetectorKind } from '../types';
import type { DetectorConfig, FaceDetector } from './types';
import { createSsdDetector } from './ssd';
import { createTinyDetector } from './tiny';
import { createMtcnnDetector } from './mtcnn';

export type { DetectorConfig, FaceDetector } from './types';

/** Defaults live here and nowhere else. */
export const DETECTOR_DEFAULTS: Record<DetectorKind, DetectorConfig> = {
  ssd: { minScore: 0.3, minFaceSize: 12, maxFaces: 200 },
  tiny: { minScore: 0.4, minFaceSize: 12, maxFaces: 200 },
  mtcnn: { minScore: 0.7, minFaceSize: 20, maxFaces: 200 },
};

export function createDetector(kind: DetectorKind, weights: tf.NamedTensorMap, config: Partial<DetectorConfig> = {}): FaceDetector {
  const full = { ...DETECTOR_DEFAULTS[kind], ...config };
  switch (kind) {
    case 'ssd': return createSsdDetector(weights, full);
    case 'tiny': return createTinyDetector(weights, full);
    case 'mtcnn': return createMtcnnDetector(weights, full);
  }
}
