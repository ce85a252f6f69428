import { describe, expect, it } from 'vitest';
import { heatmap, lateHistogram, rateBucketFor, rateOverTime, sliceHistory, studentTrends, weekdayPattern } from './aggregate';
import { historyOf } from './testing';

describe('aggregate views', () => {
  const h = historyOf({ asha: 'PPAPL' + 'APPPP', ravi: 'PAEPP' + 'AP...' });
  const other = historyOf({ chen: '.....' + 'LLLLL' }, { classId: 'c2', lateMinutes: 27 });

  it('rate over time, per day and per week', () => {
    const days = rateOverTime([h]);
    expect(days.slice(0, 3)).toEqual([
      { date: '2025-03-03', rate: 1, counted: 2 },
      { date: '2025-03-04', rate: 0.5, counted: 2 },
      { date: '2025-03-05', rate: 0, counted: 1 },
    ]);
    expect(rateOverTime([h], 'week')).toEqual([
      { date: '2025-03-03', rate: 7 / 9, counted: 9 },
      { date: '2025-03-10', rate: 5 / 7, counted: 7 },
    ]);
    expect(rateBucketFor([h])).toBe('day');
  });

  it('a students × days heatmap over the last days, class names shown when several', () => {
    const map = heatmap([h, other], 3);
    expect(map.dates).toEqual(['2025-03-12', '2025-03-13', '2025-03-14']);
    expect(map.rows.map((r) => r.label)).toEqual(['Class c1 · 1 · asha', 'Class c1 · 2 · ravi', 'Class c2 · 1 · chen']);
    expect(map.rows[1]!.cells).toEqual([null, null, null]);
    expect(map.rows[2]!.cells).toEqual(['late', 'late', 'late']);
    expect(heatmap([h]).rows[0]!.rate).toBeCloseTo(8 / 10);
  });

  it('the weekday pattern, Monday first', () => {
    const w = weekdayPattern([h]);
    expect(w.map((x) => x.label)).toEqual(['Mon', 'Tue', 'Wed', 'Thu', 'Fri']);
    expect(w[0]).toMatchObject({ rate: 1 / 2, absences: 2, counted: 4 });
    expect(w[2]).toMatchObject({ rate: 0.5, counted: 2, absences: 1 });
  });

  it('a histogram of late minutes from the first bin anyone is in', () => {
    const bins = lateHistogram([h, other], 5, 30);
    expect(bins[0]).toMatchObject({ from: 10, to: 15, label: '10–15', count: 1 });
    expect(bins.find((b) => b.from === 25)!.count).toBe(5);
    expect(bins.at(-1)).toMatchObject({ from: 30, to: null, label: '30+' });
    expect(() => lateHistogram([h], 0)).toThrow(RangeError);
  });

  it('slices by date and gives each student a trend', () => {
    const s = sliceHistory(h, '2025-03-10', null);
    expect(s.dates).toHaveLength(5);
    expect(s.students[0]!.statuses).toEqual(['absent', 'present', 'present', 'present', 'present']);
    expect(studentTrends(s, 2).asha).toEqual([0, 0.5, 1, 1, 1]);
  });
});
