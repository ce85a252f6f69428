/**
 * Multi-class linear SVM, one-vs-rest: what a trained model is, how inputs are
 * normalised, and scoring faces with it. Training is in trainSvm.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { ClassifierError } from './types';

export type NormaliserKind = 'l2-standardize' | 'standardize' | 'none';

/** x ↦ ((l2 ? x/|x| : x) − mean) · scale, fitted on the training rows. */
export interface Normaliser {
  kind: NormaliserKind;
  mean: Float32Array;
  scale: Float32Array;
}

export interface SvmOptions {
  normalise: NormaliserKind;
  /** L2 penalty on the weights; the data term is a mean, so this is independent of the number of samples. */
  lambda: number;
  epochs: number;
  learningRate: number;
  /**
   * Weigh each column's positives and negatives equally (half the loss each).
   * One-vs-rest with one student against thirty otherwise learns "always no".
   */
  balanced: boolean;
  /** Start from the regularised least-squares solution (closed form, cheap) instead of zeros. */
  warmStart: boolean;
  /** Stop early once the loss falls by less than this fraction over 10 epochs (0: never). */
  tolerance: number;
  /** Rows per matrix product; bounds memory at chunkRows × classes floats per intermediate. */
  chunkRows: number;
  /**
   * Cap on squared-hinge refinement work, in rows × classes × epochs. Each epoch
   * costs a pass over every row for every class, and on the recognition eval the
   * refinement changed no decision compared with the least-squares start
   * (0, 20 and 150 epochs gave the same FAR, FRR and accuracy), so a big roster
   * (the school-wide kiosk) trains on a short refinement instead of waiting
   * seconds for it. 100 students × 5 photos get the full 150 epochs; 1,000 get 3.
   */
  workBudget: number;
}

/**
 * Raw descriptors by default: the embedding was trained so that Euclidean distance
 * means identity, and per-dimension standardising re-weights dimensions that
 * training treated as noise. On the shared photo collections (4 seeded splits)
 * raw inputs gave fewer false accepts and rejects than either standardisation.
 */
export const SVM_DEFAULTS: SvmOptions = {
  normalise: 'none',
  lambda: 1e-3,
  epochs: 150,
  learningRate: 0.02,
  balanced: true,
  warmStart: true,
  tolerance: 1e-4,
  chunkRows: 4096,
  workBudget: 1.5e7,
};

export interface SvmModel {
  classes: string[];
  dimension: number;
  /** The embedding the weights were trained on (see DescriptorSpec). */
  descriptorVersion: string;
  normaliser: Normaliser;
  /** (dimension + 1) × classes, row-major; the last row is the bias. */
  weights: Float32Array;
  /** Objective at the end of training (data term + penalty). */
  loss: number;
  epochs: number;
}

export function resolveSvmOptions(options: Partial<SvmOptions> = {}): SvmOptions {
  const o = { ...SVM_DEFAULTS, ...options };
  const positive = (name: keyof SvmOptions, v: number, allowZero = false) => {
    if (!Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
      throw new ClassifierError('invalid-option', `SVM option ${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, not ${v}.`);
    }
  };
  positive('lambda', o.lambda, true);
  positive('learningRate', o.learningRate);
  positive('tolerance', o.tolerance, true);
  positive('workBudget', o.workBudget, true);
  if (!Number.isInteger(o.epochs) || o.epochs < 0) throw new ClassifierError('invalid-option', `epochs must be a non-negative integer, not ${o.epochs}.`);
  if (!Number.isInteger(o.chunkRows) || o.chunkRows < 1) throw new ClassifierError('invalid-option', `chunkRows must be a positive integer, not ${o.chunkRows}.`);
  if (!['l2-standardize', 'standardize', 'none'].includes(o.normalise)) {
    throw new ClassifierError('invalid-option', `Unknown normalisation ${JSON.stringify(o.normalise)}.`);
  }
  return o;
}

export function fitNormaliser(x: Float32Array, rows: number, dimension: number, kind: NormaliserKind): Normaliser {
  const mean = new Float32Array(dimension);
  const scale = new Float32Array(dimension).fill(1);
  if (kind === 'none' || rows === 0) return { kind, mean, scale };
  const l2 = kind === 'l2-standardize';
  const sum = new Float64Array(dimension);
  const sumSq = new Float64Array(dimension);
  const row = new Float64Array(dimension);
  for (let i = 0; i < rows; i++) {
    readRow(x, i, dimension, l2, row);
    for (let j = 0; j < dimension; j++) {
      sum[j]! += row[j]!;
      sumSq[j]! += row[j]! * row[j]!;
    }
  }
  for (let j = 0; j < dimension; j++) {
    const m = sum[j]! / rows;
    const sd = Math.sqrt(Math.max(0, sumSq[j]! / rows - m * m));
    mean[j] = m;
    // A constant dimension carries nothing; leave it unscaled rather than divide by ~0.
    scale[j] = sd > 1e-6 ? 1 / sd : 1;
  }
  return { kind, mean, scale };
}

function readRow(x: ArrayLike<number>, i: number, d: number, l2: boolean, out: Float64Array): void {
  let norm = 1;
  if (l2) {
    let s = 0;
    for (let j = 0; j < d; j++) s += x[i * d + j]! ** 2;
    norm = Math.sqrt(s) || 1;
  }
  for (let j = 0; j < d; j++) out[j] = x[i * d + j]! / norm;
}

/** Normalised rows with a trailing 1 for the bias: rows × (d + 1). */
export function normaliseRows(x: ArrayLike<number>, rows: number, normaliser: Normaliser): Float32Array {
  const d = normaliser.mean.length;
  const out = new Float32Array(rows * (d + 1));
  const row = new Float64Array(d);
  const l2 = normaliser.kind === 'l2-standardize';
  for (let i = 0; i < rows; i++) {
    readRow(x, i, d, l2, row);
    for (let j = 0; j < d; j++) out[i * (d + 1) + j] = (row[j]! - normaliser.mean[j]!) * normaliser.scale[j]!;
    out[i * (d + 1) + d] = 1;
  }
  return out;
}

/**
 * The weights as a tensor, for a caller that scores many faces with one model
 * (see prepareClassifier): uploading 10,000 students' weights costs more than
 * the product itself. The caller disposes it.
 */
export function uploadSvmWeights(model: SvmModel): tf.Tensor2D {
  return tf.tensor2d(model.weights, [model.dimension + 1, model.classes.length]);
}

/** Margins [faces][classes]: positive means "this student" by the one-vs-rest rule. */
export async function scoreSvm(model: SvmModel, descriptors: readonly ArrayLike<number>[], weights?: tf.Tensor2D): Promise<number[][]> {
  const d = model.dimension;
  const C = model.classes.length;
  const q = descriptors.length;
  if (!q) return [];
  const flat = new Float32Array(q * d);
  descriptors.forEach((row, i) => {
    if (row?.length !== d) throw new ClassifierError('invalid-descriptor', `Descriptor ${i} has ${row?.length} values instead of ${d}.`, [i]);
    for (let j = 0; j < d; j++) flat[i * d + j] = row[j]!;
  });
  const xb = normaliseRows(flat, q, model.normaliser);
  // A tensor passed in was made outside this tidy, so the tidy leaves it alone.
  const out = tf.tidy(() => tf.matMul(tf.tensor2d(xb, [q, d + 1]), weights ?? tf.tensor2d(model.weights, [d + 1, C])));
  const data = (await out.data()) as Float32Array;
  out.dispose();
  const margins: number[][] = [];
  for (let i = 0; i < q; i++) margins.push(Array.from(data.subarray(i * C, i * C + C)));
  return margins;
}
