/**
 * Running counts over a class history, so that any window of days ending at
 * any cutoff is two array reads. Built once per class; features and baselines
 * read from it and never look past their cutoff.
 */
import { dayNumber, weekdayOf } from './calendar';
import type { ClassHistory } from './types';

/** A break of this many days or more between school days starts a new term. */
export const TERM_BREAK_DAYS = 14;

export interface StudentTimeline {
  /** Prefix sums over days 0..i-1 (length n + 1) of counted (present, late, absent), absent and late days. */
  counted: Int32Array;
  absent: Int32Array;
  late: Int32Array;
  /** Per weekday, prefix sums of counted and absent days. */
  weekdayCounted: Int32Array[];
  weekdayAbsent: Int32Array[];
  /** Absent counted days in a row ending at day i; excused and unmarked days neither break nor extend it. */
  streak: Int32Array;
  /** Index of the last absent day at or before i, or -1. */
  lastAbsence: Int32Array;
}

export interface ClassTimeline {
  history: ClassHistory;
  days: Int32Array;
  weekdays: Int8Array;
  /** Index of the first day of the term day i is in. */
  termStart: Int32Array;
  dayIndex: Map<string, number>;
  /** Prefix sums over all students. */
  counted: Int32Array;
  absent: Int32Array;
  students: StudentTimeline[];
}

export function buildTimeline(history: ClassHistory): ClassTimeline {
  const n = history.dates.length;
  const days = Int32Array.from(history.dates, dayNumber);
  const weekdays = Int8Array.from(history.dates, weekdayOf);
  const termStart = new Int32Array(n);
  for (let i = 1; i < n; i++) termStart[i] = days[i]! - days[i - 1]! >= TERM_BREAK_DAYS ? i : termStart[i - 1]!;
  const classCounted = new Int32Array(n + 1);
  const classAbsent = new Int32Array(n + 1);

  const students = history.students.map((st): StudentTimeline => {
    const counted = new Int32Array(n + 1);
    const absent = new Int32Array(n + 1);
    const late = new Int32Array(n + 1);
    const weekdayCounted = Array.from({ length: 7 }, () => new Int32Array(n + 1));
    const weekdayAbsent = Array.from({ length: 7 }, () => new Int32Array(n + 1));
    const streak = new Int32Array(n);
    const lastAbsence = new Int32Array(n);
    let run = 0;
    let last = -1;
    for (let i = 0; i < n; i++) {
      const s = st.statuses[i] ?? null;
      const isCounted = s === 'present' || s === 'late' || s === 'absent';
      const isAbsent = s === 'absent';
      counted[i + 1] = counted[i]! + (isCounted ? 1 : 0);
      absent[i + 1] = absent[i]! + (isAbsent ? 1 : 0);
      late[i + 1] = late[i]! + (s === 'late' ? 1 : 0);
      for (let w = 0; w < 7; w++) {
        const here = weekdays[i] === w;
        weekdayCounted[w]![i + 1] = weekdayCounted[w]![i]! + (here && isCounted ? 1 : 0);
        weekdayAbsent[w]![i + 1] = weekdayAbsent[w]![i]! + (here && isAbsent ? 1 : 0);
      }
      if (isAbsent) {
        run++;
        last = i;
      } else if (isCounted) run = 0;
      streak[i] = run;
      lastAbsence[i] = last;
      classCounted[i + 1] = classCounted[i + 1]! + (isCounted ? 1 : 0);
      classAbsent[i + 1] = classAbsent[i + 1]! + (isAbsent ? 1 : 0);
    }
    return { counted, absent, late, weekdayCounted, weekdayAbsent, streak, lastAbsence };
  });
  for (let i = 0; i < n; i++) {
    classCounted[i + 1]! += classCounted[i]!;
    classAbsent[i + 1]! += classAbsent[i]!;
  }
  return { history, days, weekdays, termStart, dayIndex: new Map(history.dates.map((d, i) => [d, i])), counted: classCounted, absent: classAbsent, students };
}

/** The first day index of the window of `calendarDays` days that ends with day `end` (inclusive). */
export function windowStart(t: ClassTimeline, end: number, calendarDays: number): number {
  const from = t.days[end]! - calendarDays + 1;
  let lo = 0;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t.days[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Counted and absent days of one student over days [from, to] (indices, inclusive). */
export function countsBetween(s: StudentTimeline, from: number, to: number): { counted: number; absent: number; late: number } {
  return { counted: s.counted[to + 1]! - s.counted[from]!, absent: s.absent[to + 1]! - s.absent[from]!, late: s.late[to + 1]! - s.late[from]! };
}
