import { describe, expect, it } from 'vitest';
import type { StudentRow } from '@/db/classes';
import type { MarkRow, SessionRow } from '@/db/sessions';
import { classFromServer, markFromServer, markToServer, sessionFromServer, sessionToServer, studentFromServer, studentToServer } from './serverRows';

// The sync function's whitelist (supabase/functions/sync/tables.ts): nothing else may go out.
const WRITABLE = {
  students: ['id', 'class_id', 'roll_no', 'full_name', 'email'],
  sessions: ['id', 'class_id', 'starts_at', 'mode', 'faces_detected', 'photos', 'device', 'finalised_at'],
  attendance_marks: ['id', 'session_id', 'student_id', 'status', 'source', 'confidence', 'marked_at', 'device', 'cleared_at'],
};

const student: StudentRow = {
  id: 's1',
  classId: 'c1',
  rollNo: '7',
  fullName: 'Asha',
  guardianName: 'Meera',
  guardianPhone: '+919812345678',
  email: 'meera@example.com',
  studentEmail: 'asha@school.example',
  createdAt: '2026-11-20T08:00:00.000Z',
  updatedAt: '2026-11-20T08:00:00.000Z',
  deletedAt: null,
};
const session: SessionRow = {
  id: 'se1',
  classId: 'c1',
  startsAt: '2026-11-20T08:00:00.000Z',
  takenBy: 'Ms K',
  mode: 'live',
  facesDetected: 3,
  photos: 1,
  device: 'd1',
  finalisedAt: null,
  createdAt: '2026-11-20T08:00:00.000Z',
  updatedAt: '2026-11-20T08:00:00.000Z',
  deletedAt: null,
};

describe('serverRows', () => {
  it('sends only the columns the sync function accepts, with the student’s own e-mail', () => {
    expect(Object.keys(studentToServer(student)).sort()).toEqual([...WRITABLE.students].sort());
    expect(studentToServer(student).email).toBe('asha@school.example');
    expect(studentToServer({ ...student, studentEmail: ' ' }).email).toBeNull();
    expect(Object.keys(sessionToServer(session)).sort()).toEqual([...WRITABLE.sessions].sort());
  });

  it('reads server rows back, keeping what only the device knows', () => {
    const server = { ...studentToServer(student), full_name: 'Asha M', created_at: '2026-11-20T08:00:00+00:00', updated_at: '2026-11-21T08:00:00.123456+00:00', deleted_at: null };
    expect(studentFromServer(server, student)).toEqual({ ...student, fullName: 'Asha M', biometricsErasedAt: null, updatedAt: '2026-11-21T08:00:00.123Z' });
    expect(studentFromServer({ ...server, biometrics_erased_at: '2026-11-22T09:00:00+00:00' }).biometricsErasedAt).toBe('2026-11-22T09:00:00.000Z');
    expect(studentFromServer(server)).toMatchObject({ guardianName: '', guardianPhone: '', email: '' });
    const pulled = sessionFromServer({ ...sessionToServer(session), taken_by: 'u1', created_at: session.createdAt, updated_at: session.updatedAt, deleted_at: '2026-11-22T00:00:00+00:00' }, session);
    expect(pulled).toEqual({ ...session, deletedAt: '2026-11-22T00:00:00.000Z' });
    expect(classFromServer({ id: 'c1', name: '7B', late_after_minutes: 5, default_country: 'GB', created_at: '2026-11-20T08:00:00Z', updated_at: '2026-11-20T08:00:00Z', deleted_at: null }).lateAfterMinutes).toBe(5);
  });

  it('round-trips a mark, keeping the server’s own time for ordering', () => {
    const mark: MarkRow = { id: 'm1', sessionId: 'se1', studentId: 's1', status: 'late', source: 'auto', confidence: 0.87, markedAt: '2026-11-20T08:12:00.000Z', device: 'd1', updatedAt: 'u' };
    const out = markToServer(mark);
    expect(Object.keys(out).sort()).toEqual([...WRITABLE.attendance_marks].sort());
    const back = markFromServer({ ...out, confidence: '0.87', marked_at: '2026-11-20T08:12:00+00:00', updated_at: '2026-11-20T08:13:00.000001+00:00' });
    expect(back).toEqual({ ...mark, clearedAt: null, updatedAt: '2026-11-20T08:13:00.000Z', serverUpdatedAt: '2026-11-20T08:13:00.000001+00:00' });
    expect(markFromServer({ ...out, cleared_at: '2026-11-20T08:30:00+00:00', updated_at: out.marked_at }).clearedAt).toBe('2026-11-20T08:30:00.000Z');
  });
});
