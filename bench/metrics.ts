/**
 * Verification metrics on descriptor distances. Everywhere here a pair is
 * accepted as "same person" when its distance is strictly below the threshold,
 * the rule face-api's FaceMatcher uses.
 */
import { seededRandom } from '../src/ml/classifier/random';

export function median(values: readonly number[]): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Area under the ROC curve: the chance that a random same-person pair is closer
 * than a random different-person pair, ties counting half (Mann–Whitney U).
 */
export function rocAuc(genuine: readonly number[], impostor: readonly number[]): number {
  const nG = genuine.length;
  const nI = impostor.length;
  if (!nG || !nI) return NaN;
  const all = [...genuine.map((d) => ({ d, g: true })), ...impostor.map((d) => ({ d, g: false }))].sort((a, b) => a.d - b.d);
  let impostorRankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j]!.d === all[i]!.d) j++;
    // Ranks are 1-based; tied values share the mean of their ranks.
    const rank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (!all[k]!.g) impostorRankSum += rank;
    i = j;
  }
  return (impostorRankSum - (nI * (nI + 1)) / 2) / (nG * nI);
}

export interface ThresholdRates {
  /** Share of same-person pairs accepted. */
  tar: number;
  /** Share of different-person pairs accepted. */
  far: number;
}

export function ratesAt(genuine: readonly number[], impostor: readonly number[], threshold: number): ThresholdRates {
  const below = (xs: readonly number[]) => (xs.length ? xs.filter((d) => d < threshold).length / xs.length : NaN);
  return { tar: below(genuine), far: below(impostor) };
}

export interface BestAccuracy {
  accuracy: number;
  /** A distance giving that accuracy: midway between the last accepted and the first rejected distance. */
  threshold: number;
}

/**
 * The best accuracy any single threshold reaches. `balanced` averages the
 * same-person and different-person accuracies, so the answer does not depend on
 * how many different-person pairs were sampled.
 */
export function bestAccuracy(genuine: readonly number[], impostor: readonly number[], balanced = true): BestAccuracy {
  const nG = genuine.length;
  const nI = impostor.length;
  if (!nG || !nI) return { accuracy: NaN, threshold: NaN };
  const all = [...genuine.map((d) => ({ d, g: true })), ...impostor.map((d) => ({ d, g: false }))].sort((a, b) => a.d - b.d);
  const score = (acceptedG: number, acceptedI: number) =>
    balanced ? (acceptedG / nG + (nI - acceptedI) / nI) / 2 : (acceptedG + nI - acceptedI) / (nG + nI);

  // Threshold at the first value: nothing accepted.
  let best: BestAccuracy = { accuracy: score(0, 0), threshold: all[0]!.d };
  let acceptedG = 0;
  let acceptedI = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j]!.d === all[i]!.d) {
      if (all[j]!.g) acceptedG++;
      else acceptedI++;
      j++;
    }
    const acc = score(acceptedG, acceptedI);
    if (acc > best.accuracy) {
      best = { accuracy: acc, threshold: j < all.length ? (all[i]!.d + all[j]!.d) / 2 : Infinity };
    }
    i = j;
  }
  return best;
}

export interface TarAtFar {
  tar: number;
  /** Largest threshold whose false-accept rate is at most the target. */
  threshold: number;
  /** False-accept rate actually reached (at most the target). */
  far: number;
}

/**
 * True-accept rate at the loosest threshold that keeps the false-accept rate
 * at or under `targetFar`. With fewer than 1/targetFar different-person pairs
 * this is the share of same-person pairs closer than every different-person pair.
 */
export function tarAtFar(genuine: readonly number[], impostor: readonly number[], targetFar: number): TarAtFar {
  if (!genuine.length || !impostor.length) return { tar: NaN, threshold: NaN, far: NaN };
  const sorted = [...impostor].sort((a, b) => a - b);
  const allowed = Math.floor(targetFar * sorted.length + 1e-9);
  const threshold = allowed < sorted.length ? sorted[allowed]! : Infinity;
  const { tar, far } = ratesAt(genuine, impostor, threshold);
  return { tar, threshold, far };
}

export type Pair = [number, number];

/**
 * Every same-person pair, and the different-person pairs: all of them when
 * there are at most `maxImpostors`, else a seeded uniform sample of that many,
 * returned in index order.
 */
export function buildPairs(labels: readonly string[], maxImpostors: number, seed = 1): { genuine: Pair[]; impostor: Pair[] } {
  const genuine: Pair[] = [];
  const impostor: Pair[] = [];
  for (let i = 0; i < labels.length; i++) {
    for (let j = i + 1; j < labels.length; j++) (labels[i] === labels[j] ? genuine : impostor).push([i, j]);
  }
  if (impostor.length <= maxImpostors) return { genuine, impostor };
  // Partial Fisher–Yates: the first maxImpostors entries become a uniform sample.
  const rand = seededRandom(seed);
  for (let k = 0; k < maxImpostors; k++) {
    const r = k + Math.floor(rand() * (impostor.length - k));
    [impostor[k], impostor[r]] = [impostor[r]!, impostor[k]!];
  }
  const sample = impostor.slice(0, maxImpostors).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return { genuine, impostor: sample };
}
