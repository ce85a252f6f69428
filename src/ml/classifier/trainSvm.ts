/**
 * Trains the one-vs-rest linear SVM with tfjs as one [d+1, C] weight matrix:
 * squared hinge loss, L2 penalty on the weights (not the bias), full-batch
 * Adam for a fixed number of epochs. Every class trains in the same matrix
 * products, which is what a GPU or WASM backend is fast at.
 *
 * Squared hinge rather than hinge: its gradient is continuous, so plain
 * full-batch Adam settles instead of oscillating around the kinks.
 */
import * as tf from '@tensorflow/tfjs';
import { fitNormaliser, normaliseRows, resolveSvmOptions, type SvmModel, type SvmOptions } from './svm';
import { buildTrainingSet } from './trainingSet';
import { ClassifierError, CURRENT_DESCRIPTOR, type DescriptorSpec, type NegativeSample, type TrainingSample, type TrainingSet } from './types';

/** Adam's usual constants. */
const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;
/** Below this many entries (rows × classes) a chunk's targets are kept for all epochs rather than rebuilt. */
const KEEP_TARGETS_ENTRIES = 8_000_000;

/** Solves A·X = B for symmetric positive definite A (n × n) by Cholesky; B is n × m, row-major. */
export function solveSpd(a: Float64Array, n: number, b: Float64Array, m: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (!(s > 0)) throw new ClassifierError('invalid-option', 'The least-squares start is singular; use a positive lambda.');
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / l[j * n + j]!;
      }
    }
  }
  const x = new Float64Array(b);
  for (let c = 0; c < m; c++) {
    for (let i = 0; i < n; i++) {
      let s = x[i * m + c]!;
      for (let k = 0; k < i; k++) s -= l[i * n + k]! * x[k * m + c]!;
      x[i * m + c] = s / l[i * n + i]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = x[i * m + c]!;
      for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k * m + c]!;
      x[i * m + c] = s / l[i * n + i]!;
    }
  }
  return x;
}

/**
 * Regularised least squares on ±1 targets (positives only): W = (XᵀX/n + λ'I)⁻¹ XᵀY/n.
 * XᵀY needs only per-class sums, so this costs one d×d solve whatever the number of classes.
 */
function leastSquaresStart(xb: Float32Array, y: Int32Array, d1: number, classes: number, gram: Float32Array, lambda: number): Float32Array {
  const n = y.length;
  const a = new Float64Array(d1 * d1);
  for (let i = 0; i < d1 * d1; i++) a[i] = gram[i]! / n;
  // A floor on the ridge keeps the solve well conditioned even with lambda = 0.
  const ridge = Math.max(lambda, 1e-4);
  for (let j = 0; j < d1 - 1; j++) a[j * d1 + j]! += ridge;
  a[(d1 - 1) * d1 + (d1 - 1)]! += 1e-8;
  const total = new Float64Array(d1);
  const sums = new Float64Array(d1 * classes);
  for (let i = 0; i < n; i++) {
    const c = y[i]!;
    for (let j = 0; j < d1; j++) {
      const v = xb[i * d1 + j]!;
      total[j]! += v;
      sums[j * classes + c]! += v;
    }
  }
  const b = new Float64Array(d1 * classes);
  for (let j = 0; j < d1; j++) {
    for (let c = 0; c < classes; c++) b[j * classes + c] = (2 * sums[j * classes + c]! - total[j]!) / n;
  }
  const w = solveSpd(a, d1, b, classes);
  // Least squares pulls a small class's margins towards −1 with the crowd; rescale and shift
  // each column so its mean positive margin is +1 and its mean negative margin −1, which is
  // where the balanced hinge loss wants them. The means come from the same class sums.
  const counts = new Float64Array(classes);
  for (const c of y) counts[c]!++;
  for (let c = 0; c < classes; c++) {
    let sPos = 0;
    let sAll = 0;
    for (let j = 0; j < d1; j++) {
      sPos += sums[j * classes + c]! * w[j * classes + c]!;
      sAll += total[j]! * w[j * classes + c]!;
    }
    const nPos = counts[c]!;
    if (!nPos || nPos === n) continue;
    const muPos = sPos / nPos;
    const muNeg = (sAll - sPos) / (n - nPos);
    const gap = muPos - muNeg;
    if (!(gap > 1e-9)) continue;
    const k = 2 / gap;
    for (let j = 0; j < d1; j++) w[j * classes + c]! *= k;
    w[(d1 - 1) * classes + c]! += -k * (muPos + muNeg) / 2;
  }
  return Float32Array.from(w);
}

interface Chunk {
  x: tf.Tensor2D;
  xT: tf.Tensor2D;
  /** Either kept for all epochs, or rebuilt from the index tensors each time. */
  targets?: { y: tf.Tensor2D; coef: tf.Tensor2D };
  pos: tf.Tensor1D;
  neg: tf.Tensor1D | null;
}

/**
 * ±1 targets and −2·weight·target per entry: the gradient of Σ w·max(0, 1 − y·f)²
 * with respect to f is coef · max(0, 1 − y·f).
 */
function chunkTargets(pos: tf.Tensor1D, neg: tf.Tensor1D | null, classes: number, wPos: tf.Tensor2D, wNeg: tf.Tensor2D): { y: tf.Tensor2D; coef: tf.Tensor2D } {
  return tf.tidy(() => {
    // oneHot of −1 is an all-zero row: a correction row has no positive column.
    const onehot = tf.cast(tf.oneHot(pos, classes), 'float32') as tf.Tensor2D;
    const y = tf.sub(tf.mul(onehot, 2), 1) as tf.Tensor2D;
    // A correction says nothing about the other students, so only its own column counts; there a
    // teacher's explicit "not this person" weighs as much as one enrolment photo, not one bystander.
    const w = neg ? tf.mul(wPos, tf.cast(tf.oneHot(neg, classes), 'float32')) : tf.add(wNeg, tf.mul(onehot, tf.sub(wPos, wNeg)));
    return { y, coef: tf.mul(tf.mul(w, y), -2) as tf.Tensor2D };
  });
}

/** Trains on an already validated set. */
export async function trainSvmOnSet(set: TrainingSet, options: Partial<SvmOptions> = {}, descriptorVersion = CURRENT_DESCRIPTOR.version): Promise<SvmModel> {
  const opts = resolveSvmOptions(options);
  const { classes, dimension: d } = set;
  const C = classes.length;
  const n = set.y.length;
  const m = set.negY.length;
  const d1 = d + 1;
  const normaliser = fitNormaliser(set.x, n, d, opts.normalise);
  const xb = normaliseRows(set.x, n, normaliser);
  const nb = normaliseRows(set.negX, m, normaliser);

  const posCount = new Float64Array(C);
  for (const c of set.y) posCount[c]!++;
  const wPosArr = new Float32Array(C);
  const wNegArr = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    if (opts.balanced) {
      wPosArr[c] = 0.5 / Math.max(1, posCount[c]!);
      wNegArr[c] = 0.5 / Math.max(1, n - posCount[c]!);
    } else {
      wPosArr[c] = 1 / (n + m);
      wNegArr[c] = 1 / (n + m);
    }
  }
  const wPos = tf.tensor2d(wPosArr, [1, C]);
  const wNeg = tf.tensor2d(wNegArr, [1, C]);
  const penaltyMask = tf.tidy(() => tf.concat([tf.ones([d, 1]), tf.zeros([1, 1])]) as tf.Tensor2D);

  const chunks: Chunk[] = [];
  const addChunks = (rows: Float32Array, count: number, pos: Int32Array, neg: Int32Array | null) => {
    for (let start = 0; start < count; start += opts.chunkRows) {
      const end = Math.min(count, start + opts.chunkRows);
      const x = tf.tensor2d(rows.subarray(start * d1, end * d1), [end - start, d1]);
      const chunk: Chunk = {
        x,
        xT: tf.transpose(x),
        pos: tf.tensor1d(pos.subarray(start, end), 'int32'),
        neg: neg ? tf.tensor1d(neg.subarray(start, end), 'int32') : null,
      };
      if ((end - start) * C <= KEEP_TARGETS_ENTRIES) chunk.targets = chunkTargets(chunk.pos, chunk.neg, C, wPos, wNeg);
      chunks.push(chunk);
    }
  };
  addChunks(xb, n, set.y, null);
  if (m) addChunks(nb, m, new Int32Array(m).fill(-1), set.negY);

  let w: tf.Tensor2D;
  if (opts.warmStart) {
    const gramT = tf.tidy(() => chunks.filter((c) => !c.neg).reduce<tf.Tensor>((acc, c) => tf.add(acc, tf.matMul(c.xT, c.x)), tf.zeros([d1, d1])));
    const gram = (await gramT.data()) as Float32Array;
    gramT.dispose();
    w = tf.tensor2d(leastSquaresStart(xb, set.y, d1, C, gram, opts.lambda), [d1, C]);
  } else {
    w = tf.zeros([d1, C]);
  }
  let mW: tf.Tensor2D = tf.zerosLike(w);
  let vW: tf.Tensor2D = tf.zerosLike(w);

  const withTargets = <T extends tf.Tensor>(chunk: Chunk, f: (t: { y: tf.Tensor2D; coef: tf.Tensor2D }) => T): T =>
    tf.tidy(() => f(chunk.targets ?? chunkTargets(chunk.pos, chunk.neg, C, wPos, wNeg)));

  const objective = async (weights: tf.Tensor2D): Promise<number> => {
    const t = tf.tidy(() => {
      let total: tf.Tensor = tf.mul(tf.sum(tf.square(tf.mul(weights, penaltyMask))), opts.lambda / 2);
      for (const chunk of chunks) {
        total = tf.add(
          total,
          withTargets(chunk, ({ y, coef }) => {
            const slack = tf.relu(tf.sub(1, tf.mul(y, tf.matMul(chunk.x, weights))));
            // coef = −2·w·y, so w = −coef·y/2.
            return tf.sum(tf.mul(tf.mul(tf.mul(coef, y), -0.5), tf.square(slack)));
          }),
        );
      }
      return total;
    });
    const v = (await t.data())[0]!;
    t.dispose();
    return v;
  };

  let epochsRun = 0;
  try {
    let lastLoss = opts.tolerance > 0 ? await objective(w) : Infinity;
    const epochLimit = Math.min(opts.epochs, Math.floor(opts.workBudget / Math.max(1, (n + m) * C)));
    for (let epoch = 1; epoch <= epochLimit; epoch++) {
      // Linear decay to a tenth: constant-step Adam keeps circling the optimum.
      const lr = opts.learningRate * (1 - (0.9 * (epoch - 1)) / Math.max(1, epochLimit));
      const next = tf.tidy(() => {
        let grad: tf.Tensor = tf.mul(tf.mul(w, penaltyMask), opts.lambda);
        for (const chunk of chunks) {
          grad = tf.add(
            grad,
            withTargets(chunk, ({ y, coef }) => {
              const slack = tf.relu(tf.sub(1, tf.mul(y, tf.matMul(chunk.x, w))));
              return tf.matMul(chunk.xT, tf.mul(coef, slack));
            }),
          );
        }
        const m1 = tf.add(tf.mul(mW, BETA1), tf.mul(grad, 1 - BETA1));
        const v1 = tf.add(tf.mul(vW, BETA2), tf.mul(tf.square(grad), 1 - BETA2));
        const mHat = tf.div(m1, 1 - BETA1 ** epoch);
        const vHat = tf.div(v1, 1 - BETA2 ** epoch);
        const w1 = tf.sub(w, tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), EPSILON)), lr));
        return [w1, m1, v1] as tf.Tensor2D[];
      });
      tf.dispose([w, mW, vW]);
      [w, mW, vW] = next as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      epochsRun = epoch;
      if (epoch % 10 === 0 && opts.tolerance > 0) {
        const loss = await objective(w);
        // A rise is Adam's start-up transient from the least-squares start, not convergence.
        if (loss <= lastLoss && lastLoss - loss < opts.tolerance * Math.abs(lastLoss)) break;
        lastLoss = loss;
      }
    }
    const loss = await objective(w);
    const weights = (await w.data()) as Float32Array;
    return { classes: [...classes], dimension: d, descriptorVersion, normaliser, weights: Float32Array.from(weights), loss, epochs: epochsRun };
  } finally {
    tf.dispose([w, mW, vW, wPos, wNeg, penaltyMask]);
    for (const c of chunks) tf.dispose([c.x, c.xT, c.pos, ...(c.neg ? [c.neg] : []), ...(c.targets ? [c.targets.y, c.targets.coef] : [])]);
  }
}

export interface TrainSvmOptions extends Partial<SvmOptions> {
  negatives?: NegativeSample[];
  descriptor?: DescriptorSpec;
  minSamplesPerClass?: number;
}

/** Validates `samples` (see trainingSet.ts for the rules) and trains. */
export async function trainSvm(samples: readonly TrainingSample[], options: TrainSvmOptions = {}): Promise<SvmModel> {
  const { negatives, descriptor = CURRENT_DESCRIPTOR, minSamplesPerClass, ...svm } = options;
  const { set } = buildTrainingSet(samples, negatives, { dimension: descriptor.dimension, minSamplesPerClass });
  return trainSvmOnSet(set, svm, descriptor.version);
}
