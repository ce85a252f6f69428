/**
 * Open-set rejection: the SVM always names somebody, so a face is only
 * accepted when it is also close to that student's own enrolment photos.
 * The distance threshold comes from the enrolment data itself:
 *   genuine  = each photo against the rest of its student's photos (leave one out);
 *   impostor = each photo against the closest *other* student, i.e. the photo
 *              playing a stranger to a roster without its owner.
 * The threshold is set so that at most `targetFar` of impostors would pass.
 * Leaving one photo out makes genuine scores slightly pessimistic (one fewer
 * photo to be close to), which errs towards rejecting.
 */
import * as tf from '@tensorflow/tfjs';
import { seededRandom, shuffled } from './random';
import { meanOfSmallest, OPEN_SET_DEFAULTS, type OpenSetOptions, type OperatingPoint } from './openSetRules';
import { ClassifierError, type TrainingSet } from './types';

/** Acklam's rational approximation of the standard normal quantile (relative error < 1.2e-9). */
export function inverseNormalCdf(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lowTail = 0.02425;
  if (p < lowTail) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - lowTail) return -inverseNormalCdf(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/** The distance threshold that accepts at most `targetFar` of `impostor` scores (score ≤ threshold accepts). */
export function operatingPoint(genuine: readonly number[], impostor: readonly number[], targetFar: number, maxThreshold = Infinity): OperatingPoint {
  if (!(targetFar > 0 && targetFar < 1)) throw new ClassifierError('invalid-option', `targetFar must be between 0 and 1, not ${targetFar}.`);
  const imp = impostor.filter(Number.isFinite).sort((a, b) => a - b);
  const gen = genuine.filter(Number.isFinite);
  const m = imp.length;
  if (!m) throw new ClassifierError('too-few-classes', 'No impostor distances: at least two students are needed to set a threshold.');
  const allowed = Math.floor(targetFar * m);
  // Midway between the last impostor we may accept and the first we may not; just under the nearest impostor when none may pass.
  let threshold = allowed === 0 ? imp[0]! * (1 - 1e-6) : (imp[allowed - 1]! + imp[Math.min(allowed, m - 1)]!) / 2;
  let method: OperatingPoint['method'] = 'empirical';
  if (m * targetFar < 10) {
    const mean = imp.reduce((s, v) => s + v, 0) / m;
    const sd = Math.sqrt(imp.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, m - 1));
    const tail = mean + inverseNormalCdf(targetFar) * sd;
    if (Number.isFinite(tail) && tail < threshold) threshold = Math.max(0, tail);
    method = 'gaussian-tail';
  }
  if (threshold > maxThreshold) {
    threshold = maxThreshold;
    method = 'capped';
  }
  const far = imp.filter((v) => v <= threshold).length / m;
  const frr = gen.length ? gen.filter((v) => v > threshold).length / gen.length : NaN;
  return { threshold, targetFar, estimatedFar: far, estimatedFrr: frr, genuine: gen.length, impostor: m, method };
}

/**
 * Euclidean distances from each row of `a` to every row of `b`, computed on
 * the tfjs backend `rows` query rows at a time and handed to `visit` one row
 * at a time, so the full matrix never has to fit in memory.
 */
export async function forEachDistanceRow(
  a: Float32Array,
  b: Float32Array,
  dimension: number,
  visit: (row: number, distances: Float32Array) => void,
  rows = 1024,
): Promise<void> {
  const na = a.length / dimension;
  const nb = b.length / dimension;
  if (!na || !nb) return;
  // B is used transposed: tfjs-wasm multiplies by a transposed operand an order of magnitude slower.
  const [bT, bNorm] = tf.tidy(() => {
    const bt = tf.tensor2d(b, [nb, dimension]);
    return [tf.transpose(bt), tf.reshape(tf.sum(tf.square(bt), 1), [1, nb])];
  });
  try {
    for (let start = 0; start < na; start += rows) {
      const end = Math.min(na, start + rows);
      const dist = tf.tidy(() => {
        const q = tf.tensor2d(a.subarray(start * dimension, end * dimension), [end - start, dimension]);
        const qNorm = tf.sum(tf.square(q), 1, true);
        const sq = tf.sub(tf.add(qNorm, bNorm), tf.mul(tf.matMul(q, bT), 2));
        return tf.sqrt(tf.relu(sq));
      });
      const data = (await dist.data()) as Float32Array;
      dist.dispose();
      for (let i = start; i < end; i++) visit(i, data.subarray((i - start) * nb, (i - start + 1) * nb));
    }
  } finally {
    tf.dispose([bT, bNorm]);
  }
}

/** [start, end) rows of each class in `y`, which must list each class in one contiguous run. */
export function classRanges(y: Int32Array, classes: number): [number, number][] {
  const ranges: [number, number][] = Array.from({ length: classes }, () => [0, 0]);
  const seen = new Set<number>();
  let i = 0;
  while (i < y.length) {
    const c = y[i]!;
    if (seen.has(c)) throw new ClassifierError('invalid-option', 'Gallery rows must be grouped by student.');
    seen.add(c);
    let j = i;
    while (j < y.length && y[j] === c) j++;
    ranges[c] = [i, j];
    i = j;
  }
  return ranges;
}

export interface OpenSetCalibration {
  point: OperatingPoint;
  genuine: number[];
  impostor: number[];
  /** Per impostor probe: its row, its own class and the other class it came closest to. */
  nearestOther: { row: number; own: number; other: number; distance: number }[];
}

export async function calibrateOpenSet(set: TrainingSet, options: Partial<OpenSetOptions> = {}): Promise<OpenSetCalibration> {
  const o = { ...OPEN_SET_DEFAULTS, ...options };
  if (!Number.isInteger(o.k) || o.k < 1) throw new ClassifierError('invalid-option', `k must be a positive integer, not ${o.k}.`);
  const d = set.dimension;
  const n = set.y.length;
  const C = set.classes.length;
  const ranges = classRanges(set.y, C);
  const genuine: number[] = [];
  // Genuine scores need only each student's own photos: a few pairs per student, in plain JS.
  for (const [s, e] of ranges) {
    if (e - s < 2) continue;
    for (let i = s; i < e; i++) {
      const dist: number[] = [];
      for (let j = s; j < e; j++) {
        if (j === i) continue;
        let t = 0;
        for (let q = 0; q < d; q++) t += (set.x[i * d + q]! - set.x[j * d + q]!) ** 2;
        dist.push(Math.sqrt(t));
      }
      genuine.push(meanOfSmallest(dist, o.k));
    }
  }
  const probes = n > o.maxProbes ? shuffled(Array.from({ length: n }, (_, i) => i), seededRandom(o.seed)).slice(0, o.maxProbes).sort((a, b) => a - b) : Array.from({ length: n }, (_, i) => i);
  const probeX = new Float32Array(probes.length * d);
  probes.forEach((r, i) => probeX.set(set.x.subarray(r * d, r * d + d), i * d));
  const impostor: number[] = [];
  const nearestOther: OpenSetCalibration['nearestOther'] = [];
  await forEachDistanceRow(probeX, set.x, d, (p, dist) => {
    const row = probes[p]!;
    const own = set.y[row]!;
    let best = Infinity;
    let bestClass = -1;
    for (let c = 0; c < C; c++) {
      if (c === own) continue;
      const [cs, ce] = ranges[c]!;
      if (ce <= cs) continue;
      const score = meanOfSmallest(dist, o.k, cs, ce);
      if (score < best) {
        best = score;
        bestClass = c;
      }
    }
    if (bestClass >= 0) {
      impostor.push(best);
      nearestOther.push({ row, own, other: bestClass, distance: best });
    }
  });
  return { point: operatingPoint(genuine, impostor, o.targetFar, o.maxThreshold), genuine, impostor, nearestOther };
}
