/** Scores for one method on one split. Pure. */
import { expectedCalibrationError } from '../../src/ml/classifier/calibrate';

/** What a method said about one test photo. */
export interface Answer {
  truth: string | null;
  /** Forced choice among enrolled people (closed set). */
  closed: string;
  /** With rejection: a person or null for unknown (open set). */
  open: string | null;
  /** Shown probability of `closed`, when the method has one. */
  probability?: number;
}

export interface ClosedSetMetrics {
  accuracy: number;
  /** Macro means over enrolled people; a person never predicted has no precision and is left out of its mean. */
  precision: number;
  recall: number;
  tests: number;
}

export interface OpenSetMetrics {
  /** Stranger photos given a name. */
  far: number;
  /** Enrolled people's photos not given their own name (rejected or mislabelled). */
  frr: number;
  rejected: number;
  mislabelled: number;
  strangers: number;
  genuine: number;
  threshold: number;
}

export interface MethodMetrics {
  closedSet: ClosedSetMetrics;
  openSet: OpenSetMetrics;
  /** Expected calibration error of the closed-set probabilities (null without probabilities). */
  ece: number | null;
  /** The same over every probe, strangers included (a stranger's shown probability is always wrong). */
  eceOpen: number | null;
  confused: { truth: string; predicted: string; count: number }[];
}

export function closedSetMetrics(answers: readonly Answer[], classes: readonly string[]): ClosedSetMetrics {
  const genuine = answers.filter((a) => a.truth !== null);
  const right = genuine.filter((a) => a.closed === a.truth).length;
  const precisions: number[] = [];
  const recalls: number[] = [];
  for (const c of classes) {
    const support = genuine.filter((a) => a.truth === c).length;
    const predicted = genuine.filter((a) => a.closed === c).length;
    const tp = genuine.filter((a) => a.truth === c && a.closed === c).length;
    if (predicted) precisions.push(tp / predicted);
    if (support) recalls.push(tp / support);
  }
  const mean = (v: number[]) => (v.length ? v.reduce((s, x) => s + x, 0) / v.length : NaN);
  return { accuracy: genuine.length ? right / genuine.length : NaN, precision: mean(precisions), recall: mean(recalls), tests: genuine.length };
}

export function openSetMetrics(answers: readonly Answer[], threshold: number): OpenSetMetrics {
  const genuine = answers.filter((a) => a.truth !== null);
  const strangers = answers.filter((a) => a.truth === null);
  const rejected = genuine.filter((a) => a.open === null).length;
  const mislabelled = genuine.filter((a) => a.open !== null && a.open !== a.truth).length;
  return {
    far: strangers.length ? strangers.filter((a) => a.open !== null).length / strangers.length : NaN,
    frr: genuine.length ? (rejected + mislabelled) / genuine.length : NaN,
    rejected,
    mislabelled,
    strangers: strangers.length,
    genuine: genuine.length,
    threshold,
  };
}

export function confusedPairs(answers: readonly Answer[], top = 5): MethodMetrics['confused'] {
  const counts = new Map<string, { truth: string; predicted: string; count: number }>();
  for (const a of answers) {
    if (a.truth === null || a.closed === a.truth) continue;
    const key = `${a.truth}\u0000${a.closed}`;
    const entry = counts.get(key) ?? { truth: a.truth, predicted: a.closed, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || a.truth.localeCompare(b.truth)).slice(0, top);
}

export function methodMetrics(answers: readonly Answer[], classes: readonly string[], threshold: number): MethodMetrics {
  const ece = (list: readonly Answer[]) =>
    list.length ? expectedCalibrationError(list.map((a) => a.probability!), list.map((a) => a.closed === a.truth)) : null;
  const withP = answers.filter((a) => a.probability !== undefined);
  return {
    closedSet: closedSetMetrics(answers, classes),
    openSet: openSetMetrics(answers, threshold),
    ece: ece(withP.filter((a) => a.truth !== null)),
    eceOpen: ece(withP),
    confused: confusedPairs(answers),
  };
}
