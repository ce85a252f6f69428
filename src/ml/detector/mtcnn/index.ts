/**
 * MTCNN (Zhang et al. 2016) on plain tfjs tensors: P-Net proposes windows on
 * an image pyramid, R-Net and O-Net re-score batched crops of them, and O-Net
 * adds five landmarks. No DOM or canvas, so it runs in Node and in a Worker.
 */
import * as tf from '@tensorflow/tfjs';
import type { Detection, Point } from '../../types';
import type { DetectorConfig, FaceDetector } from '../types';
import { clipBox } from '../../geometry';
import { CELL_SIZE, CELL_STRIDE, type Candidate, cropCoordinates, nms, pyramidScales, regress, square } from './boxes';
import { type MtcnnParams, onet, paramsFromWeightMap, pnet, rnet } from './nets';

/** Score thresholds of the first two stages, as published; the last one is `minScore`. */
const PNET_THRESHOLD = 0.6;
const RNET_THRESHOLD = 0.7;
const PYRAMID_FACTOR = 0.709;
/** What a black pixel becomes after normalisation: crops running off the image are padded with it, as in the original. */
const PAD_VALUE = (0 - 127.5) * 0.0078125;
/** Bounds the memory of one R-Net/O-Net batch on busy, large images. */
const MAX_BATCH = 512;

interface LevelLayout {
  offset: number;
  /** Output cells along x and y (P-Net output is transposed: x first). */
  cols: number;
  rows: number;
  /** Source pixels per level pixel. */
  stepX: number;
  stepY: number;
}

export function createMtcnnDetector(weights: tf.NamedTensorMap, config: DetectorConfig): FaceDetector {
  const params = paramsFromWeightMap(weights);
  let disposed = false;

  return {
    kind: 'mtcnn',
    async detect(image) {
      if (disposed) throw new Error('The MTCNN detector has been disposed.');
      const [height, width] = image.shape;
      if (Math.min(height, width) < CELL_SIZE) return [];
      const input = tf.tidy(() => normalise(image));
      try {
        return await cascade(input, params, config);
      } finally {
        input.dispose();
      }
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      tf.dispose(weights);
    },
  };
}

/**
 * RGB 0..255 [h, w, 3] → [-1, 1), [1, h, w, 3]. The channels stay RGB: these
 * weights score faces far more confidently on RGB than on BGR input (which
 * face-api's own MTCNN feeds them), and find more of them.
 */
function normalise(image: tf.Tensor3D): tf.Tensor4D {
  return tf.expandDims(tf.mul(tf.sub(tf.cast(image, 'float32'), 127.5), 0.0078125), 0) as tf.Tensor4D;
}

async function cascade(input: tf.Tensor4D, params: MtcnnParams, config: DetectorConfig): Promise<Detection[]> {
  const [, height, width] = input.shape;
  const proposals = await propose(input, params, config.minFaceSize);
  if (!proposals.length) return [];
  const refined = await refine(input, proposals, params);
  if (!refined.length) return [];
  const faces = await finalise(input, refined, params, config.minScore);

  const detections: Detection[] = [];
  for (const { box, points } of faces.sort((a, b) => b.box.score - a.box.score)) {
    if (detections.length >= config.maxFaces) break;
    const clipped = clipBox({ x: box.x1, y: box.y1, width: box.x2 - box.x1, height: box.y2 - box.y1 }, width, height);
    if (clipped.width <= 0 || clipped.height <= 0) continue;
    detections.push({ box: clipped, score: box.score, points5: points });
  }
  return detections;
}

/**
 * Stage 1. Each pyramid level is resized from the nearest 2× average-pooled
 * octave rather than from the full image: a plain bilinear shrink by 10× or
 * more skips most pixels and the aliasing costs recall on large faces.
 */
async function propose(input: tf.Tensor4D, params: MtcnnParams, minFaceSize: number): Promise<Candidate[]> {
  const [, height, width] = input.shape;
  const octaves: tf.Tensor4D[] = [input];
  const outputs: tf.Tensor1D[] = [];
  const layouts: LevelLayout[] = [];
  let packed: tf.Tensor1D | undefined;
  try {
    let offset = 0;
    for (const scale of pyramidScales(height, width, minFaceSize, PYRAMID_FACTOR)) {
      const h = Math.floor(height * scale);
      const w = Math.floor(width * scale);
      let k = 0;
      for (;;) {
        const [, oh, ow] = octaves[k]!.shape;
        if (Math.floor(oh / 2) < h || Math.floor(ow / 2) < w) break;
        if (k + 1 === octaves.length) octaves.push(tf.avgPool(octaves[k]!, 2, 2, 'valid'));
        k++;
      }
      const octave = octaves[k]!;
      const [, oh, ow] = octave.shape;
      let cols = 0;
      let rows = 0;
      const out = tf.tidy(() => {
        const level = oh === h && ow === w ? octave : tf.image.resizeBilinear(octave, [h, w], false, true);
        const { scores, regression } = pnet(tf.transpose(level, [0, 2, 1, 3]), params.pnet);
        [, cols, rows] = scores.shape;
        return tf.concat([tf.reshape(scores, [-1]), tf.reshape(regression, [-1])]) as tf.Tensor1D;
      });
      outputs.push(out);
      // An octave covers only the source pixels its pooling windows saw, hence 2^k · its size, not the full image.
      layouts.push({ offset, cols, rows, stepX: (ow * 2 ** k) / w, stepY: (oh * 2 ** k) / h });
      offset += out.size;
    }
    if (!outputs.length) return [];
    // One read for the whole pyramid: each read is a GPU sync on WebGL/WebGPU.
    packed = tf.concat(outputs);
    // Free the pyramid before waiting on the read.
    tf.dispose(outputs.splice(0));
    tf.dispose(octaves.splice(1));
    const data = await packed.data();

    const perLevel = layouts.map((l) => nms(levelCandidates(data, l), 0.5, 'union'));
    return nms(perLevel.flat(), 0.7, 'union').map((c) => {
      const { dx1, dy1, dx2, dy2 } = c;
      return square(regress(c, dx1, dy1, dx2, dy2));
    });
  } finally {
    tf.dispose(outputs);
    tf.dispose(octaves.slice(1));
    packed?.dispose();
  }
}

interface Proposal extends Candidate {
  dx1: number;
  dy1: number;
  dx2: number;
  dy2: number;
}

function levelCandidates(data: Float32Array | Int32Array | Uint8Array, l: LevelLayout): Proposal[] {
  const n = l.cols * l.rows;
  const found: Proposal[] = [];
  for (let i = 0; i < n; i++) {
    const score = data[l.offset + i]!;
    if (score < PNET_THRESHOLD) continue;
    const cx = Math.floor(i / l.rows) * CELL_STRIDE;
    const cy = (i % l.rows) * CELL_STRIDE;
    const r = l.offset + n + i * 4;
    found.push({
      x1: cx * l.stepX,
      y1: cy * l.stepY,
      x2: (cx + CELL_SIZE) * l.stepX,
      y2: (cy + CELL_SIZE) * l.stepY,
      score,
      dx1: data[r]!,
      dy1: data[r + 1]!,
      dx2: data[r + 2]!,
      dy2: data[r + 3]!,
    });
  }
  return found;
}

/** Crops every box at size×size in one op, transposed for the Caffe-trained nets. */
function crops(input: tf.Tensor4D, boxes: readonly Candidate[], size: number): tf.Tensor4D {
  const [, height, width] = input.shape;
  const coords = tf.tensor2d(cropCoordinates(boxes, width, height, size), [boxes.length, 4]);
  const indices = tf.zeros([boxes.length], 'int32') as tf.Tensor1D;
  const patches = tf.image.cropAndResize(input, coords, indices, [size, size], 'bilinear', PAD_VALUE);
  return tf.transpose(patches, [0, 2, 1, 3]);
}

/** Runs a patch net over the boxes in bounded batches; returns its rows, `columns` values each. */
async function runOnCrops(
  input: tf.Tensor4D,
  boxes: readonly Candidate[],
  size: number,
  columns: number,
  net: (patches: tf.Tensor4D) => tf.Tensor2D,
): Promise<Float32Array> {
  const result = new Float32Array(boxes.length * columns);
  for (let start = 0; start < boxes.length; start += MAX_BATCH) {
    const batch = boxes.slice(start, start + MAX_BATCH);
    const out = tf.tidy(() => net(crops(input, batch, size)));
    try {
      result.set(await out.data<'float32'>(), start * columns);
    } finally {
      out.dispose();
    }
  }
  return result;
}

/** Stage 2: R-Net rejects most proposals and tightens the rest. */
async function refine(input: tf.Tensor4D, proposals: Candidate[], params: MtcnnParams): Promise<Candidate[]> {
  const out = await runOnCrops(input, proposals, 24, 5, (x) => rnet(x, params.rnet));
  const kept: Array<Candidate & { i: number }> = [];
  proposals.forEach((p, i) => {
    const score = out[i * 5]!;
    if (score >= RNET_THRESHOLD) kept.push({ ...p, score, i });
  });
  return nms(kept, 0.7, 'union').map((c) => {
    const r = c.i * 5;
    return square(regress(c, out[r + 1]!, out[r + 2]!, out[r + 3]!, out[r + 4]!));
  });
}

/** Stage 3: O-Net gives the final score, box and five landmarks. */
async function finalise(
  input: tf.Tensor4D,
  boxes: Candidate[],
  params: MtcnnParams,
  minScore: number,
): Promise<Array<{ box: Candidate; points: Point[] }>> {
  const out = await runOnCrops(input, boxes, 48, 15, (x) => onet(x, params.onet));
  const faces: Array<Candidate & { points: Point[] }> = [];
  boxes.forEach((b, i) => {
    const r = i * 15;
    const score = out[r]!;
    if (score < minScore) return;
    // Landmarks are relative to the crop O-Net saw, not to the regressed box.
    const w = b.x2 - b.x1;
    const h = b.y2 - b.y1;
    const points = Array.from({ length: 5 }, (_, k) => ({ x: b.x1 + out[r + 5 + k]! * w, y: b.y1 + out[r + 10 + k]! * h }));
    faces.push({ ...regress(b, out[r + 1]!, out[r + 2]!, out[r + 3]!, out[r + 4]!, score), points });
  });
  // The regressed box is kept as it is, not squared: it fits the face (and other detectors' boxes) more tightly.
  return nms(faces, 0.7, 'min').map(({ points, ...box }) => ({ box, points }));
}

