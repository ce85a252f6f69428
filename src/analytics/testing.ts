/** Small histories for the tests, written as one letter per school day. Not part of the app bundle. */
import { addDays, weekdayOf } from './calendar';
import type { ClassHistory, DayStatus } from './types';

const LETTERS: Record<string, DayStatus | null> = { P: 'present', L: 'late', A: 'absent', E: 'excused', '.': null };

/** Weekdays from a Monday, `days` of them. */
export function schoolDays(from: string, days: number): string[] {
  const out: string[] = [];
  for (let d = from; out.length < days; d = addDays(d, 1)) if (weekdayOf(d) >= 1 && weekdayOf(d) <= 5) out.push(d);
  return out;
}

/** `{ asha: 'PPALP' }`: one student per key, one letter per date (P, L, A, E, or '.' for not counted). */
export function historyOf(rows: Record<string, string>, options: { from?: string; classId?: string; lateMinutes?: number } = {}): ClassHistory {
  const length = Math.max(0, ...Object.values(rows).map((r) => r.length));
  const dates = schoolDays(options.from ?? '2025-03-03', length);
  const classId = options.classId ?? 'c1';
  return {
    classId,
    className: `Class ${classId}`,
    dates,
    students: Object.entries(rows).map(([name, letters], k) => {
      const statuses = [...letters.padEnd(length, '.')].map((ch) => {
        if (!(ch in LETTERS)) throw new Error(`Unknown letter ${ch}`);
        return LETTERS[ch]!;
      });
      return {
        studentId: name,
        rollNo: String(k + 1),
        fullName: name,
        classId,
        className: `Class ${classId}`,
        statuses,
        lateMinutes: statuses.map((s) => (s === 'late' ? (options.lateMinutes ?? 12) : null)),
      };
    }),
  };
}
