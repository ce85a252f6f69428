import type * as tf from '@tensorflow/tfjs';
import { createTinyNet, tinyOptions } from '../faceapiNets';
import type { FaceDetector, DetectorConfig } from './types';
import { toDetections } from './faceapiDetections';

/**
 * Tiny YOLOv2 face detector (face-api weights): small and fast. Input size must
 * be a multiple of 32; at 416 it missed faces in the 960-px sample photos that 512 finds.
 */
export function createTinyDetector(weights: tf.NamedTensorMap, config: DetectorConfig, inputSize = 512): FaceDetector {
  const net = createTinyNet(weights);
  const options = tinyOptions(inputSize, config.minScore);
  return {
    kind: 'tiny',
    async detect(image) {
      return toDetections(await net.locateFaces(image, options), config);
    },
    dispose() {
      net.dispose();
    },
  };
}
