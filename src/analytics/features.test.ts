import { describe, expect, it } from 'vitest';
import { FEATURE_COUNT, FEATURE_NAMES, featuresAt, labelledExamples, nextWeekExamples, weeklyCutoffs } from './features';
import { historyOf } from './testing';
import { buildTimeline } from './timeline';

describe('features', () => {
  const h = historyOf({ a: 'PPPPP' + 'PPLPP' + 'PPPAA', b: 'PAPPP' + 'PPPPP' + 'PPPPE' });

  it('names every feature', () => {
    expect(featuresAt(buildTimeline(h), 0, 14, '2025-03-24')).toHaveLength(FEATURE_COUNT);
    expect(FEATURE_NAMES).toHaveLength(FEATURE_COUNT);
  });

  it('sees the streak, the target weekday and the days ahead', () => {
    const f = featuresAt(buildTimeline(h), 0, 14, '2025-03-25');
    const at = (name: (typeof FEATURE_NAMES)[number]) => f[FEATURE_NAMES.indexOf(name)];
    expect(at('absence streak (days, up to 10)')).toBeCloseTo(0.2);
    expect(at('absent on the cutoff day')).toBe(1);
    expect(at('Tuesday')).toBe(1);
    expect(at('Monday')).toBe(0);
    expect(at('days ahead (weeks)')).toBeCloseTo(4 / 7);
    expect(at('late rate, last 4 weeks')).toBeCloseTo(1 / 15);
    expect(at('a current streak, fading with days ahead')).toBeCloseTo(0.5 ** 3);
  });

  it('never reads a day after the cutoff', () => {
    const changed = historyOf({ a: 'PPPPP' + 'PPLPP' + 'AAAAA', b: 'PAPPP' + 'PPPPP' + 'AAAAA' });
    expect(featuresAt(buildTimeline(changed), 0, 9, '2025-03-17')).toEqual(featuresAt(buildTimeline(h), 0, 9, '2025-03-17'));
  });

  it('cuts off at the end of each week and labels the next week, leaving excused days out', () => {
    expect(weeklyCutoffs(buildTimeline(h))).toEqual([4, 9, 14]);
    const rows = labelledExamples(h);
    // Cutoffs 4 and 9 have a following week; a: 5 + 5 targets, b: 5 + 4 (the excused day is left out).
    expect(rows).toHaveLength(19);
    expect(rows.filter((r) => r.absent === 1).map((r) => `${r.studentId} ${r.target}`)).toEqual(['a 2025-03-20', 'a 2025-03-21']);
    expect(rows[0]).toMatchObject({ cutoff: '2025-03-07', target: '2025-03-10' });
  });

  it('forecasts the weekdays the class met on, after the last school day', () => {
    const rows = nextWeekExamples(h);
    expect(rows.map((r) => r.target)).toEqual(['2025-03-24', '2025-03-25', '2025-03-26', '2025-03-27', '2025-03-28', '2025-03-24', '2025-03-25', '2025-03-26', '2025-03-27', '2025-03-28']);
    expect(rows.every((r) => r.absent === null)).toBe(true);
  });
});
