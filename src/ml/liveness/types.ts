/** Plain data of the liveness checks. Nothing here holds a tensor. */
import type { Box } from '../types';

/**
 * Below this the face is shown for review as possibly a photo or a screen.
 * Set from genuine faces only (npm run eval writes the false-rejection rate
 * at this value to bench/results/liveness.md): there is no honest set of
 * printed or replayed faces to set it from.
 */
export const LOW_LIVENESS = 0.3;

/** What the two passive models make of one face crop, each 0..1 where 1 is "a live face". */
export interface PassiveScore {
  /** @vladmandic/human's antispoof model: real face versus a photo or screen of one. */
  antispoof: number;
  /** @vladmandic/human's liveness model, on a small crop. */
  liveness: number;
  /** The one number recorded with a mark and compared with the threshold. */
  score: number;
}

export interface PassiveLivenessModel {
  /** One score per box, in order. `image` is RGB 0..255; boxes are in its pixels. */
  score(image: import('@tensorflow/tfjs').Tensor3D, boxes: readonly Box[]): Promise<PassiveScore[]>;
  dispose(): void;
}
