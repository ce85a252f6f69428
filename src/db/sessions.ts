/**
 * Attendance sessions, their marks and the recognition log. Marks are written
 * as the session goes, so a reload or a dead battery loses nothing; the
 * unique [sessionId+studentId] index makes a second mark for a student
 * impossible, whatever the caller does.
 */
import type { AttendanceStatus, Mark, MarkEvidence, MarkSource } from '@/attendance/types';
import { enqueueMutation } from './outbox/enqueueMutation';
import { markToServer, recognitionEventToServer, sessionToServer } from './outbox/serverRows';
import type { RollcallDb, Synced } from './db';
import type { Box } from '@/ml/types';

export type SessionMode = 'live' | 'photo' | 'manual';

/** One taking of attendance: a class, a date and time, and who took it. */
export interface SessionRow extends Synced {
  classId: string;
  startsAt: string;
  takenBy: string;
  mode: SessionMode;
  /** Most faces seen in any one photo or frame, summed over photos (a photo's faces count once). */
  facesDetected: number;
  photos: number;
  device: string;
  finalisedAt: string | null;
  /**
   * Set when the close of day finished the session (nobody pressed Finish);
   * it reads as finished automatically while finalisedAt is still this time.
   * Kept on the phone: the server holds when, not how.
   */
  autoFinalisedAt?: string | null;
}

export interface MarkRow {
  id: string;
  sessionId: string;
  studentId: string;
  status: AttendanceStatus;
  source: MarkSource;
  /** Calibrated probability of an automatic mark; null for manual ones. */
  confidence: number | null;
  markedAt: string;
  /** Passive liveness score (0..1) of the sighting that made an automatic mark; absent when none was taken. */
  liveness?: number | null;
  /** The faces an automatic mark rests on (kept on this device; the server holds the mark, not the faces). */
  evidence?: MarkEvidence[];
  /**
   * Set when the mark was taken back (a person cleared it, or rejected the
   * only face it rested on). The row stays, so the student keeps one mark
   * identity in the session on every device and on the server, and the
   * clear itself syncs; status and the other fields say what was cleared.
   */
  clearedAt?: string | null;
  device: string;
  updatedAt: string;
  /** The server's `updated_at` of this mark when it was last pulled; absent while the change is only on this device. */
  serverUpdatedAt?: string;
}

/** Every face the recogniser named or could not name, for audit and review. */
export interface RecognitionEventRow {
  id: string;
  sessionId: string;
  at: string;
  studentId: string | null;
  confidence: number;
  device: string;
  box: Box | null;
  reason: string;
}

/** A manual mark replaced by a later manual mark from another device, kept for the record. */
export interface MarkHistoryRow {
  seq?: number;
  markId: string;
  sessionId: string;
  studentId: string;
  mark: MarkRow;
  replacedAt: string;
}

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

/** The session's marks, without those taken back (see MarkRow.clearedAt). */
export async function listMarks(db: RollcallDb, sessionId: string): Promise<MarkRow[]> {
  return (await db.marks.where('sessionId').equals(sessionId).toArray()).filter(isStanding);
}

export async function listMarksOfSessions(db: RollcallDb, sessionIds: readonly string[]): Promise<MarkRow[]> {
  return (await db.marks.where('sessionId').anyOf(sessionIds as string[]).toArray()).filter(isStanding);
}

/** A stored mark as the attendance rules see it (the storage fields left out). */
export function markOfRow({ studentId, status, source, confidence, markedAt, liveness, evidence }: MarkRow): Mark {
  return { studentId, status, source, confidence, markedAt, ...(liveness != null ? { liveness } : {}), ...(evidence ? { evidence } : {}) };
}

/** A mark that says something about the student: not taken back. */
export function isStanding(mark: Pick<MarkRow, 'clearedAt'>): boolean {
  return !mark.clearedAt;
}

export interface SaveMarksOptions {
  /** Students whose marks are taken back (cleared); each must be left out of `marks`. */
  clear?: readonly string[];
  /**
   * The clears are a person's (back to unmarked), not sightings taken back
   * because their only face was rejected. A person's clear is a manual
   * change, timed now, ordered with the other manual marks; a rejected
   * sighting keeps its time, so the server can tell which sighting the
   * clear is about.
   */
  byHand?: boolean;
}

/**
 * Writes `marks` and clears the students in `options.clear`, in one
 * transaction; the session's other stored marks stay as they are (a screen
 * that has not yet read another phone's mark must not undo it). Returns
 * the session's standing marks. Each student keeps one row, and so one id,
 * for the whole session: a changed mark is updated in place, a cleared one
 * stays with `clearedAt` set, and a cleared student marked again gets the
 * same row back. Every change the server holds (all but the faces a mark
 * rests on) goes to the outbox, clears included. A sighting whose time
 * moves later (its earliest face was rejected) goes as a clear of the
 * earlier sighting and then the later one, as the server merges sightings
 * by their earliest time.
 */
export async function saveMarks(db: RollcallDb, sessionId: string, marks: readonly Mark[], device: string, now = new Date(), options: SaveMarksOptions = {}): Promise<MarkRow[]> {
  const at = now.toISOString();
  return db.transaction('rw', db.marks, db.sessions, db.outbox, async () => {
    const existing = new Map((await db.marks.where('sessionId').equals(sessionId).toArray()).map((m) => [m.studentId, m]));
    const writes: MarkRow[] = [];
    const changed: MarkRow[] = [];
    const seen = new Set<string>();
    const sighting = (m: Pick<MarkRow, 'source' | 'status'>) => m.source === 'auto' && m.status !== 'absent';
    const clearOf = (old: MarkRow, byHand: boolean): MarkRow => {
      const { evidence: _evidence, liveness: _liveness, serverUpdatedAt: _known, ...kept } = old;
      return byHand ? { ...kept, source: 'manual', confidence: null, markedAt: at, clearedAt: at, device, updatedAt: at } : { ...kept, clearedAt: at, device, updatedAt: at };
    };
    for (const mark of marks) {
      if (seen.has(mark.studentId)) throw new Error('A student can have only one mark per session.');
      seen.add(mark.studentId);
      const old = existing.get(mark.studentId);
      const standing = old && isStanding(old) ? old : undefined;
      const sameForServer =
        !!standing && standing.status === mark.status && standing.source === mark.source && standing.confidence === mark.confidence && standing.markedAt === mark.markedAt;
      if (sameForServer && JSON.stringify(standing.evidence ?? null) === JSON.stringify(mark.evidence ?? null)) continue;
      const { evidence, liveness, ...fields } = mark;
      const row: MarkRow = {
        id: old?.id ?? crypto.randomUUID(),
        sessionId,
        ...fields,
        ...(liveness !== undefined ? { liveness } : {}),
        // Plain copies: a mark from a Vue store holds reactive proxies, which IndexedDB cannot clone.
        ...(evidence !== undefined ? { evidence: evidence.map(({ face, confidence, at }) => ({ face, confidence, at })) } : {}),
        clearedAt: null,
        device: standing && standing.source === mark.source ? standing.device : device,
        updatedAt: at,
        ...(sameForServer && standing.serverUpdatedAt ? { serverUpdatedAt: standing.serverUpdatedAt } : {}),
      };
      writes.push(row);
      if (sameForServer) continue;
      if (standing && sighting(standing) && sighting(mark) && mark.markedAt > standing.markedAt) changed.push(clearOf(standing, false));
      changed.push(row);
    }
    for (const studentId of options.clear ?? []) {
      if (seen.has(studentId)) throw new Error('A mark cannot be saved and cleared at once.');
      const old = existing.get(studentId);
      if (!old || !isStanding(old)) continue;
      const cleared = clearOf(old, !!options.byHand || old.source === 'manual');
      writes.push(cleared);
      changed.push(cleared);
    }
    await db.marks.bulkPut(writes);
    await db.sessions.update(sessionId, { updatedAt: at });
    for (const row of changed) await enqueueMutation(db, { table: 'attendance_marks', op: 'upsert', row: markToServer(row) }, now);
    for (const row of writes) existing.set(row.studentId, row);
    return [...existing.values()].filter(isStanding);
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
