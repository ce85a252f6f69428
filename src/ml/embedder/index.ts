import * as tf from '@tensorflow/tfjs';
import { createRecognitionNet } from '../faceapiNets';

export interface Embedder {
  /**
   * 128-D descriptors for aligned crops [N, 150, 150, 3] in one forward pass.
   * With `flip`, each crop's mirror image rides in the same batch and the two
   * descriptors are averaged (test-time augmentation).
   */
  embed(aligned: tf.Tensor4D, flip: boolean): Promise<number[][]>;
  dispose(): void;
}

export function createEmbedder(weights: tf.NamedTensorMap): Embedder {
  const net = createRecognitionNet(weights);
  return {
    async embed(aligned, flip) {
      const n = aligned.shape[0];
      if (!n) return [];
      // face-api takes a batch as a list of 3-D tensors and stacks them into one forward pass.
      const crops = tf.tidy(() => tf.unstack(flip ? tf.concat([aligned, tf.reverse(aligned, 2)]) : aligned)) as tf.Tensor3D[];
      try {
        const out = await net.forward(crops);
        const data = await out.data();
        out.dispose();
        const rows: number[][] = [];
        for (let i = 0; i < n; i++) {
          const row = Array.from(data.subarray(i * 128, i * 128 + 128));
          if (flip) {
            const mirrored = data.subarray((i + n) * 128, (i + n) * 128 + 128);
            for (let j = 0; j < 128; j++) row[j] = (row[j]! + mirrored[j]!) / 2;
          }
          rows.push(row);
        }
        return rows;
      } finally {
        tf.dispose(crops);
      }
    },
    dispose() {
      net.dispose();
    },
  };
}
