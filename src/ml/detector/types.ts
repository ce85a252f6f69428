import type * as tf from '@tensorflow/tfjs';
import type { Detection, DetectorKind } from '../types';

export interface DetectorConfig {
  /** Faces scoring below this are dropped. */
  minScore: number;
  /** Smallest face to look for, in pixels of the image passed in. */
  minFaceSize: number;
  /** Upper bound on faces returned (largest scores first). */
  maxFaces: number;
}

/**
 * Every face detector has this shape. `detect` takes an RGB image tensor
 * ([height, width, 3], values 0..255, int32 or float32), never disposes it,
 * and leaves no tensors behind.
 */
export interface FaceDetector {
  readonly kind: DetectorKind;
  detect(image: tf.Tensor3D): Promise<Detection[]>;
  dispose(): void;
}
