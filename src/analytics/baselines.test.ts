import { describe, expect, it } from 'vitest';
import { lastFourWeeksRate, sameWeekdayLastWeek } from './baselines';
import { historyOf } from './testing';
import { buildTimeline } from './timeline';

describe('baselines', () => {
  // Four weeks from Monday 3 March; the last day (index 19) is Friday 28 March.
  const h = historyOf({
    a: 'PPPPP' + 'PPPPP' + 'APPPP' + 'APPPA',
    b: 'AAAAA' + 'PPPPP' + 'PPPPP' + 'PPPPP',
    c: '.....' + '.....' + '.....' + '....E',
  });
  const t = buildTimeline(h);

  it('last-4-weeks rate: absent over counted days of the 28 days to the cutoff', () => {
    expect(lastFourWeeksRate(t, 0, 19)).toBeCloseTo(3 / 20);
    expect(lastFourWeeksRate(t, 1, 19)).toBeCloseTo(5 / 20);
    // Nothing counted for c: the class's rate over the window.
    expect(lastFourWeeksRate(t, 2, 19)).toBeCloseTo(8 / 40);
  });

  it('same weekday last week: the Monday a week before a Monday target', () => {
    expect(sameWeekdayLastWeek(t, 0, 19, '2025-03-31')).toBe(1);
    expect(sameWeekdayLastWeek(t, 0, 19, '2025-04-01')).toBe(0);
    expect(sameWeekdayLastWeek(t, 0, 19, '2025-04-04')).toBe(1);
    // Never reads past the cutoff: at Friday 21 March, Friday 28 March (absent) is unknown, so 21 March counts.
    expect(sameWeekdayLastWeek(t, 0, 14, '2025-04-04')).toBe(0);
  });

  it('same weekday last week falls back to earlier weeks, then to the rate', () => {
    const h2 = historyOf({ a: 'APPPP' + 'EPPPP' });
    const t2 = buildTimeline(h2);
    expect(sameWeekdayLastWeek(t2, 0, 9, '2025-03-17')).toBe(1);
    expect(sameWeekdayLastWeek(buildTimeline(h), 2, 19, '2025-03-31')).toBeCloseTo(8 / 40);
  });
});
