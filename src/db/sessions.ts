/**
 * Attendance sessions, their marks and the recognition log. Marks are written
 * as the session goes, so a reload or a dead battery loses nothing; the
 * unique [sessionId+studentId] index makes a second mark for a student
 * impossible, whatever the caller does.
 */
import type { Mark } from '@/attendance/types';
import type { RollcallDb } from './db';
import type { MarkRow, RecognitionEventRow, SessionRow } from './rows';

export type NewSession = Pick<SessionRow, 'classId' | 'startsAt' | 'takenBy' | 'mode' | 'device'>;

export async function createSession(db: RollcallDb, input: NewSession, now = new Date()): Promise<SessionRow> {
  const at = now.toISOString();
  const row: SessionRow = { ...input, id: crypto.randomUUID(), facesDetected: 0, photos: 0, finalisedAt: null, createdAt: at, updatedAt: at, deletedAt: null };
  await db.sessions.add(row);
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
  await db.sessions.update(id, { ...changes, updatedAt: now.toISOString() });
}

export async function deleteSession(db: RollcallDb, id: string, now = new Date()) {
  const at = now.toISOString();
  await db.sessions.update(id, { deletedAt: at, updatedAt: at });
}

export async function listMarks(db: RollcallDb, sessionId: string): Promise<MarkRow[]> {
  return db.marks.where('sessionId').equals(sessionId).toArray();
}

export async function listMarksOfSessions(db: RollcallDb, sessionIds: readonly string[]): Promise<MarkRow[]> {
  return db.marks.where('sessionId').anyOf(sessionIds as string[]).toArray();
}

/**
 * Makes the stored marks of a session equal `marks`: changed ones are
 * updated in place (same id), new ones added, and those no longer present
 * removed, in one transaction.
 */
export async function saveMarks(db: RollcallDb, sessionId: string, marks: readonly Mark[], device: string, now = new Date()): Promise<MarkRow[]> {
  const at = now.toISOString();
  return db.transaction('rw', db.marks, db.sessions, async () => {
    const existing = new Map((await listMarks(db, sessionId)).map((m) => [m.studentId, m]));
    const rows: MarkRow[] = [];
    const seen = new Set<string>();
    for (const mark of marks) {
      if (seen.has(mark.studentId)) throw new Error('A student can have only one mark per session.');
      seen.add(mark.studentId);
      const old = existing.get(mark.studentId);
      const same = old && old.status === mark.status && old.source === mark.source && old.confidence === mark.confidence && old.markedAt === mark.markedAt;
      rows.push(same ? old : { id: old?.id ?? crypto.randomUUID(), sessionId, ...mark, device: old && old.source === mark.source ? old.device : device, updatedAt: at });
    }
    const gone = [...existing.values()].filter((m) => !seen.has(m.studentId)).map((m) => m.id);
    await db.marks.bulkDelete(gone);
    await db.marks.bulkPut(rows);
    await db.sessions.update(sessionId, { updatedAt: at });
    return rows;
  });
}

export async function addRecognitionEvents(db: RollcallDb, events: readonly Omit<RecognitionEventRow, 'id'>[]) {
  await db.recognitionEvents.bulkAdd(events.map((e) => ({ ...e, id: crypto.randomUUID() })));
}

export async function listRecognitionEvents(db: RollcallDb, sessionId: string): Promise<RecognitionEventRow[]> {
  const rows = await db.recognitionEvents.where('sessionId').equals(sessionId).toArray();
  return rows.sort((a, b) => a.at.localeCompare(b.at));
}
