/**
 * How rows from the server are merged into this device's tables: parents
 * first, deletions final, marks by mergeMarks (the server's decision table),
 * and face data erased when the school says so. Shared by pullChanges and
 * pushOutbox, which both receive server rows.
 */
import type { RollcallDb } from '@/db/db';
import type { MarkRow } from '@/db/sessions';
import { eraseFaceData, type FaceDataErased } from '@/db/faceSamples';
import { enqueueMutation } from '@/db/outbox/enqueueMutation';
import {
  classFromServer,
  disputeFromServer,
  excuseRequestFromServer,
  markFromServer,
  markToServer,
  recognitionEventFromServer,
  schoolFromServer,
  sessionFromServer,
  type ServerRow,
  studentFromServer,
} from '@/db/outbox/serverRows';
import { consentFromServer } from '@/privacy/consentServerRow';
import { mergeMarks, mergeRow, sameMark } from './mergeMarks';

/** Every table applying server rows may write; a caller that writes more in the same transaction (the pull's cursor) opens it over these. */
export function serverRowTables(db: RollcallDb) {
  const tables = [db.schools, db.classes, db.students, db.faceSamples, db.negatives, db.sessions, db.marks, db.markHistory, db.recognitionEvents, db.outbox, db.syncState];
  return [...tables, db.disputes, db.consents, db.excuseRequests, db.modelVersions, db.privacyLog, db.settings];
}

/**
 * Server rows into this device's tables, merged, in one transaction (inside
 * the caller's, when there is one). A pulled page comes this way, and so
 * does the stored row a refused change lost to (its `updated_at` is old, so
 * no pull would bring it again): both are merged by the same rules.
 */
export async function applyServerRows(db: RollcallDb, changes: Record<string, ServerRow[]>, now = new Date()): Promise<FaceDataErased> {
  return db.transaction('rw', serverRowTables(db), async () => await applyPage(db, changes, now));
}

/** Tables arrive parents first (schools, classes, students, sessions, marks, …), so a mark's student is already known. */
async function applyPage(db: RollcallDb, changes: Record<string, ServerRow[]>, now: Date): Promise<FaceDataErased> {
  for (const r of changes.schools ?? []) await db.schools.put(schoolFromServer(r));
  const toErase = new Map<string, string>();
  for (const r of changes.classes ?? []) {
    const local = await db.classes.get(String(r.id));
    await db.classes.put(mergeRow(local, classFromServer(r, local)));
  }
  for (const r of changes.students ?? []) {
    const local = await db.students.get(String(r.id));
    const merged = mergeRow(local, studentFromServer(r, local));
    await db.students.put(merged);
    if (merged.biometricsErasedAt && merged.biometricsErasedAt !== local?.biometricsErasedAt) toErase.set(merged.id, 'erased-at-school');
    if (merged.deletedAt) {
      // Removed at school: their face data goes from this device too.
      await db.faceSamples.where('studentId').equals(merged.id).delete();
      await db.negatives.where('studentId').equals(merged.id).delete();
    }
  }
  const sessions = changes.sessions ?? [];
  if (sessions.length > 0) {
    // One read and one write for the page: sessions need no per-row decisions beyond mergeRow.
    const locals = await db.sessions.bulkGet(sessions.map((r) => String(r.id)));
    await db.sessions.bulkPut(sessions.map((r, i) => mergeRow(locals[i], sessionFromServer(r, locals[i]))));
  }
  const marks = (changes.attendance_marks ?? []).map(markFromServer);
  if (marks.length > 0) {
    const page = await readMarksPage(db, marks);
    for (const m of marks) if (!applyMarkAsIs(m, page)) await applyMark(db, m, now, page);
    await db.marks.bulkPut(page.puts);
  }
  for (const r of changes.recognition_events ?? []) {
    // Written once, never changed.
    if (!(await db.recognitionEvents.get(String(r.id)))) await db.recognitionEvents.add(recognitionEventFromServer(r));
  }
  for (const r of changes.disputes ?? []) await db.disputes.put(disputeFromServer(r));
  for (const r of changes.excuse_requests ?? []) await db.excuseRequests.put(excuseRequestFromServer(r));
  const withdrawn = new Set<string>();
  for (const r of changes.consents ?? []) {
    const student = await db.students.get(String(r.student_id));
    if (!student) continue;
    const local = await db.consents.get(String(r.id));
    const consent = consentFromServer(r, student.classId, local);
    await db.consents.put(consent);
    if (consent.withdrawnAt && !local?.withdrawnAt) withdrawn.add(consent.studentId);
  }
  for (const studentId of withdrawn) {
    const inForce = await db.consents.where('studentId').equals(studentId).filter((c) => !c.withdrawnAt).count();
    if (inForce === 0) toErase.set(studentId, 'consent-withdrawn');
  }
  return eraseFaceDataOf(db, toErase, now);
}

/** Consent withdrawn at the school, or face data erased there: this device's copy goes too, logged. */
async function eraseFaceDataOf(db: RollcallDb, students: Map<string, string>, now: Date): Promise<FaceDataErased> {
  const all: FaceDataErased = { counts: { faceSamples: 0, negatives: 0, modelVersions: 0 }, studentIds: [], classIds: [], modelVersionIds: [] };
  for (const [studentId, why] of students) {
    const student = await db.students.get(studentId);
    const done = await eraseFaceData(
      db,
      { studentIds: [studentId] },
      {
        kind: 'face-data-erased',
        studentId,
        classId: student?.classId ?? null,
        summary: why === 'consent-withdrawn' ? 'Consent was withdrawn (recorded at the school): face data erased on this device.' : 'The school erased this student’s face data: erased on this device too.',
        by: 'automatic',
        server: 'not-needed',
      },
      now,
    );
    all.studentIds.push(...done.studentIds);
    all.classIds.push(...done.classIds);
  }
  return all;
}

interface MarksPage {
  deletedStudents: Set<string>;
  /** This device's marks in the page's sessions, by session and student. */
  local: Map<string, MarkRow>;
  /** Row ids with something in the outbox: only those need looking at there. */
  queued: Set<string>;
  /** Marks to write, in one go at the end of the page. */
  puts: MarkRow[];
}

/** What applying a page of marks needs to read, read once per page rather than once per mark. */
async function readMarksPage(db: RollcallDb, marks: readonly MarkRow[]): Promise<MarksPage> {
  const students = await db.students.bulkGet([...new Set(marks.map((m) => m.studentId))]);
  // One small query per session: `anyOf` over many keys is far slower in some IndexedDB implementations.
  const local: MarkRow[] = [];
  for (const sessionId of new Set(marks.map((m) => m.sessionId))) local.push(...(await db.marks.where('sessionId').equals(sessionId).toArray()));
  // The outbox is short on a device that syncs; reading its row ids beats looking each mark up.
  const queued = (await db.outbox.orderBy('rowId').uniqueKeys()) as string[];
  return {
    deletedStudents: new Set(students.filter((s) => !!s?.deletedAt).map((s) => s!.id)),
    local: new Map(local.map((m) => [`${m.sessionId}|${m.studentId}`, m])),
    queued: new Set(queued),
    puts: [],
  };
}

async function dropQueued(db: RollcallDb, page: MarksPage, rowId: string, which: 'all' | 'refused' = 'all') {
  const rows = db.outbox.where('rowId').equals(rowId);
  await (which === 'all' ? rows.delete() : rows.filter((m) => !!m.rejectedReason).delete());
  if ((await db.outbox.where('rowId').equals(rowId).count()) === 0) page.queued.delete(rowId);
}

/**
 * The common case, decided without awaiting anything: the server's mark
 * stands, replaces nothing under another id, keeps no history and has
 * nothing of its own in the outbox. A page of a thousand marks must not be
 * a thousand empty awaits: Dexie keeps its transaction alive across only a
 * limited number of plain promise hops between requests.
 */
function applyMarkAsIs(incoming: MarkRow, page: MarksPage): boolean {
  const key = `${incoming.sessionId}|${incoming.studentId}`;
  const local = page.local.get(key);
  if (local && page.queued.has(local.id)) return false;
  const { keep, history } = mergeMarks(local, incoming, { studentDeleted: page.deletedStudents.has(incoming.studentId) });
  if (!keep || history.length > 0 || (local && local.id !== keep.id) || !sameMark(keep, incoming) || page.queued.has(keep.id)) return false;
  page.local.set(key, keep);
  page.puts.push(keep);
  return true;
}

async function applyMark(db: RollcallDb, incoming: MarkRow, now: Date, page: MarksPage): Promise<void> {
  const key = `${incoming.sessionId}|${incoming.studentId}`;
  const local = page.local.get(key);
  const pending = !!local && page.queued.has(local.id) && (await db.outbox.where('rowId').equals(local.id).filter((m) => !m.rejectedReason).count()) > 0;
  const { keep, history } = mergeMarks(local, incoming, { studentDeleted: page.deletedStudents.has(incoming.studentId), pending });
  for (const mark of history) {
    await db.markHistory.add({ markId: mark.id, sessionId: mark.sessionId, studentId: mark.studentId, mark, replacedAt: now.toISOString() });
  }
  if (local && (!keep || local.id !== keep.id)) {
    await db.marks.delete(local.id);
    page.local.delete(key);
    // The server holds its own row for this student and session; changes
    // under this device's id are refused as a conflict, or would be.
    if (page.queued.has(local.id)) await dropQueued(db, page, local.id);
  }
  if (!keep) return;
  page.local.set(key, keep);
  if (sameMark(keep, incoming)) {
    // The server's mark stands. This device's changes to it, waiting or
    // refused, lost to it under the merge rules: sent, they would only be
    // refused, and a refusal would wait for a teacher who has nothing to do.
    if (page.queued.has(keep.id)) await dropQueued(db, page, keep.id);
    page.puts.push(keep);
    return;
  }
  // This device's mark wins: it goes to the server under the server's id,
  // unless a change to that row is already waiting. Earlier refusals of
  // the row are answered by it.
  const { serverUpdatedAt: _known, ...pendingMark } = keep;
  page.puts.push(pendingMark);
  if (page.queued.has(keep.id)) await dropQueued(db, page, keep.id, 'refused');
  const waiting = page.queued.has(keep.id) ? await db.outbox.where('rowId').equals(keep.id).filter((m) => !m.rejectedReason).count() : 0;
  if (waiting === 0) {
    await enqueueMutation(db, { table: 'attendance_marks', op: 'upsert', row: markToServer(pendingMark) }, now);
    page.queued.add(keep.id);
  }
}
