import * as tf from '@tensorflow/tfjs';
import { createLandmarkNet } from './faceapiNets';
import type { Box, Point } from './types';

const INPUT = 112;

export interface LandmarkModel {
  /** 68 points per box, in source pixels, from one batched forward pass. */
  locate(image: tf.Tensor4D, boxes: Box[]): Promise<Point[][]>;
  dispose(): void;
}

/** The square the landmark net sees for a detection box: centred, side = the longer edge. */
export function landmarkSquare(box: Box): Box {
  const side = Math.max(box.width, box.height);
  return { x: box.x + box.width / 2 - side / 2, y: box.y + box.height / 2 - side / 2, width: side, height: side };
}

/** cropAndResize boxes ([y1, x1, y2, x2], normalised) for squares in source pixels. */
export function normalisedBoxes(squares: Box[], width: number, height: number): number[][] {
  return squares.map((s) => [s.y / (height - 1), s.x / (width - 1), (s.y + s.height) / (height - 1), (s.x + s.width) / (width - 1)]);
}

export function createLandmarkModel(weights: tf.NamedTensorMap): LandmarkModel {
  const net = createLandmarkNet(weights);
  return {
    async locate(image, boxes) {
      if (!boxes.length) return [];
      const [, height, width] = image.shape;
      const squares = boxes.map(landmarkSquare);
      // One crop op for every face; areas outside the photo become black, as face-api's own padding does.
      const crops = tf.tidy(() =>
        tf.unstack(tf.image.cropAndResize(image, normalisedBoxes(squares, width, height), squares.map(() => 0), [INPUT, INPUT])),
      ) as tf.Tensor3D[];
      try {
        const found = await net.detectLandmarks(crops);
        return found.map((lm, i) => {
          const sq = squares[i]!;
          const k = sq.width / INPUT;
          return lm.positions.map((p) => ({ x: sq.x + p.x * k, y: sq.y + p.y * k }));
        });
      } finally {
        tf.dispose(crops);
      }
    },
    dispose() {
      net.dispose();
    },
  };
}
