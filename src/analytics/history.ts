/** A class's sessions and marks as one row of school days per student. */
import { summariseClass } from '@/attendance/summary';
import type { AttendanceStatus } from '@/attendance/types';
import { localDay } from './calendar';
import type { ClassHistory, DayStatus, StudentHistory } from './types';

export interface ClassHistoryInput {
  classId: string;
  className: string;
  /** `addedAt` keeps a student who joined later from counting as absent before they joined. */
  students: readonly { id: string; rollNo: string; fullName: string; addedAt?: string | null }[];
  /** Live sessions of the class, in any order. */
  sessions: readonly { id: string; startsAt: string; finalisedAt?: string | null }[];
  marks: readonly { sessionId: string; studentId: string; status: AttendanceStatus; markedAt?: string }[];
}

const MINUTE_MS = 60_000;
/** A "late" mark more than this after the start is a correction typed in later, not an arrival time. */
const MAX_LATE_MINUTES = 240;

/**
 * Days are local calendar dates. The session rules (finalised sessions only,
 * no absences before a student joined, one mark per student) come from
 * `summariseClass`; this only folds a day's sessions into one status, where
 * coming to any session of the day counts as attending it.
 */
export function buildClassHistory(input: ClassHistoryInput): ClassHistory {
  if (!input.sessions.length) return { classId: input.classId, className: input.className, dates: [], students: input.students.map((s) => emptyStudent(input, s)) };
  const days = input.sessions.map((s) => localDay(s.startsAt)).sort();
  const summary = summariseClass({
    className: input.className,
    from: days[0]!,
    to: days[days.length - 1]!,
    students: input.students,
    sessions: input.sessions,
    marks: input.marks,
  });
  const dates = [...new Set(summary.sessions.map((s) => localDay(s.startsAt)))];
  const dayIndex = new Map(dates.map((d, i) => [d, i]));
  const sessionDay = summary.sessions.map((s) => dayIndex.get(localDay(s.startsAt))!);
  const startMs = new Map(summary.sessions.map((s) => [s.id, Date.parse(s.startsAt)]));
  const markedAt = new Map(input.marks.map((m) => [`${m.sessionId}\u0000${m.studentId}`, m.markedAt]));

  return {
    classId: input.classId,
    className: input.className,
    dates,
    students: summary.students.map((st): StudentHistory => {
      const perDay: AttendanceStatus[][] = dates.map(() => []);
      const lateMinutes: (number | null)[] = dates.map(() => null);
      st.statuses.forEach((status, i) => {
        if (!status) return;
        const day = sessionDay[i]!;
        perDay[day]!.push(status);
        if (status === 'late' && lateMinutes[day] === null) {
          const session = summary.sessions[i]!;
          const at = markedAt.get(`${session.id}\u0000${st.studentId}`);
          const minutes = at ? (Date.parse(at) - startMs.get(session.id)!) / MINUTE_MS : Number.NaN;
          if (minutes >= 0 && minutes <= MAX_LATE_MINUTES) lateMinutes[day] = Math.round(minutes);
        }
      });
      return {
        studentId: st.studentId,
        rollNo: st.rollNo,
        fullName: st.fullName,
        classId: input.classId,
        className: input.className,
        statuses: perDay.map(dayStatus),
        lateMinutes,
      };
    }),
  };
}

export function dayStatus(sessions: readonly AttendanceStatus[]): DayStatus | null {
  if (!sessions.length) return null;
  const counted = sessions.filter((s) => s !== 'excused');
  if (!counted.length) return 'excused';
  if (!counted.some((s) => s !== 'absent')) return 'absent';
  return counted.includes('late') ? 'late' : 'present';
}

function emptyStudent(input: ClassHistoryInput, s: ClassHistoryInput['students'][number]): StudentHistory {
  return { studentId: s.id, rollNo: s.rollNo, fullName: s.fullName, classId: input.classId, className: input.className, statuses: [], lateMinutes: [] };
}
