/** The rule that keeps the trained forecast only when it beats both simple baselines. Pure. */
import type { ProbabilityMetrics } from './metrics';
import { METHOD_LABELS, type ForecastMethod } from './types';

export type MethodMetrics = Record<ForecastMethod, ProbabilityMetrics>;

export interface ForecastDecision {
  keep: boolean;
  /** What the app predicts with: the forecast when kept, otherwise the better baseline. */
  use: ForecastMethod;
  /** One sentence for the teacher. */
  reason: string;
}

const BASELINES = ['lastFourWeeks', 'sameWeekdayLastWeek'] as const;
const pct = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));

/**
 * Kept only when, on held-out weeks, it ranks better (higher AUC) and its
 * probabilities are closer to what happened (lower Brier score) than each
 * baseline. Otherwise the baseline with the lower Brier score is used (AUC
 * breaks a tie), and the reason names the rule it lost to.
 */
export function decideForecast(m: MethodMetrics): ForecastDecision {
  const f = m.forecast;
  const beaten = BASELINES.filter((b) => f.auc !== null && m[b].auc !== null && f.auc > m[b].auc! && f.brier < m[b].brier);
  if (beaten.length === BASELINES.length) {
    return {
      keep: true,
      use: 'forecast',
      reason: `The trained forecast beat both simple rules on held-out weeks (AUC ${pct(f.auc)} against ${pct(m.lastFourWeeks.auc)} and ${pct(m.sameWeekdayLastWeek.auc)}; Brier ${pct(f.brier)} against ${pct(m.lastFourWeeks.brier)} and ${pct(m.sameWeekdayLastWeek.brier)}).`,
    };
  }
  const best = bestBaseline(m);
  const lostTo = BASELINES.filter((b) => !beaten.includes(b)).map((b) => METHOD_LABELS[b].toLowerCase());
  return {
    keep: false,
    use: best,
    reason: `The trained forecast did not beat the ${lostTo.join(' and the ')} rule on this school's held-out weeks, so the ${METHOD_LABELS[best].toLowerCase()} is used instead.`,
  };
}

export function bestBaseline(m: Pick<MethodMetrics, (typeof BASELINES)[number]>): (typeof BASELINES)[number] {
  const [a, b] = BASELINES;
  if (m[a].brier !== m[b].brier) return m[a].brier < m[b].brier ? a : b;
  return (m[b].auc ?? 0) > (m[a].auc ?? 0) ? b : a;
}
