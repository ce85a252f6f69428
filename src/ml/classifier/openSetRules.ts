/**
 * The open-set rule's pure parts, with no tfjs: the operating point's shape,
 * its defaults, and the distance score. The main thread (enrolment checks,
 * the app's stores) reads these without loading the tensor library, which
 * only calibration (openset.ts) needs.
 */
export interface OperatingPoint {
  /** Accept when the distance score is at most this. */
  threshold: number;
  targetFar: number;
  /** Share of enrolment impostor scores at or under the threshold. */
  estimatedFar: number;
  /** Share of enrolment genuine scores over the threshold (NaN when no student has two photos). */
  estimatedFrr: number;
  genuine: number;
  impostor: number;
  /**
   * 'empirical': the impostor quantile. 'gaussian-tail': too few impostor scores for
   * the quantile to mean anything (fewer than 10 expected false accepts), so the lower
   * of the quantile and a normal fit's quantile is used. 'capped': either came out
   * above maxThreshold.
   */
  method: 'empirical' | 'gaussian-tail' | 'capped';
}

/**
 * No threshold is ever looser than face-api's published same-person bound for these
 * descriptors. It only binds when enrolment is so small that the impostor estimate is
 * a handful of pairs.
 */
export const MAX_THRESHOLD = 0.6;

export interface OpenSetOptions {
  /** Distance score = mean of the k smallest distances to a student's photos (1 = nearest photo). */
  k: number;
  targetFar: number;
  /** Upper bound on the threshold (default MAX_THRESHOLD). */
  maxThreshold: number;
  /** Photos used as impostor probes at most (a seeded sample above this), bounding calibration time. */
  maxProbes: number;
  seed: number;
}

export const OPEN_SET_DEFAULTS: OpenSetOptions = { k: 2, targetFar: 0.01, maxThreshold: MAX_THRESHOLD, maxProbes: 5000, seed: 7 };

/** Mean of the `k` smallest values (all of them when there are fewer). */
export function meanOfSmallest(values: ArrayLike<number>, k: number, start = 0, end = values.length): number {
  const count = Math.min(k, end - start);
  if (count <= 0) return Infinity;
  if (count === 1) {
    let m = Infinity;
    for (let i = start; i < end; i++) if (values[i]! < m) m = values[i]!;
    return m;
  }
  const best: number[] = [];
  for (let i = start; i < end; i++) {
    const v = values[i]!;
    if (best.length < count) {
      best.push(v);
      best.sort((a, b) => a - b);
    } else if (v < best[count - 1]!) {
      best[count - 1] = v;
      best.sort((a, b) => a - b);
    }
  }
  return best.reduce((s, v) => s + v, 0) / count;
}
