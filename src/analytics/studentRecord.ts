/**
 * Pure rules behind a student's or parent's view of a record: the month
 * calendar, the percentage and late count, the trend, what an automatic
 * mark's evidence says, and what a notification preference may be.
 */
import { localDay, weekStart, addDays, weekdayOf } from '@/analytics/calendar';
import type { AttendanceStatus } from '@/attendance/types';
import type { DisputeRow, ExcuseRequestRow } from '@/db/disputes';

export interface RecordDay {
  markId: string;
  sessionId: string;
  startsAt: string;
  status: AttendanceStatus;
  source: string;
  confidence: number | null;
  markedAt: string;
  device: string;
  /** Newest first. */
  disputes: DisputeRow[];
  excuses: ExcuseRequestRow[];
}

export interface RecordSummary {
  /** Present or late, of the days that count (excused days do not); null before the first one. */
  rate: number | null;
  counted: number;
  present: number;
  late: number;
  absent: number;
  excused: number;
}

export function summariseRecord(days: readonly Pick<RecordDay, 'status'>[]): RecordSummary {
  const count = (s: AttendanceStatus) => days.filter((d) => d.status === s).length;
  const present = count('present');
  const late = count('late');
  const absent = count('absent');
  const counted = present + late + absent;
  return { rate: counted ? (present + late) / counted : null, counted, present, late, absent, excused: count('excused') };
}

export const percent = (rate: number | null) => (rate === null ? '–' : `${Math.round(rate * 100)}%`);

export type Trend = 'up' | 'down' | 'steady';

/** Days compared in each window, and the fewest that make a trend worth saying. */
export const TREND_WINDOW = 10;
export const TREND_MIN_DAYS = 3;
/** A change smaller than this (5 points) is "steady". */
export const TREND_STEP = 0.05;

/**
 * The last TREND_WINDOW counted days against the TREND_WINDOW before them;
 * null while there are too few to say.
 */
export function recordTrend(days: readonly Pick<RecordDay, 'status' | 'startsAt'>[]): { trend: Trend; recent: number; before: number } | null {
  const counted = days.filter((d) => d.status !== 'excused').sort((a, b) => b.startsAt.localeCompare(a.startsAt));
  const recent = counted.slice(0, TREND_WINDOW);
  const before = counted.slice(TREND_WINDOW, TREND_WINDOW * 2);
  if (recent.length < TREND_MIN_DAYS || before.length < TREND_MIN_DAYS) return null;
  const r = summariseRecord(recent).rate!;
  const b = summariseRecord(before).rate!;
  return { trend: r - b >= TREND_STEP ? 'up' : b - r >= TREND_STEP ? 'down' : 'steady', recent: r, before: b };
}

export const TREND_WORDS: Record<Trend, string> = { up: 'Getting better', down: 'Getting worse', steady: 'About the same' };

/** When a day had several sessions, the calendar shows the one that matters most. */
const WEIGHT: Record<AttendanceStatus, number> = { absent: 3, late: 2, excused: 1, present: 0 };

export interface CalendarCell {
  date: string;
  /** Day of the month; null for the padding before the 1st and after the last. */
  day: number | null;
  status: AttendanceStatus | null;
  /** The session to open when the day is tapped (the one shown). */
  sessionId: string | null;
}

export interface CalendarMonth {
  /** '2026-11' */
  month: string;
  /** Monday to Friday rows; weekends are left out unless a session fell on one. */
  weeks: CalendarCell[][];
  showWeekend: boolean;
}

/** Months that have at least one marked day, newest first, as Monday-first weeks. */
export function recordCalendar(days: readonly Pick<RecordDay, 'startsAt' | 'status' | 'sessionId'>[]): CalendarMonth[] {
  const byDate = new Map<string, { status: AttendanceStatus; sessionId: string }>();
  for (const d of days) {
    const date = localDay(d.startsAt);
    const shown = byDate.get(date);
    if (!shown || WEIGHT[d.status] > WEIGHT[shown.status]) byDate.set(date, { status: d.status, sessionId: d.sessionId });
  }
  const months = [...new Set([...byDate.keys()].map((d) => d.slice(0, 7)))].sort().reverse();
  return months.map((month) => {
    const first = `${month}-01`;
    const showWeekend = [...byDate.keys()].some((d) => d.startsWith(month) && (weekdayOf(d) === 0 || weekdayOf(d) === 6));
    const weeks: CalendarCell[][] = [];
    for (let monday = weekStart(first); monday.slice(0, 7) <= month; monday = addDays(monday, 7)) {
      const week: CalendarCell[] = [];
      for (let i = 0; i < (showWeekend ? 7 : 5); i++) {
        const date = addDays(monday, i);
        const inMonth = date.startsWith(month);
        const marked = inMonth ? byDate.get(date) : undefined;
        week.push({ date, day: inMonth ? Number(date.slice(8)) : null, status: marked?.status ?? null, sessionId: marked?.sessionId ?? null });
      }
      if (week.some((c) => c.day !== null)) weeks.push(week);
    }
    return { month, weeks, showWeekend };
  });
}

export const STATUS_WORDS: Record<AttendanceStatus, string> = { present: 'Present', late: 'Late', absent: 'Absent', excused: 'Excused' };

/** Where the face photo of an automatic mark is, in words the family can act on. */
export function cropWhereabouts(keepFaceCrops: boolean | null, device: string): string {
  if (keepFaceCrops === null) return 'The school’s settings have not reached this phone yet.';
  if (!keepFaceCrops) return 'The school does not keep face photos: only the time and the score were saved.';
  return `The school keeps face photos, but only on the device that took attendance (${device || 'the teacher’s device'}). It is never sent to the server or to this phone; ask the teacher to see it.`;
}

/** A mark can be disputed while no dispute of it is open (the server allows one open dispute per mark). */
export function canDispute(day: Pick<RecordDay, 'disputes'>): boolean {
  return !day.disputes.some((d) => d.status === 'open');
}

export const DISPUTE_REASON_MAX = 500;

export function disputeProblems(input: { reason: string; requestedStatus: AttendanceStatus | null }, current: AttendanceStatus): string[] {
  const problems: string[] = [];
  const reason = input.reason.trim();
  if (!reason) problems.push('Say what is wrong, in a few words.');
  else if (reason.length > DISPUTE_REASON_MAX) problems.push(`Keep it under ${DISPUTE_REASON_MAX} characters.`);
  if (input.requestedStatus === current) problems.push(`The mark already says ${STATUS_WORDS[current].toLowerCase()}.`);
  return problems;
}

export type NotifyOn = 'absence' | 'every-mark' | 'off';

export const NOTIFY_ON_WORDS: Record<NotifyOn, string> = {
  absence: 'Only when absent or late',
  'every-mark': 'Every time attendance is taken',
  off: 'Never',
};

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

export interface PreferenceInput {
  notifyOn: NotifyOn;
  quietHoursStart: string | null;
  quietHoursEnd: string | null;
}

/** The notify function's own rules, said first on the phone: both ends of quiet hours or neither, as "21:00". */
export function preferenceProblems(input: PreferenceInput): string[] {
  const problems: string[] = [];
  if (!(input.notifyOn in NOTIFY_ON_WORDS)) problems.push('Choose when to get a text.');
  const start = input.quietHoursStart || null;
  const end = input.quietHoursEnd || null;
  if ((start === null) !== (end === null)) problems.push('Give both the start and the end of quiet hours, or neither.');
  for (const t of [start, end]) if (t !== null && !HH_MM.test(t)) problems.push(`"${t}" is not a time like 21:00.`);
  if (start !== null && start === end) problems.push('Quiet hours must start and end at different times.');
  return problems;
}

/** "21:00–07:00 (overnight)" or null. */
export function quietHoursWords(start: string | null, end: string | null): string | null {
  if (!start || !end) return null;
  return `${start}–${end}${end < start ? ' (overnight)' : ''}`;
}
