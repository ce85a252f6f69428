/**
 * Disputes of marks ("this is wrong"), opened by a student or a parent on
 * this device, and what a record view reads: the students this account may
 * see, with their class, marks, sessions, and the disputes and excuse
 * requests of those marks. A new dispute is written with its outbox
 * mutation in one transaction; the teacher's answer comes back by sync.
 */
import type { AttendanceStatus } from '@/attendance/types';
import { enqueueMutation } from './outbox/enqueueMutation';
import { disputeToServer } from './outbox/serverRows';
import type { RollcallDb } from './db';
import type { ClassRow, StudentRow } from './classes';
import { isStanding, type MarkRow, type SessionRow } from './sessions';

export type DisputeStatus = 'open' | 'resolved' | 'rejected';

/** "This mark is wrong", opened by a student or parent; the class's teacher resolves it. */
export interface DisputeRow {
  id: string;
  markId: string;
  /** Who opened it (a user id); null for one opened on this device and not yet synced. */
  openedBy: string | null;
  reason: string;
  requestedStatus: AttendanceStatus | null;
  status: DisputeStatus;
  correctedStatus: AttendanceStatus | null;
  resolution: string | null;
  resolvedBy: string | null;
  resolvedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export type ExcuseStatus = 'pending' | 'approved' | 'rejected';

/** A guardian's reply to an absence SMS ("1 sick"), waiting for the teacher. */
export interface ExcuseRequestRow {
  id: string;
  markId: string;
  studentId: string;
  reason: string;
  message: string;
  status: ExcuseStatus;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NewDispute {
  markId: string;
  reason: string;
  requestedStatus: AttendanceStatus | null;
}

export async function openDispute(db: RollcallDb, input: NewDispute, now = new Date()): Promise<DisputeRow> {
  const at = now.toISOString();
  return db.transaction('rw', [db.disputes, db.marks, db.outbox], async () => {
    if (!(await db.marks.get(input.markId))) throw new Error('That mark is no longer on this phone. Sync and try again.');
    const open = await db.disputes.where('markId').equals(input.markId).filter((d) => d.status === 'open').count();
    if (open > 0) throw new Error('This mark is already with the teacher.');
    const row: DisputeRow = {
      id: crypto.randomUUID(),
      markId: input.markId,
      openedBy: null,
      reason: input.reason.trim(),
      requestedStatus: input.requestedStatus,
      status: 'open',
      correctedStatus: null,
      resolution: null,
      resolvedBy: null,
      resolvedAt: null,
      createdAt: at,
      updatedAt: at,
    };
    await db.disputes.add(row);
    await enqueueMutation(db, { table: 'disputes', op: 'upsert', row: disputeToServer(row) }, now);
    return row;
  });
}

export interface StudentRecordRows {
  student: StudentRow;
  klass: ClassRow | undefined;
  marks: MarkRow[];
  sessions: Map<string, SessionRow>;
  disputes: DisputeRow[];
  excuses: ExcuseRequestRow[];
}

/** Everything a record view shows, for every student on this device (a family's phone holds only theirs). */
export async function readStudentRecords(db: RollcallDb): Promise<StudentRecordRows[]> {
  return db.transaction('r', [db.students, db.classes, db.marks, db.sessions, db.disputes, db.excuseRequests], async () => {
    const students = (await db.students.toArray()).filter((s) => !s.deletedAt);
    const out: StudentRecordRows[] = [];
    for (const student of students) {
      const marks = (await db.marks.where('studentId').equals(student.id).toArray()).filter(isStanding);
      const sessions = (await db.sessions.bulkGet([...new Set(marks.map((m) => m.sessionId))])).filter((s): s is SessionRow => !!s && !s.deletedAt);
      const markIds = marks.map((m) => m.id);
      out.push({
        student,
        klass: await db.classes.get(student.classId),
        marks,
        sessions: new Map(sessions.map((s) => [s.id, s])),
        disputes: markIds.length ? await db.disputes.where('markId').anyOf(markIds).toArray() : [],
        excuses: await db.excuseRequests.where('studentId').equals(student.id).toArray(),
      });
    }
    return out;
  });
}
