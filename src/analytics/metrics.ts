/** How good a probability is: ranking (AUC), accuracy of the numbers themselves (Brier, calibration). Pure. */

export interface CalibrationBin {
  from: number;
  to: number;
  count: number;
  /** Mean predicted probability of the rows in the bin; null when empty. */
  predicted: number | null;
  /** Share of those rows that were positive; null when empty. */
  observed: number | null;
}

export interface ProbabilityMetrics {
  n: number;
  positives: number;
  /** Area under the ROC curve; null when only one class is present. */
  auc: number | null;
  brier: number;
  /** Expected calibration error over equal-width bins. */
  ece: number;
  calibration: CalibrationBin[];
}

function check(scores: readonly number[], labels: readonly (0 | 1)[]) {
  if (scores.length !== labels.length) throw new RangeError(`${scores.length} scores for ${labels.length} labels.`);
}

/** The chance a random positive scores above a random negative (ties count half): Mann–Whitney with average ranks. */
export function auc(scores: readonly number[], labels: readonly (0 | 1)[]): number | null {
  check(scores, labels);
  const positives = labels.reduce<number>((a, y) => a + y, 0);
  const negatives = labels.length - positives;
  if (!positives || !negatives) return null;
  const order = scores.map((s, i) => [s, i] as const).sort((a, b) => a[0] - b[0]);
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (labels[order[k]![1]] === 1) rankSum += rank;
    i = j + 1;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export function brier(scores: readonly number[], labels: readonly (0 | 1)[]): number {
  check(scores, labels);
  if (!scores.length) return Number.NaN;
  return scores.reduce((a, p, i) => a + (p - labels[i]!) ** 2, 0) / scores.length;
}

/** Equal-width bins over [0, 1]; a score of exactly 1 goes in the last. */
export function calibration(scores: readonly number[], labels: readonly (0 | 1)[], bins = 10): { bins: CalibrationBin[]; ece: number } {
  check(scores, labels);
  const sum = new Float64Array(bins);
  const hits = new Float64Array(bins);
  const count = new Int32Array(bins);
  scores.forEach((p, i) => {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p * bins)));
    sum[b]! += p;
    hits[b]! += labels[i]!;
    count[b]!++;
  });
  let ece = 0;
  const out = Array.from({ length: bins }, (_, b): CalibrationBin => {
    const n = count[b]!;
    if (n) ece += (n / scores.length) * Math.abs(sum[b]! / n - hits[b]! / n);
    return { from: b / bins, to: (b + 1) / bins, count: n, predicted: n ? sum[b]! / n : null, observed: n ? hits[b]! / n : null };
  });
  return { bins: out, ece: scores.length ? ece : Number.NaN };
}

export function probabilityMetrics(scores: readonly number[], labels: readonly (0 | 1)[], bins = 10): ProbabilityMetrics {
  const cal = calibration(scores, labels, bins);
  return {
    n: scores.length,
    positives: labels.reduce<number>((a, y) => a + y, 0),
    auc: auc(scores, labels),
    brier: brier(scores, labels),
    ece: cal.ece,
    calibration: cal.bins,
  };
}
