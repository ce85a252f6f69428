import { describe, it, expect } from 'vitest';
import { bestAccuracy, buildPairs, median, ratesAt, rocAuc, tarAtFar } from './metrics';
import { seededRandom as mulberry32 } from '../src/ml/classifier/random';

describe('median', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 10])).toBe(3.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });

  it('does not reorder its input', () => {
    const xs = [3, 1, 2];
    median(xs);
    expect(xs).toEqual([3, 1, 2]);
  });
});

describe('rocAuc', () => {
  it('is 1 when every same-person pair is closer than every different-person pair', () => {
    expect(rocAuc([0.1, 0.2, 0.3], [0.5, 0.6])).toBe(1);
  });

  it('is 0 when the order is reversed', () => {
    expect(rocAuc([0.7, 0.8], [0.1, 0.2, 0.3])).toBe(0);
  });

  it('counts the share of correctly ordered (genuine, impostor) pairs', () => {
    // Pairs (g, i): (0.1,0.2) ok, (0.1,0.4) ok, (0.3,0.2) wrong, (0.3,0.4) ok, (0.5,*) both wrong → 3/6.
    expect(rocAuc([0.1, 0.3, 0.5], [0.2, 0.4])).toBeCloseTo(3 / 6, 12);
  });

  it('counts ties as half', () => {
    expect(rocAuc([0.5], [0.5])).toBe(0.5);
    // (0.2,0.2) half, (0.2,0.6) ok, (0.4,0.2) wrong, (0.4,0.6) ok → 2.5/4.
    expect(rocAuc([0.2, 0.4], [0.2, 0.6])).toBeCloseTo(2.5 / 4, 12);
  });

  it('is NaN without both kinds of pair', () => {
    expect(rocAuc([], [0.1])).toBeNaN();
  });
});

describe('ratesAt', () => {
  it('accepts distances strictly below the threshold', () => {
    expect(ratesAt([0.2, 0.6, 0.7], [0.5, 0.6, 0.9, 1.0], 0.6)).toEqual({ tar: 1 / 3, far: 1 / 4 });
  });
});

describe('bestAccuracy', () => {
  it('finds a separating threshold between the classes', () => {
    const r = bestAccuracy([0.1, 0.2, 0.3], [0.5, 0.6]);
    expect(r.accuracy).toBe(1);
    expect(r.threshold).toBeCloseTo(0.4, 12);
  });

  it('balances the two classes by default', () => {
    // Genuine 0.1, 0.5; impostor 0.3, 0.6, 0.7, 0.8.
    // t=0.2: TPR 1/2, TNR 1 → balanced 0.75, plain 5/6.
    // t=0.55: TPR 1, TNR 3/4 → balanced 0.875, plain 5/6.
    const g = [0.1, 0.5];
    const i = [0.3, 0.6, 0.7, 0.8];
    const balanced = bestAccuracy(g, i);
    expect(balanced.accuracy).toBeCloseTo(0.875, 12);
    expect(balanced.threshold).toBeCloseTo(0.55, 12);
    const plain = bestAccuracy(g, i, false);
    expect(plain.accuracy).toBeCloseTo(5 / 6, 12);
    // The first threshold reaching the best plain accuracy wins.
    expect(plain.threshold).toBeCloseTo(0.2, 12);
  });

  it('does not split tied distances', () => {
    // Both classes at 0.5: accepting it takes both, so the best is to accept only 0.1.
    const r = bestAccuracy([0.1, 0.5], [0.5, 0.9]);
    expect(r.accuracy).toBeCloseTo(0.75, 12);
    expect(r.threshold).toBeCloseTo(0.3, 12);
  });
});

describe('tarAtFar', () => {
  const impostor = Array.from({ length: 200 }, (_, k) => 0.3 + k * 0.005); // 0.300 … 0.995

  it('allows at most the target share of impostors through', () => {
    // 1% of 200 = 2 impostors allowed (0.300, 0.305); the threshold is the third, 0.310.
    const genuine = [0.1, 0.2, 0.302, 0.32, 0.4];
    const r = tarAtFar(genuine, impostor, 0.01);
    expect(r.threshold).toBeCloseTo(0.31, 12);
    expect(r.far).toBe(2 / 200);
    expect(r.tar).toBeCloseTo(3 / 5, 12);
  });

  it('with too few impostors for the target, counts genuine pairs below the closest impostor', () => {
    const r = tarAtFar([0.1, 0.2, 0.6], [0.5, 0.7, 0.9], 0.01);
    expect(r.threshold).toBe(0.5);
    expect(r.far).toBe(0);
    expect(r.tar).toBeCloseTo(2 / 3, 12);
  });
});

describe('buildPairs', () => {
  it('lists all same-person and different-person pairs when under the cap', () => {
    const { genuine, impostor } = buildPairs(['a', 'a', 'b', 'a'], 100);
    expect(genuine).toEqual([[0, 1], [0, 3], [1, 3]]);
    expect(impostor).toEqual([[0, 2], [1, 2], [2, 3]]);
  });

  it('samples the different-person pairs deterministically under a cap', () => {
    const labels = Array.from({ length: 40 }, (_, k) => `p${k % 10}`);
    const a = buildPairs(labels, 50, 7);
    const b = buildPairs(labels, 50, 7);
    const c = buildPairs(labels, 50, 8);
    expect(a.genuine).toHaveLength(10 * 6);
    expect(a.impostor).toHaveLength(50);
    expect(a.impostor).toEqual(b.impostor);
    expect(a.impostor).not.toEqual(c.impostor);
    expect(new Set(a.impostor.map((p) => p.join())).size).toBe(50);
    for (const [i, j] of a.impostor) expect(labels[i]).not.toBe(labels[j]);
  });

  it('mulberry32 gives numbers in [0, 1) and repeats for a seed', () => {
    const r1 = mulberry32(42);
    const r2 = mulberry32(42);
    for (let k = 0; k < 100; k++) {
      const v = r1();
      expect(v).toBe(r2());
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
    }
  });
});
