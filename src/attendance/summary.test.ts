import { describe, expect, it } from 'vitest';
import { rollingRate, summariseClass, type ClassSummaryInput } from './summary';

/** An ISO timestamp for a local clock time, so the tests hold in every time zone. */
function local(day: number, hour: number, minute = 0): string {
  return new Date(2026, 10, day, hour, minute).toISOString();
}

const students = [
  { id: 's10', rollNo: '10', fullName: 'Jaya' },
  { id: 's2', rollNo: '2', fullName: 'Bilal' },
  { id: 's1', rollNo: '1', fullName: 'Asha' },
];

function input(overrides: Partial<ClassSummaryInput> = {}): ClassSummaryInput {
  return {
    className: '7B',
    from: '2026-11-02',
    to: '2026-11-04',
    students,
    sessions: [
      { id: 'wed', startsAt: local(4, 23, 30), finalisedAt: local(5, 0) },
      { id: 'mon', startsAt: local(2, 0, 0), finalisedAt: local(2, 9) },
      { id: 'tue', startsAt: local(3, 9), finalisedAt: null },
      { id: 'before', startsAt: local(1, 23, 59), finalisedAt: local(2, 0) },
      { id: 'after', startsAt: local(5, 0, 0), finalisedAt: local(5, 9) },
    ],
    marks: [
      { sessionId: 'mon', studentId: 's1', status: 'present' },
      { sessionId: 'mon', studentId: 's2', status: 'late' },
      { sessionId: 'mon', studentId: 's10', status: 'excused' },
      { sessionId: 'tue', studentId: 's1', status: 'present' },
      { sessionId: 'wed', studentId: 's1', status: 'absent' },
      { sessionId: 'wed', studentId: 's10', status: 'excused' },
      { sessionId: 'before', studentId: 's1', status: 'absent' },
      { sessionId: 'mon', studentId: 'someone-else', status: 'present' },
    ],
    ...overrides,
  };
}

describe('summariseClass', () => {
  const summary = summariseClass(input());

  it('takes sessions from the first to the last whole day, oldest first', () => {
    expect(summary.sessions.map((s) => s.id)).toEqual(['mon', 'tue', 'wed']);
    expect(summary.sessions[0]).toEqual({ id: 'mon', startsAt: local(2, 0, 0) });
    expect([summary.className, summary.from, summary.to]).toEqual(['7B', '2026-11-02', '2026-11-04']);
  });

  it('orders students by roll number as numbers, not text', () => {
    expect(summary.students.map((s) => s.rollNo)).toEqual(['1', '2', '10']);
  });

  it('counts absent when unmarked in a finalised session and nothing in an open one', () => {
    expect(summary.students.map((s) => s.statuses)).toEqual([
      ['present', 'present', 'absent'],
      ['late', null, 'absent'],
      ['excused', null, 'excused'],
    ]);
  });

  it('counts late as attended and leaves excused out of the rate', () => {
    expect(summary.students[0]).toEqual({
      studentId: 's1',
      rollNo: '1',
      fullName: 'Asha',
      statuses: ['present', 'present', 'absent'],
      present: 2,
      late: 0,
      absent: 1,
      excused: 0,
      rate: 2 / 3,
    });
    expect(summary.students[1]).toMatchObject({ present: 0, late: 1, absent: 1, excused: 0, rate: 0.5 });
    expect(summary.students[2]).toMatchObject({ excused: 2, rate: null });
  });

  it('does not count a student absent in sessions from before they joined', () => {
    const joined = summariseClass(input({ students: [{ id: 'new', rollNo: '11', fullName: 'Nia', addedAt: local(3, 12) }] }));
    expect(joined.students[0]!.statuses).toEqual([null, null, 'absent']);
    expect(joined.students[0]!.rate).toBe(0);
  });

  it('accepts exact timestamps as inclusive bounds', () => {
    const exact = summariseClass(input({ from: local(2, 0, 0), to: local(4, 23, 30) }));
    expect(exact.sessions.map((s) => s.id)).toEqual(['mon', 'tue', 'wed']);
    const narrower = summariseClass(input({ from: local(2, 0, 1), to: local(4, 23, 29) }));
    expect(narrower.sessions.map((s) => s.id)).toEqual(['tue']);
  });

  it('covers a single day when from and to are the same date', () => {
    expect(summariseClass(input({ from: '2026-11-04', to: '2026-11-04' })).sessions.map((s) => s.id)).toEqual(['wed']);
  });

  it('breaks ties in start time and roll number the same way every time', () => {
    const tied = summariseClass(
      input({
        students: [
          { id: 'b', rollNo: '3', fullName: 'Zoe' },
          { id: 'a', rollNo: '3', fullName: 'Zoe' },
          { id: 'c', rollNo: '3', fullName: 'Adam' },
        ],
        sessions: [
          { id: 'y', startsAt: local(2, 9), finalisedAt: null },
          { id: 'x', startsAt: local(2, 9), finalisedAt: null },
        ],
      }),
    );
    expect(tied.sessions.map((s) => s.id)).toEqual(['x', 'y']);
    expect(tied.students.map((s) => s.studentId)).toEqual(['c', 'a', 'b']);
  });

  it('rejects a range that ends before it starts, or dates that are not dates', () => {
    expect(() => summariseClass(input({ from: '2026-11-05', to: '2026-11-04' }))).toThrow(/before it starts/);
    expect(() => summariseClass(input({ from: '2026-02-30' }))).toThrow(/not a calendar date/);
    expect(() => summariseClass(input({ to: 'next week' }))).toThrow(RangeError);
  });
});

describe('rollingRate', () => {
  it('rates each session with the ones before it in the window', () => {
    expect(rollingRate(['present', 'absent', 'late', 'absent'], 2)).toEqual([1, 0.5, 0.5, 0.5]);
    expect(rollingRate(['present', 'absent', 'absent', 'absent', 'present', 'present'], 3)).toEqual([1, 0.5, 1 / 3, 0, 1 / 3, 2 / 3]);
  });

  it('skips excused and unmarked sessions, and is null when there is nothing to count', () => {
    expect(rollingRate(['excused', null, 'present', 'absent'])).toEqual([null, null, 1, 0.5]);
  });

  it('uses a window of five sessions by default', () => {
    const statuses = ['absent', 'present', 'present', 'present', 'present', 'present'] as const;
    expect(rollingRate(statuses)).toEqual([0, 0.5, 2 / 3, 0.75, 0.8, 1]);
  });

  it('rejects a window of no sessions', () => {
    expect(() => rollingRate([], 0)).toThrow(RangeError);
  });
});
