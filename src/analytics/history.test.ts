import { describe, expect, it } from 'vitest';
import { addDays, dateOfDayNumber, dayNumber, localDay, weekdayOf, weekStart } from './calendar';
import { buildClassHistory, dayStatus } from './history';

const at = (day: number, hour: number, minute = 0) => new Date(2025, 2, day, hour, minute).toISOString();

describe('calendar', () => {
  it('counts days without the time zone', () => {
    expect(dayNumber('1970-01-02')).toBe(1);
    expect(dateOfDayNumber(dayNumber('2024-02-28') + 1)).toBe('2024-02-29');
    expect(addDays('2025-03-31', 1)).toBe('2025-04-01');
    expect(weekdayOf('2025-03-03')).toBe(1);
    expect(weekStart('2025-03-09')).toBe('2025-03-03');
    expect(localDay(at(4, 23, 30))).toBe('2025-03-04');
    expect(() => dayNumber('4 March')).toThrow(RangeError);
  });
});

describe('dayStatus', () => {
  it('folds a day of sessions into one status', () => {
    expect(dayStatus([])).toBeNull();
    expect(dayStatus(['absent', 'present'])).toBe('present');
    expect(dayStatus(['absent', 'late'])).toBe('late');
    expect(dayStatus(['absent', 'excused'])).toBe('absent');
    expect(dayStatus(['excused'])).toBe('excused');
  });
});

describe('buildClassHistory', () => {
  const students = [
    { id: 'a', rollNo: '1', fullName: 'Asha', addedAt: at(1, 8) },
    { id: 'b', rollNo: '2', fullName: 'Ravi', addedAt: at(4, 12) },
  ];
  const sessions = [
    { id: 's1', startsAt: at(3, 9), finalisedAt: at(3, 10) },
    { id: 's2', startsAt: at(4, 9), finalisedAt: at(4, 10) },
    { id: 's3', startsAt: at(4, 14), finalisedAt: at(4, 15) },
    { id: 's4', startsAt: at(5, 9), finalisedAt: null },
  ];
  const marks = [
    { sessionId: 's1', studentId: 'a', status: 'late' as const, markedAt: at(3, 9, 17) },
    { sessionId: 's2', studentId: 'a', status: 'absent' as const, markedAt: at(4, 9) },
    { sessionId: 's3', studentId: 'b', status: 'present' as const, markedAt: at(4, 14) },
    { sessionId: 's4', studentId: 'a', status: 'present' as const, markedAt: at(5, 9) },
  ];

  it('gives each student one status per school day, with late minutes', () => {
    const h = buildClassHistory({ classId: 'c', className: '7B', students, sessions, marks });
    expect(h.dates).toEqual(['2025-03-03', '2025-03-04', '2025-03-05']);
    const [asha, ravi] = h.students;
    // 4 March: absent in the morning, and no mark in the finalised afternoon session is absent too.
    expect(asha!.statuses).toEqual(['late', 'absent', 'present']);
    expect(asha!.lateMinutes).toEqual([17, null, null]);
    // Ravi joined at noon on the 4th: the morning does not count against him; he came in the afternoon.
    expect(ravi!.statuses).toEqual([null, 'present', null]);
  });

  it('has no days for a class with no sessions yet', () => {
    const h = buildClassHistory({ classId: 'c', className: '7B', students, sessions: [], marks: [] });
    expect(h.dates).toEqual([]);
    expect(h.students.map((s) => s.statuses)).toEqual([[], []]);
  });
});
