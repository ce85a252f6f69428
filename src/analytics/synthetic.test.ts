import { describe, expect, it } from 'vitest';
import { weekdayOf } from './calendar';
import { syntheticSchool } from './synthetic';

describe('syntheticSchool', () => {
  it('repeats exactly for a seed and differs for another', () => {
    const a = syntheticSchool({ seed: 3 });
    expect(syntheticSchool({ seed: 3 })).toEqual(a);
    expect(syntheticSchool({ seed: 4 }).histories[0]!.students[0]!.statuses).not.toEqual(a.histories[0]!.students[0]!.statuses);
  });

  it('has school days on weekdays only, with a break between terms', () => {
    const [h] = syntheticSchool({ seed: 3, classes: 1 }).histories;
    expect(h!.dates.every((d) => weekdayOf(d) >= 1 && weekdayOf(d) <= 5)).toBe(true);
    expect(h!.dates.length).toBeGreaterThan(110);
    expect(h!.dates).toContain('2025-03-28');
    expect(h!.dates.some((d) => d >= '2025-03-31' && d < '2025-04-14')).toBe(false);
  });

  it('follows its processes: drop-outs stop coming, skippers miss their weekday', () => {
    const school = syntheticSchool({ seed: 5, studentsPerClass: 60 });
    const students = school.histories.flatMap((h) => h.students.map((s) => ({ s, dates: h.dates, truth: school.truth.get(s.studentId)! })));
    const absentShare = (xs: (string | null)[]) => xs.filter((x) => x === 'absent').length / Math.max(1, xs.filter((x) => x !== null).length);
    const dropOuts = students.filter((x) => x.truth.dropOutFrom !== null && x.truth.dropOutFrom < x.dates.length - 30);
    expect(dropOuts.length).toBeGreaterThan(3);
    for (const x of dropOuts) expect(absentShare(x.s.statuses.slice(-10))).toBeGreaterThan(absentShare(x.s.statuses.slice(0, x.truth.dropOutFrom!)));
    const skippers = students.filter((x) => x.truth.skipsWeekday !== null);
    expect(skippers.length).toBeGreaterThan(10);
    const on = skippers.flatMap((x) => x.s.statuses.filter((_, i) => weekdayOf(x.dates[i]!) === x.truth.skipsWeekday));
    const off = skippers.flatMap((x) => x.s.statuses.filter((_, i) => weekdayOf(x.dates[i]!) !== x.truth.skipsWeekday && (x.truth.dropOutFrom === null || i < x.truth.dropOutFrom)));
    expect(absentShare(on)).toBeGreaterThan(2 * absentShare(off));
  });
});
