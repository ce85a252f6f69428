/**
 * The close of day on this phone: every session it took and nobody
 * finished is finished the way the Finish button does it (the roster's
 * unmarked students absent, the session finalised), each in one
 * transaction with its outbox rows, so the absences and the guardians'
 * messages follow through the next sync. Runs in the page and in the
 * service worker, so nothing here imports Vue.
 */
import { finaliseMarks } from '@/attendance/marks';
import { closeTimeOf, isDueForClose, readCloseOfDay, sessionsDue, type CloseOfDay } from '@/attendance/closeOfDay';
import { listStudents } from './classes';
import type { RollcallDb } from './db';
import { listMarks, markOfRow, saveMarks, updateSession, type SessionRow } from './sessions';
import { deviceId, getSetting, setSetting } from './settings';

export const CLOSE_OF_DAY_SETTING = 'finishOpenSessionsAt';

export async function getCloseOfDay(db: RollcallDb): Promise<CloseOfDay> {
  return readCloseOfDay(await getSetting<unknown>(db, CLOSE_OF_DAY_SETTING, undefined));
}

/** 'HH:MM', or null to leave open sessions alone. */
export async function setCloseOfDay(db: RollcallDb, closeAt: CloseOfDay) {
  await setSetting(db, CLOSE_OF_DAY_SETTING, closeAt === null ? 'off' : readCloseOfDay(closeAt));
}

export interface FinishOpenSessionsOptions {
  now?: Date;
  /** Sessions to leave open this time, e.g. the one on screen while the teacher is still taking it. */
  skip?: (session: SessionRow) => boolean;
}

/** Finishes the sessions due; returns them as they now are. */
export async function finishOpenSessions(db: RollcallDb, options: FinishOpenSessionsOptions = {}): Promise<SessionRow[]> {
  const now = options.now ?? new Date();
  const closeAt = await getCloseOfDay(db);
  if (closeAt === null) return [];
  const device = await deviceId(db);
  const open = await db.sessions.filter((s) => !s.finalisedAt && !s.deletedAt).toArray();
  const finished: SessionRow[] = [];
  for (const session of sessionsDue(open, now, closeAt, device)) {
    if (options.skip?.(session)) continue;
    const row = await finishOne(db, session.id, closeAt, device, now);
    if (row) finished.push(row);
  }
  return finished;
}

async function finishOne(db: RollcallDb, sessionId: string, closeAt: string, device: string, now: Date): Promise<SessionRow | null> {
  return db.transaction('rw', [db.sessions, db.marks, db.students, db.outbox], async () => {
    // Read again inside the transaction: a Finish, a pull or another round may have got here first.
    const session = await db.sessions.get(sessionId);
    if (!session || !isDueForClose(session, now, closeAt, device)) return null;
    // The session closed at its close time, though the phone may only get to it later (the next morning).
    const at = closeTimeOf(session.startsAt, closeAt).toISOString();
    const roster = await listStudents(db, session.classId);
    const marks = (await listMarks(db, session.id)).map(markOfRow);
    await saveMarks(db, session.id, finaliseMarks(roster.map((s) => s.id), marks, at), device, now);
    await updateSession(db, session.id, { finalisedAt: at }, now);
    await db.sessions.update(session.id, { autoFinalisedAt: at });
    return (await db.sessions.get(session.id)) ?? null;
  });
}
