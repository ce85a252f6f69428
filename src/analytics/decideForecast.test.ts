import { describe, expect, it } from 'vitest';
import { decideForecast, type MethodMetrics } from './decideForecast';
import type { ProbabilityMetrics } from './metrics';

const m = (auc: number, brier: number): ProbabilityMetrics => ({ n: 100, positives: 10, auc, brier, ece: 0.01, calibration: [] });

describe('decideForecast', () => {
  it('keeps the forecast only when it beats both baselines on AUC and Brier', () => {
    const won: MethodMetrics = { forecast: m(0.75, 0.12), lastFourWeeks: m(0.7, 0.13), sameWeekdayLastWeek: m(0.6, 0.2) };
    expect(decideForecast(won)).toMatchObject({ keep: true, use: 'forecast' });
  });

  it('falls back to the better baseline and says which rule it lost to', () => {
    const lostOnBrier: MethodMetrics = { forecast: m(0.75, 0.14), lastFourWeeks: m(0.7, 0.13), sameWeekdayLastWeek: m(0.6, 0.2) };
    const d = decideForecast(lostOnBrier);
    expect(d).toMatchObject({ keep: false, use: 'lastFourWeeks' });
    expect(d.reason).toBe("The trained forecast did not beat the last-4-weeks rate rule on this school's held-out weeks, so the last-4-weeks rate is used instead.");

    const lostOnRanking: MethodMetrics = { forecast: m(0.6, 0.12), lastFourWeeks: m(0.7, 0.2), sameWeekdayLastWeek: m(0.65, 0.15) };
    expect(decideForecast(lostOnRanking)).toMatchObject({ keep: false, use: 'sameWeekdayLastWeek' });
  });
});
