import type * as tf from '@tensorflow/tfjs';
import { createSsdNet, ssdOptions } from '../faceapiNets';
import type { FaceDetector, DetectorConfig } from './types';
import { toDetections } from './faceapiDetections';

/** SSD-MobileNet v1 (face-api weights): accurate, slower; its input is resized to 512×512. */
export function createSsdDetector(weights: tf.NamedTensorMap, config: DetectorConfig): FaceDetector {
  const net = createSsdNet(weights);
  const options = ssdOptions(config.minScore, config.maxFaces);
  return {
    kind: 'ssd',
    async detect(image) {
      return toDetections(await net.locateFaces(image, options), config);
    },
    dispose() {
      net.dispose();
    },
  };
}
