/**
 * Turns SVM margins into probabilities a teacher can read. Platt scaling,
 * p = σ(a·margin + b), fitted on margins the SVM gave to enrolment photos it
 * did not train on (stratified k-fold inside the enrolment data): margins on
 * its own training photos are overconfident by construction.
 *
 * The fit is per column, "is this face student c?", on each held-out photo's
 * margin for its own student (positive) and its highest margins for other
 * students (negative). Fitting only the top-1 margin against "top-1 was right"
 * breaks on clean enrolment data: with no held-out mistakes there is nothing to
 * fit and every face, strangers included, would get the same probability.
 */
import { seededRandom, shuffled } from './random';
import { scoreSvm, type SvmModel, type SvmOptions } from './svm';
import { trainSvmOnSet } from './trainSvm';
import { subsetOf } from './trainingSet';
import type { TrainingSet } from './types';

export interface PlattParams {
  a: number;
  b: number;
}

/**
 * Used when the held-out photos are too few to fit on (see MIN_HELD_OUT) or the fit
 * comes out backwards. A prior, not a calibration: margin 0.5 (half-way to the
 * hinge target) reads 50%, margin 2 reads 95%, margin 0 reads 27%.
 */
export const UNFITTED_PLATT: PlattParams = { a: 2, b: -1 };

/** Fewer held-out photos than this and the fitted parameters are mostly noise. */
export const MIN_HELD_OUT = 10;

export function plattProbability(params: PlattParams, score: number): number {
  const z = params.a * score + params.b;
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** log(1 + e^z) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/**
 * Platt's method with his smoothed targets ((N₊+1)/(N₊+2) and 1/(N₋+2)), so a
 * perfectly separated held-out set still gives finite parameters, solved by
 * Newton's method with backtracking (Lin, Lin & Weng 2007).
 */
export function fitPlatt(scores: readonly number[], positive: readonly boolean[]): PlattParams {
  const n = scores.length;
  if (!n || n !== positive.length) return { ...UNFITTED_PLATT };
  const nPos = positive.filter(Boolean).length;
  const nNeg = n - nPos;
  const hi = (nPos + 1) / (nPos + 2);
  const lo = 1 / (nNeg + 2);
  const t = positive.map((p) => (p ? hi : lo));
  const objective = (a: number, b: number) => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      const z = a * scores[i]! + b;
      // −[t·log σ(z) + (1−t)·log(1−σ(z))] = softplus(z) − t·z
      f += softplus(z) - t[i]! * z;
    }
    return f;
  };
  let a = 0;
  let b = Math.log((nPos + 1) / (nNeg + 1));
  let f = objective(a, b);
  for (let iter = 0; iter < 100; iter++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-12;
    let hab = 0;
    let hbb = 1e-12;
    for (let i = 0; i < n; i++) {
      const s = scores[i]!;
      const p = plattProbability({ a, b }, s);
      const r = p - t[i]!;
      const w = p * (1 - p);
      ga += r * s;
      gb += r;
      haa += w * s * s;
      hab += w * s;
      hbb += w;
    }
    if (Math.abs(ga) < 1e-9 && Math.abs(gb) < 1e-9) break;
    const det = haa * hbb - hab * hab;
    const da = -(hbb * ga - hab * gb) / det;
    const db = -(-hab * ga + haa * gb) / det;
    const slope = ga * da + gb * db;
    let step = 1;
    let moved = false;
    while (step >= 1e-10) {
      const na = a + step * da;
      const nb = b + step * db;
      const nf = objective(na, nb);
      if (nf <= f + 1e-4 * step * slope) {
        a = na;
        b = nb;
        f = nf;
        moved = true;
        break;
      }
      step /= 2;
    }
    if (!moved) break;
  }
  return { a, b };
}

export interface ReliabilityBin {
  /** Lower edge of the bin; bins are [lo, lo + 1/bins), the last one closed. */
  lo: number;
  count: number;
  meanProbability: number;
  accuracy: number;
}

export function reliabilityBins(probabilities: readonly number[], correct: readonly boolean[], bins = 10): ReliabilityBin[] {
  const out = Array.from({ length: bins }, (_, i) => ({ lo: i / bins, count: 0, sumP: 0, right: 0 }));
  probabilities.forEach((p, i) => {
    const bin = out[Math.min(bins - 1, Math.max(0, Math.floor(p * bins)))]!;
    bin.count++;
    bin.sumP += p;
    if (correct[i]) bin.right++;
  });
  return out.map((b) => ({ lo: b.lo, count: b.count, meanProbability: b.count ? b.sumP / b.count : 0, accuracy: b.count ? b.right / b.count : 0 }));
}

/** Expected calibration error: the count-weighted gap between shown probability and accuracy over equal-width bins. NaN with no data. */
export function expectedCalibrationError(probabilities: readonly number[], correct: readonly boolean[], bins = 10): number {
  const n = probabilities.length;
  if (!n) return NaN;
  return reliabilityBins(probabilities, correct, bins).reduce((e, b) => e + (b.count / n) * Math.abs(b.accuracy - b.meanProbability), 0);
}

export interface HeldOutScores {
  /** Row of the training set each entry is about. */
  rows: number[];
  truth: number[];
  predicted: number[];
  topMargin: number[];
  /** Margin for the photo's own student. */
  ownMargin: number[];
  /** Its highest margins for other students (up to HARD_NEGATIVES), highest first. */
  otherMargins: number[][];
  folds: number;
}

/**
 * Wrong-student margins kept per held-out photo. Lower ones sit where the
 * fitted probability is ~0 whatever the parameters, so they add cost, not
 * information, and with thousands of students they would swamp the fit.
 */
export const HARD_NEGATIVES = 5;

export type CalibrationMode = 'top1' | 'column' | 'auto';

/** Held-out mistakes (and successes) needed before the top-1 fit is trusted over the per-column one. */
export const MIN_TOP1_OUTCOMES = 5;

/**
 * 'top1': P(the top student is right | top margin), fitted on held-out top-1 outcomes: exactly
 * what the app shows, but meaningless without held-out mistakes. 'column': P(face is student c |
 * margin for c), which always has negatives to fit on but reads low for a top-1 choice.
 * 'auto': top1 when there are at least MIN_TOP1_OUTCOMES right and wrong held-out answers.
 */
export function fitCalibration(held: HeldOutScores, mode: CalibrationMode = 'auto'): { params: PlattParams; mode: 'top1' | 'column' | 'none' } {
  if (held.rows.length < MIN_HELD_OUT) return { params: { ...UNFITTED_PLATT }, mode: 'none' };
  const correct = held.predicted.map((p, i) => p === held.truth[i]);
  const wrong = correct.filter((c) => !c).length;
  const useTop1 = mode === 'top1' || (mode === 'auto' && wrong >= MIN_TOP1_OUTCOMES && correct.length - wrong >= MIN_TOP1_OUTCOMES);
  const fit = useTop1 ? { params: fitPlatt(held.topMargin, correct), mode: 'top1' as const } : { params: fitColumnPlatt(held), mode: 'column' as const };
  // A flat or falling curve would make a larger margin less likely to be right: noise, not signal.
  return fit.params.a > 0 ? fit : { params: { ...UNFITTED_PLATT }, mode: 'none' };
}

/** Platt parameters for "is this face student c?" from held-out margins. */
export function fitColumnPlatt(held: Pick<HeldOutScores, 'ownMargin' | 'otherMargins'>): PlattParams {
  const others = held.otherMargins.flat();
  if (!held.ownMargin.length) return { ...UNFITTED_PLATT };
  return fitPlatt([...held.ownMargin, ...others], [...held.ownMargin.map(() => true), ...others.map(() => false)]);
}

/**
 * Stratified folds: each class's rows are shuffled and dealt round-robin, the
 * starting fold rotating between classes so folds stay even. A class with a
 * single sample is never held out (it could not be trained on otherwise).
 */
export function assignFolds(y: Int32Array, classes: number, folds: number, seed: number): Int32Array {
  const random = seededRandom(seed);
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  y.forEach((c, i) => byClass[c]!.push(i));
  const fold = new Int32Array(y.length).fill(-1);
  let start = 0;
  for (const rows of byClass) {
    if (rows.length < 2) continue;
    shuffled(rows, random).forEach((r, i) => {
      fold[r] = (start + i) % folds;
    });
    start = (start + rows.length) % folds;
  }
  return fold;
}

/** Folds used for a set: `requested`, but never more than the largest class has samples. */
export function foldCount(set: TrainingSet, requested: number): number {
  const counts = new Map<number, number>();
  for (const c of set.y) counts.set(c, (counts.get(c) ?? 0) + 1);
  return Math.max(0, Math.min(requested, Math.max(0, ...counts.values())));
}

/** Trains one SVM per fold and scores that fold's rows with it. Corrections always stay in training. */
export async function crossValidatedMargins(set: TrainingSet, options: { folds: number; seed: number; svm?: Partial<SvmOptions> }): Promise<HeldOutScores> {
  const folds = foldCount(set, options.folds);
  const out: HeldOutScores = { rows: [], truth: [], predicted: [], topMargin: [], ownMargin: [], otherMargins: [], folds };
  if (folds < 2) return out;
  const fold = assignFolds(set.y, set.classes.length, folds, options.seed);
  const allNeg = Array.from(set.negY, (_, i) => i);
  const d = set.dimension;
  for (let f = 0; f < folds; f++) {
    const train: number[] = [];
    const test: number[] = [];
    fold.forEach((k, i) => (k === f ? test : train).push(i));
    if (!test.length) continue;
    const model: SvmModel = await trainSvmOnSet(subsetOf(set, train, allNeg), options.svm);
    const margins = await scoreSvm(
      model,
      test.map((r) => set.x.subarray(r * d, r * d + d)),
    );
    test.forEach((r, i) => {
      const row = margins[i]!;
      let best = 0;
      for (let c = 1; c < row.length; c++) if (row[c]! > row[best]!) best = c;
      out.rows.push(r);
      out.truth.push(set.y[r]!);
      out.predicted.push(best);
      out.topMargin.push(row[best]!);
      const own = set.y[r]!;
      out.ownMargin.push(row[own]!);
      out.otherMargins.push(
        row
          .filter((_, c) => c !== own)
          .sort((a, b) => b - a)
          .slice(0, HARD_NEGATIVES),
      );
    });
  }
  return out;
}
