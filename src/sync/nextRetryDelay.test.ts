import { describe, expect, it } from 'vitest';
import { nextRetryDelay, RETRY_MAX_MS } from './nextRetryDelay';

describe('nextRetryDelay', () => {
  it('doubles from one second, the upper half random', () => {
    expect([0, 1, 2, 3].map((a) => nextRetryDelay(a, () => 0))).toEqual([500, 1000, 2000, 4000]);
    expect([0, 1, 2, 3].map((a) => nextRetryDelay(a, () => 0.999999))).toEqual([1000, 2000, 4000, 8000]);
    expect(nextRetryDelay(2, () => 0.5)).toBe(3000);
  });

  it('never waits more than five minutes, however many attempts', () => {
    for (const attempt of [9, 20, 1000]) {
      expect(nextRetryDelay(attempt, () => 0.999999)).toBeLessThanOrEqual(RETRY_MAX_MS);
      expect(nextRetryDelay(attempt, () => 0)).toBe(RETRY_MAX_MS / 2);
    }
  });
});
