/** Attendance of a class over a date range, one row per student, for reports and trend lines. */
import { parseDateRange, parseInstant } from './time';
import type { AttendanceStatus, ClassSummary, StudentSummary } from './types';

export interface ClassSummaryInput {
  className: string;
  /** A date ('2026-11-01', the whole day on this device's clock) or an exact ISO timestamp. */
  from: string;
  /** A date (the whole day, inclusive) or an exact ISO timestamp. */
  to: string;
  /**
   * `addedAt` (the student row's createdAt) keeps a student who joined the
   * class later from counting as absent in the sessions before they joined.
   */
  students: readonly { id: string; rollNo: string; fullName: string; addedAt?: string | null }[];
  /** Live sessions of the class (deleted ones left out by the caller), in any order. */
  sessions: readonly { id: string; startsAt: string; finalisedAt?: string | null }[];
  /** Marks of those sessions; marks of other sessions or students are ignored. */
  marks: readonly { sessionId: string; studentId: string; status: AttendanceStatus }[];
}

const rollOrder = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * The class's sessions that started within [from, to], oldest first, and each
 * student's status in each. A student with no mark in a finalised session was
 * absent, unless the session started before they were added to the class; in
 * an unfinalised session attendance is still being taken, so the status is
 * null and not counted.
 */
export function summariseClass(input: ClassSummaryInput): ClassSummary {
  const { startMs, endMs } = parseDateRange(input.from, input.to);
  const sessions = input.sessions
    .map((s) => ({ session: s, ms: parseInstant(s.startsAt, `The start of session ${s.id}`) }))
    .filter(({ ms }) => ms >= startMs && ms < endMs)
    .sort((a, b) => a.ms - b.ms || byText(a.session.id, b.session.id));

  // One mark per student and session is the rule; should a list break it, the last one counts.
  const statusOf = new Map<string, AttendanceStatus>();
  for (const m of input.marks) statusOf.set(`${m.sessionId}\u0000${m.studentId}`, m.status);

  const students = [...input.students].sort(
    (a, b) => rollOrder.compare(a.rollNo, b.rollNo) || rollOrder.compare(a.fullName, b.fullName) || byText(a.id, b.id),
  );

  return {
    className: input.className,
    from: input.from,
    to: input.to,
    sessions: sessions.map(({ session }) => ({ id: session.id, startsAt: session.startsAt })),
    students: students.map((student): StudentSummary => {
      const addedMs = student.addedAt ? parseInstant(student.addedAt, `When student ${student.id} was added`) : -Infinity;
      const statuses = sessions.map(
        ({ session, ms }) => statusOf.get(`${session.id}\u0000${student.id}`) ?? (session.finalisedAt && ms >= addedMs ? 'absent' : null),
      );
      const counts = tally(statuses);
      return { studentId: student.id, rollNo: student.rollNo, fullName: student.fullName, statuses, ...counts, rate: rateOf(counts) };
    }),
  };
}

/**
 * For each session, the attendance rate over it and the `window - 1` sessions
 * before it (fewer at the start), for a trend sparkline aligned with the
 * sessions. Null where that stretch has nothing to count (only excused or
 * unmarked).
 */
export function rollingRate(statuses: readonly (AttendanceStatus | null)[], window = 5): (number | null)[] {
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`The window must be a whole number of at least 1 session, not ${window}.`);
  return statuses.map((_, i) => rateOf(tally(statuses.slice(Math.max(0, i - window + 1), i + 1))));
}

type Counts = Pick<StudentSummary, 'present' | 'late' | 'absent' | 'excused'>;

function tally(statuses: readonly (AttendanceStatus | null)[]): Counts {
  const counts: Counts = { present: 0, late: 0, absent: 0, excused: 0 };
  for (const s of statuses) if (s !== null) counts[s]++;
  return counts;
}

/** Late still counts as attended; excused sessions are left out of the denominator. */
function rateOf(c: Counts): number | null {
  const counted = c.present + c.late + c.absent;
  return counted ? (c.present + c.late) / counted : null;
}

/** Plain code-unit order, for ids: a tie-break that never depends on the locale. */
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
