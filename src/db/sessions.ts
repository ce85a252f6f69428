/**
 * Attendance sessions, their marks and the recognition log. Marks are written
 * as the session goes, so a reload or a dead battery loses nothing; the
 * unique [sessionId+studentId] index makes a second mark for a student
 * impossible, whatever the caller does.
 */
import type { Mark } from '@/attendance/types';
import { enqueueMutation } from '@/sync/enqueueMutation';
import { markToServer, recognitionEventToServer, sessionToServer } from '@/sync/serverRows';
import type { RollcallDb } from './db';
import type { MarkRow, RecognitionEventRow, SessionRow } from './rows';

export type NewSession = Pick<SessionRow, 'classId' | 'startsAt' | 'takenBy' | 'mode' | 'device'>;

export async function createSession(db: RollcallDb, input: NewSession, now = new Date()): Promise<SessionRow> {
  const at = now.toISOString();
  const row: SessionRow = { ...input, id: crypto.randomUUID(), facesDetected: 0, photos: 0, finalisedAt: null, createdAt: at, updatedAt: at, deletedAt: null };
  await db.transaction('rw', db.sessions, db.outbox, async () => {
    await db.sessions.add(row);
    await enqueueMutation(db, { table: 'sessions', op: 'upsert', row: sessionToServer(row) }, now);
  });
  return row;
}

export async function getSession(db: RollcallDb, id: string): Promise<SessionRow | undefined> {
  const row = await db.sessions.get(id);
  return row && !row.deletedAt ? row : undefined;
}

/** Newest first. */
export async function listSessions(db: RollcallDb, classId: string): Promise<SessionRow[]> {
  const rows = await db.sessions.where('[classId+startsAt]').between([classId, ''], [classId, '\uffff']).toArray();
  return rows.filter((s) => !s.deletedAt).reverse();
}

export async function updateSession(db: RollcallDb, id: string, changes: Partial<Pick<SessionRow, 'facesDetected' | 'photos' | 'finalisedAt' | 'mode' | 'takenBy' | 'startsAt'>>, now = new Date()) {
  await db.transaction('rw', db.sessions, db.outbox, async () => {
    const before = await db.sessions.get(id);
    if (!before) return;
    const after: SessionRow = { ...before, ...changes, updatedAt: now.toISOString() };
    await db.sessions.put(after);
    if (JSON.stringify(sessionToServer(before)) !== JSON.stringify(sessionToServer(after))) {
      await enqueueMutation(db, { table: 'sessions', op: 'upsert', row: sessionToServer(after) }, now);
    }
  });
}

export async function deleteSession(db: RollcallDb, id: string, now = new Date()) {
  const at = now.toISOString();
  await db.transaction('rw', db.sessions, db.outbox, async () => {
    const count = await db.sessions.update(id, { deletedAt: at, updatedAt: at });
    if (count > 0) await enqueueMutation(db, { table: 'sessions', op: 'delete', row: { id } }, now);
  });
}

export async function listMarks(db: RollcallDb, sessionId: string): Promise<MarkRow[]> {
  return db.marks.where('sessionId').equals(sessionId).toArray();
}

/** Every mark of one student, across sessions (a parent's or student's own record). */
export async function listMarksOfStudent(db: RollcallDb, studentId: string): Promise<MarkRow[]> {
  return db.marks.where('studentId').equals(studentId).toArray();
}

export async function listMarksOfSessions(db: RollcallDb, sessionIds: readonly string[]): Promise<MarkRow[]> {
  return db.marks.where('sessionId').anyOf(sessionIds as string[]).toArray();
}

/**
 * Makes the stored marks of a session equal `marks`: changed ones are
 * updated in place (same id), new ones added, and those no longer present
 * removed, in one transaction. New and changed marks go to the outbox;
 * removals do not, because the server corrects marks and never removes them.
 */
export async function saveMarks(db: RollcallDb, sessionId: string, marks: readonly Mark[], device: string, now = new Date()): Promise<MarkRow[]> {
  const at = now.toISOString();
  return db.transaction('rw', db.marks, db.sessions, db.outbox, async () => {
    const existing = new Map((await listMarks(db, sessionId)).map((m) => [m.studentId, m]));
    const rows: MarkRow[] = [];
    const changed: MarkRow[] = [];
    const seen = new Set<string>();
    for (const mark of marks) {
      if (seen.has(mark.studentId)) throw new Error('A student can have only one mark per session.');
      seen.add(mark.studentId);
      const old = existing.get(mark.studentId);
      const same = old && old.status === mark.status && old.source === mark.source && old.confidence === mark.confidence && old.markedAt === mark.markedAt;
      const row = same ? old : { id: old?.id ?? crypto.randomUUID(), sessionId, ...mark, device: old && old.source === mark.source ? old.device : device, updatedAt: at };
      rows.push(row);
      if (!same) changed.push(row);
    }
    const gone = [...existing.values()].filter((m) => !seen.has(m.studentId)).map((m) => m.id);
    await db.marks.bulkDelete(gone);
    await db.marks.bulkPut(rows);
    await db.sessions.update(sessionId, { updatedAt: at });
    for (const row of changed) await enqueueMutation(db, { table: 'attendance_marks', op: 'upsert', row: markToServer(row) }, now);
    return rows;
  });
}

export async function addRecognitionEvents(db: RollcallDb, events: readonly Omit<RecognitionEventRow, 'id'>[], now = new Date()) {
  const rows: RecognitionEventRow[] = events.map((e) => ({ ...e, id: crypto.randomUUID() }));
  await db.transaction('rw', db.recognitionEvents, db.outbox, async () => {
    await db.recognitionEvents.bulkAdd(rows);
    for (const row of rows) await enqueueMutation(db, { table: 'recognition_events', op: 'upsert', row: recognitionEventToServer(row) }, now);
  });
}

export async function listRecognitionEvents(db: RollcallDb, sessionId: string): Promise<RecognitionEventRow[]> {
  const rows = await db.recognitionEvents.where('sessionId').equals(sessionId).toArray();
  return rows.sort((a, b) => a.at.localeCompare(b.at));
}
