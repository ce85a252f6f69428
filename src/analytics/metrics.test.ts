import { describe, expect, it } from 'vitest';
import { auc, brier, calibration, probabilityMetrics } from './metrics';

describe('auc', () => {
  it('is 1 for a perfect ranking, 0 for a reversed one, and counts ties as half', () => {
    expect(auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(auc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(auc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    // Pairs (pos, neg): (0.4 vs 0.1 win), (0.4 vs 0.4 tie), (0.8 vs both win) → 3.5 of 4.
    expect(auc([0.1, 0.4, 0.4, 0.8], [0, 0, 1, 1])).toBe(0.875);
  });

  it('is null with only one class', () => {
    expect(auc([0.1, 0.2], [1, 1])).toBeNull();
  });

  it('refuses mismatched lengths', () => {
    expect(() => auc([0.1], [0, 1])).toThrow(RangeError);
  });
});

describe('brier and calibration', () => {
  it('scores probabilities against outcomes', () => {
    expect(brier([1, 0, 0.5], [1, 0, 1])).toBeCloseTo(0.25 / 3);
  });

  it('puts scores in equal-width bins and weighs the gaps by their size', () => {
    const { bins, ece } = calibration([0.05, 0.05, 0.95, 1], [0, 1, 1, 1], 10);
    expect(bins[0]).toMatchObject({ count: 2, predicted: 0.05, observed: 0.5 });
    expect(bins[9]).toMatchObject({ count: 2, predicted: 0.975, observed: 1 });
    expect(bins[5]).toMatchObject({ count: 0, predicted: null, observed: null });
    expect(ece).toBeCloseTo(0.5 * 0.45 + 0.5 * 0.025);
  });

  it('is perfect for outcomes drawn from the stated chance', () => {
    const scores = Array.from({ length: 1000 }, (_, i) => (i % 10) / 10 + 0.05);
    const labels = scores.map((p, i) => ((i * 7919) % 1000 < p * 1000 ? 1 : 0) as 0 | 1);
    const m = probabilityMetrics(scores, labels);
    expect(m.n).toBe(1000);
    expect(m.ece).toBeLessThan(0.06);
  });
});
