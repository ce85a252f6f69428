/** Plain data for the analytics. Nothing here touches storage, Vue or tensors. */
import type { AttendanceStatus } from '@/attendance/types';

/**
 * A student's day: 'absent' when they came to none of the day's counted
 * sessions, 'late' when they came but were late to one, 'excused' when every
 * session that day was excused; null when nothing counts (not yet in the class,
 * or attendance still being taken).
 */
export type DayStatus = AttendanceStatus;

export interface StudentHistory {
  studentId: string;
  rollNo: string;
  fullName: string;
  classId: string;
  className: string;
  /** One per entry of ClassHistory.dates. */
  statuses: (DayStatus | null)[];
  /** Minutes after the start of the day's first late session; null unless late that day. */
  lateMinutes: (number | null)[];
}

/** A class's school days (local dates on which it had a session), oldest first, and every student's day. */
export interface ClassHistory {
  classId: string;
  className: string;
  dates: string[];
  students: StudentHistory[];
}

/** What the analytics may predict with; the two baselines are named after their rule. */
export type ForecastMethod = 'forecast' | 'lastFourWeeks' | 'sameWeekdayLastWeek';

export const METHOD_LABELS: Readonly<Record<ForecastMethod, string>> = {
  forecast: 'Trained forecast',
  lastFourWeeks: 'Last-4-weeks rate',
  sameWeekdayLastWeek: 'Same weekday last week',
};
