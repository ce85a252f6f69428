/** The dashboard's views of one or more class histories: plain rows for charts and tables. Pure. */
import { rollingRate } from '@/attendance/summary';
import { weekdayOf, WEEKDAY_LABELS, weekStart } from './calendar';
import type { ClassHistory, DayStatus } from './types';

export interface RatePoint {
  /** A date, or the Monday of a week. */
  date: string;
  /** Attended share of counted student-days; null when nothing counted. */
  rate: number | null;
  counted: number;
}

const attended = (s: DayStatus | null) => s === 'present' || s === 'late';
const counts = (s: DayStatus | null) => s === 'present' || s === 'late' || s === 'absent';

/** The histories cut to [from, to] (dates, inclusive; either may be null for open). */
export function sliceHistory(history: ClassHistory, from: string | null, to: string | null): ClassHistory {
  const keep = history.dates.map((d) => (!from || d >= from) && (!to || d <= to));
  const pick = <T>(xs: readonly T[]) => xs.filter((_, i) => keep[i]);
  return { ...history, dates: pick(history.dates), students: history.students.map((s) => ({ ...s, statuses: pick(s.statuses), lateMinutes: pick(s.lateMinutes) })) };
}

/** Attendance rate of all students together, per school day or per week (Monday first). */
export function rateOverTime(histories: readonly ClassHistory[], by: 'day' | 'week' = 'day'): RatePoint[] {
  const buckets = new Map<string, { attended: number; counted: number }>();
  for (const h of histories) {
    h.dates.forEach((date, i) => {
      const key = by === 'week' ? weekStart(date) : date;
      const b = buckets.get(key) ?? { attended: 0, counted: 0 };
      for (const s of h.students) {
        if (counts(s.statuses[i] ?? null)) b.counted++;
        if (attended(s.statuses[i] ?? null)) b.attended++;
      }
      buckets.set(key, b);
    });
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([date, b]) => ({ date, rate: b.counted ? b.attended / b.counted : null, counted: b.counted }));
}

/** 'day' for up to ~3 months of school days, 'week' beyond, so a phone-width chart stays readable. */
export const rateBucketFor = (histories: readonly ClassHistory[]): 'day' | 'week' =>
  new Set(histories.flatMap((h) => h.dates)).size > 60 ? 'week' : 'day';

export interface HeatmapRow {
  studentId: string;
  label: string;
  classId: string;
  /** One per date of the heatmap; null where the student's class did not meet or the day did not count. */
  cells: (DayStatus | null)[];
  rate: number | null;
}

export interface Heatmap {
  dates: string[];
  rows: HeatmapRow[];
}

/** Students × school days over the last `lastDays` dates any of the classes met (all of them when omitted). */
export function heatmap(histories: readonly ClassHistory[], lastDays?: number): Heatmap {
  const all = [...new Set(histories.flatMap((h) => h.dates))].sort();
  const dates = lastDays === undefined ? all : all.slice(Math.max(0, all.length - lastDays));
  const column = new Map(dates.map((d, i) => [d, i]));
  const several = histories.length > 1;
  const rows = histories.flatMap((h) =>
    h.students.map((s): HeatmapRow => {
      const cells: (DayStatus | null)[] = dates.map(() => null);
      let a = 0;
      let c = 0;
      h.dates.forEach((d, i) => {
        const at = column.get(d);
        if (at === undefined) return;
        const status = s.statuses[i] ?? null;
        cells[at] = status;
        if (counts(status)) c++;
        if (attended(status)) a++;
      });
      return { studentId: s.studentId, label: `${several ? `${h.className} · ` : ''}${s.rollNo} · ${s.fullName}`, classId: h.classId, cells, rate: c ? a / c : null };
    }),
  );
  return { dates, rows };
}

export interface WeekdayPoint {
  weekday: number;
  label: string;
  rate: number | null;
  counted: number;
  absences: number;
}

/** Attendance by weekday, Monday first; only the weekdays on which a class met. */
export function weekdayPattern(histories: readonly ClassHistory[]): WeekdayPoint[] {
  const by = Array.from({ length: 7 }, () => ({ attended: 0, counted: 0, absences: 0, met: false }));
  for (const h of histories) {
    h.dates.forEach((date, i) => {
      const w = by[weekdayOf(date)]!;
      w.met = true;
      for (const s of h.students) {
        const status = s.statuses[i] ?? null;
        if (counts(status)) w.counted++;
        if (attended(status)) w.attended++;
        if (status === 'absent') w.absences++;
      }
    });
  }
  return [1, 2, 3, 4, 5, 6, 0]
    .filter((d) => by[d]!.met)
    .map((d) => ({ weekday: d, label: WEEKDAY_LABELS[d]!, rate: by[d]!.counted ? by[d]!.attended / by[d]!.counted : null, counted: by[d]!.counted, absences: by[d]!.absences }));
}

export interface HistogramBin {
  /** Minutes after the session started, [from, to); `to` null for the open last bin. */
  from: number;
  to: number | null;
  label: string;
  count: number;
}

/** How late the late arrivals were, in bins of `binMinutes`, with everything from `maxMinutes` on in one last bin. */
export function lateHistogram(histories: readonly ClassHistory[], binMinutes = 5, maxMinutes = 60): HistogramBin[] {
  if (!(binMinutes > 0) || !(maxMinutes > binMinutes)) throw new RangeError('The bins must be positive and narrower than the range.');
  const n = Math.ceil(maxMinutes / binMinutes);
  const bins: HistogramBin[] = Array.from({ length: n + 1 }, (_, i) =>
    i < n
      ? { from: i * binMinutes, to: (i + 1) * binMinutes, label: `${i * binMinutes}–${(i + 1) * binMinutes}`, count: 0 }
      : { from: n * binMinutes, to: null, label: `${n * binMinutes}+`, count: 0 },
  );
  for (const h of histories) for (const s of h.students) for (const m of s.lateMinutes) if (m !== null && m >= 0) bins[Math.min(n, Math.floor(m / binMinutes))]!.count++;
  // Leading empty bins are the minutes before the late cut-off: nobody can be late then.
  const first = bins.findIndex((b) => b.count > 0);
  return first > 0 ? bins.slice(first) : bins;
}

/** Each student's attendance rate over their last `window` counted school days, day by day, for a sparkline. */
export function studentTrends(history: ClassHistory, window = 10): Record<string, (number | null)[]> {
  return Object.fromEntries(history.students.map((s) => [s.studentId, rollingRate(s.statuses, window)]));
}

