/**
 * Everything this device holds about one student: gathered for an access
 * request, or deleted on a request for full erasure.
 */
import { enqueueMutation, type OutboxRow } from './outbox/enqueueMutation';
import { consentToServer } from '@/privacy/consentServerRow';
import { consentStatus, isConsentInForce, withdrawalTime } from '@/privacy/consent';
import type { StudentStanding } from '@/privacy/retention';
import { modelStudents } from './modelVersions';
import type { RollcallDb } from './db';
import { eraseFaceData, listFaceSamples, listStudentNegatives, type FaceDataErased, type FaceSampleRow, type NegativeRow } from './faceSamples';
import { addPrivacyLog, listPrivacyLog, type PrivacyLogRow } from './privacyLog';
import type { ClassRow, StudentRow } from './classes';
import type { ConsentRow } from './consents';
import type { MarkHistoryRow, MarkRow, RecognitionEventRow, SessionRow } from './sessions';

export interface StudentData {
  student: StudentRow;
  class: ClassRow | null;
  consents: ConsentRow[];
  faceSamples: FaceSampleRow[];
  negatives: NegativeRow[];
  /** Trained model versions that name the student (their gallery holds the student's descriptors). */
  modelVersions: { id: string; scope: string; createdAt: string; status: string }[];
  marks: MarkRow[];
  /** The sessions of those marks, for dates and who took them. */
  sessions: SessionRow[];
  recognitionEvents: RecognitionEventRow[];
  markHistory: MarkHistoryRow[];
  /** Changes about the student still waiting for the server. */
  outbox: OutboxRow[];
  privacyLog: PrivacyLogRow[];
}

/** Undefined when the device has no row for the student at all. Face data comes decrypted. */
export async function collectStudentData(db: RollcallDb, studentId: string): Promise<StudentData | undefined> {
  const student = await db.students.get(studentId);
  if (!student) return undefined;
  const [cls, consents, faceSamples, negatives, versions, marks, events, history, outbox, privacyLog] = await Promise.all([
    db.classes.get(student.classId),
    db.consents.where('studentId').equals(studentId).toArray(),
    listFaceSamples(db, studentId),
    listStudentNegatives(db, studentId),
    db.modelVersions.toArray(),
    db.marks.where('studentId').equals(studentId).toArray(),
    db.recognitionEvents.filter((e) => e.studentId === studentId).toArray(),
    db.markHistory.filter((h) => h.studentId === studentId).toArray(),
    db.outbox.filter((m) => mentions(m, studentId)).toArray(),
    listPrivacyLog(db, { studentId }),
  ]);
  const sessions = (await db.sessions.bulkGet([...new Set(marks.map((m) => m.sessionId))])).filter((s): s is SessionRow => !!s);
  return {
    student,
    class: cls ?? null,
    consents: consents.sort((a, b) => a.givenAt.localeCompare(b.givenAt)),
    faceSamples,
    negatives,
    modelVersions: versions
      .filter((v) => modelStudents(v)?.includes(studentId))
      .map((v) => ({ id: v.id, scope: v.scope, createdAt: v.createdAt, status: v.status })),
    marks,
    sessions: sessions.sort((a, b) => a.startsAt.localeCompare(b.startsAt)),
    recognitionEvents: events.sort((a, b) => a.at.localeCompare(b.at)),
    markHistory: history,
    outbox,
    privacyLog,
  };
}

/**
 * Every student this device has a row for: whether they left (removed from
 * the roster, or their class deleted) and where their consent stands.
 */
export async function studentStandings(db: RollcallDb): Promise<Map<string, StudentStanding>> {
  const [students, classes, consents] = await Promise.all([db.students.toArray(), db.classes.toArray(), db.consents.toArray()]);
  const liveClasses = new Set(classes.filter((c) => !c.deletedAt).map((c) => c.id));
  const byStudent = new Map<string, ConsentRow[]>();
  for (const c of consents) byStudent.set(c.studentId, [...(byStudent.get(c.studentId) ?? []), c]);
  return new Map(students.map((s) => [s.id, { left: !!s.deletedAt || !liveClasses.has(s.classId), consent: consentStatus(byStudent.get(s.id) ?? []).state }]));
}

function mentions(m: OutboxRow, studentId: string): boolean {
  return m.rowId === studentId || m.row.student_id === studentId;
}

export interface StudentDeleted {
  erased: FaceDataErased;
  counts: Record<string, number>;
}

/**
 * Full erasure on this device, in one transaction: face data (as
 * eraseFaceData), consents (in-force ones are withdrawn for the server
 * first), attendance marks, recognition log entries, replaced marks, and
 * the student's details. What stays is a tombstone (id, class, deletion
 * time; name and contacts blanked) so the deletion reaches the server and
 * other devices, and the privacy log entry, which names no one.
 *
 * Unsent changes about the student are dropped, except the deletion and
 * the consent withdrawals; unsent student rows lose their name. The
 * server's copy (marks, events, the student row) needs the server half of
 * the erasure: the log entry waits for it with `server: 'pending'`.
 */
export async function deleteStudentCompletely(db: RollcallDb, studentId: string, by: string, now = new Date()): Promise<StudentDeleted> {
  const at = now.toISOString();
  const tables = [db.students, db.consents, db.marks, db.recognitionEvents, db.markHistory, db.outbox, db.privacyLog, db.settings, db.faceSamples, db.negatives, db.modelVersions];
  return db.transaction('rw', tables, async () => {
    const student = await db.students.get(studentId);
    if (!student) throw new Error('That student is not on this device.');

    // Unsent changes about the student go first, so only what is queued below remains.
    const unsent = await db.outbox.filter((m) => !m.rejectedReason && mentions(m, studentId)).toArray();
    let droppedChanges = 0;
    for (const m of unsent) {
      if (m.table === 'students') {
        await db.outbox.update(m.seq!, { row: m.op === 'delete' ? m.row : { ...m.row, full_name: 'Deleted student', email: null } });
      } else if (m.table !== 'consents') {
        await db.outbox.delete(m.seq!);
        droppedChanges += 1;
      }
    }

    const consents = await db.consents.where('studentId').equals(studentId).toArray();
    for (const c of consents.filter(isConsentInForce)) {
      const row = { ...c, withdrawnAt: withdrawalTime(c, now), updatedAt: at };
      await enqueueMutation(db, { table: 'consents', op: 'upsert', row: consentToServer(row) }, now);
    }
    await db.consents.bulkDelete(consents.map((c) => c.id));

    const erased = await eraseFaceData(db, { studentIds: [studentId] }, null, now);
    const marks = await db.marks.where('studentId').equals(studentId).primaryKeys();
    await db.marks.bulkDelete(marks);
    const events = await db.recognitionEvents.filter((e) => e.studentId === studentId).primaryKeys();
    await db.recognitionEvents.bulkDelete(events);
    const history = await db.markHistory.filter((h) => h.studentId === studentId).primaryKeys();
    await db.markHistory.bulkDelete(history as number[]);

    const wasLive = !student.deletedAt;
    await db.students.put({
      ...student,
      rollNo: '',
      fullName: '',
      guardianName: '',
      guardianPhone: '',
      email: '',
      studentEmail: '',
      deletedAt: student.deletedAt ?? at,
      updatedAt: at,
    });
    if (wasLive) await enqueueMutation(db, { table: 'students', op: 'delete', row: { id: studentId } }, now);

    const counts = {
      ...erased.counts,
      consents: consents.length,
      marks: marks.length,
      recognitionEvents: events.length,
      markHistory: history.length,
      unsentChanges: droppedChanges,
    };
    await addPrivacyLog(
      db,
      {
        kind: 'student-deleted',
        studentId,
        classId: student.classId,
        summary: 'Everything about the student was deleted from this device on request: face data, consents, attendance history and details.',
        counts,
        by: by.trim() || 'a teacher',
        server: 'pending',
      },
      now,
    );
    return { erased, counts };
  });
}
