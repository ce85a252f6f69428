import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { addStudents, createClass } from '@/db/classes';
import { RollcallDb } from '@/db/db';
import { listMarks, saveMarks } from '@/db/sessions';
import { useAttendanceStore } from './attendance';

let db: RollcallDb;
beforeEach(() => {
  setActivePinia(createPinia());
  db = new RollcallDb(`attendance-${crypto.randomUUID()}`);
});
afterEach(async () => {
  await db.delete();
});

const student = (rollNo: string, fullName: string) => ({ rollNo, fullName, guardianName: '', guardianPhone: '', email: '', studentEmail: '' });

describe('attendance store', () => {
  it("marks by the school's late cut-off and confidence threshold when the phone syncs with a school", async () => {
    const cls = await createClass(db, { name: '7A', lateAfterMinutes: 5 });
    await db.settings.put({ key: 'autoMarkConfidence', value: 0.6 });
    const attendance = useAttendanceStore();
    attendance.configure({ db });
    await attendance.start(cls.id, 'manual', 'Ms K');
    expect(attendance.rules).toEqual({ lateAfterMinutes: 5, autoMarkConfidence: 0.6 });

    await db.schools.put({
      id: 'school-1', name: 'Hill School', keepFaceCrops: false, syncFaceTemplates: false, retentionDays: 365,
      autoMarkConfidence: 0.9, presentSmsConfidence: 0.8, lateAfterMinutes: 15, updatedAt: new Date().toISOString(),
    });
    await attendance.start(cls.id, 'manual', 'Ms K');
    expect(attendance.rules).toEqual({ lateAfterMinutes: 15, autoMarkConfidence: 0.9 });
  });

  it('continues from the marks a sync merged in, so the next save keeps them', async () => {
    const cls = await createClass(db, { name: '7B' });
    const [ana, ben] = await addStudents(db, cls.id, [student('1', 'Ana'), student('2', 'Ben')]);
    const attendance = useAttendanceStore();
    attendance.configure({ db });
    const session = await attendance.start(cls.id, 'manual', 'Ms K');
    await attendance.setStatus(ana!.id, 'present');

    // Another phone's mark for Ben arrives with a pull, while the session is open here.
    const pulled = [...(await listMarks(db, session.id)).map(({ studentId, status, source, confidence, markedAt }) => ({ studentId, status, source, confidence, markedAt }))];
    await saveMarks(db, session.id, [...pulled, { studentId: ben!.id, status: 'late', source: 'manual', confidence: null, markedAt: new Date().toISOString() }], 'other-phone');
    await attendance.reloadMarks();
    expect(attendance.byStudent.get(ben!.id)?.status).toBe('late');

    await attendance.setStatus(ana!.id, 'excused');
    const stored = new Map((await listMarks(db, session.id)).map((m) => [m.studentId, m.status]));
    expect(stored.get(ben!.id)).toBe('late');
    expect(stored.get(ana!.id)).toBe('excused');
  });

  it('clears a mark by hand as a change that syncs, and Finish marks a cleared student absent in the same row', async () => {
    const cls = await createClass(db, { name: '7C' });
    const [ana, ben] = await addStudents(db, cls.id, [student('1', 'Ana'), student('2', 'Ben')]);
    const attendance = useAttendanceStore();
    attendance.configure({ db });
    const session = await attendance.start(cls.id, 'manual', 'Ms K');
    await attendance.setStatus(ana!.id, 'present');
    const id = (await listMarks(db, session.id))[0]!.id;
    await attendance.unmark(ana!.id);
    expect(attendance.byStudent.has(ana!.id)).toBe(false);
    const row = await db.marks.get(id);
    expect(row).toMatchObject({ source: 'manual', studentId: ana!.id });
    expect(row!.clearedAt).toBeTruthy();
    const sent = (await db.outbox.toArray()).filter((m) => m.table === 'attendance_marks').map((m) => m.row);
    expect(sent.at(-1)).toMatchObject({ id, cleared_at: row!.clearedAt });

    await attendance.setStatus(ben!.id, 'late');
    await attendance.finalise();
    expect(attendance.byStudent.get(ben!.id)).toMatchObject({ status: 'late', source: 'manual' });
    expect(attendance.byStudent.get(ana!.id)).toMatchObject({ status: 'absent', source: 'auto' });
    // Ana's mark is her one row, back from the clear.
    expect((await listMarks(db, session.id)).find((m) => m.studentId === ana!.id)!.id).toBe(id);
  });

  it('does not undo a mark another phone brought in while the screen still showed the session without it', async () => {
    const cls = await createClass(db, { name: '7D' });
    const [ana, ben] = await addStudents(db, cls.id, [student('1', 'Ana'), student('2', 'Ben')]);
    const attendance = useAttendanceStore();
    attendance.configure({ db });
    const session = await attendance.start(cls.id, 'manual', 'Ms K');
    // A pull writes Ben's mark; the screen has not read it yet.
    await saveMarks(db, session.id, [{ studentId: ben!.id, status: 'late', source: 'manual', confidence: null, markedAt: new Date().toISOString() }], 'other-phone');
    await attendance.setStatus(ana!.id, 'present');
    const stored = await listMarks(db, session.id);
    expect(stored.map((m) => [m.studentId, m.status]).sort()).toEqual([[ana!.id, 'present'], [ben!.id, 'late']].sort());
    expect(stored.every((m) => !m.clearedAt)).toBe(true);
    expect(attendance.byStudent.get(ben!.id)?.status).toBe('late');
  });

  it("marks automatically at the school's confidence when the phone syncs with a school", async () => {
    await db.schools.put({ id: 'sc1', name: 'Demo', keepFaceCrops: false, syncFaceTemplates: false, retentionDays: 365, autoMarkConfidence: 0.93, presentSmsConfidence: 0.8, lateAfterMinutes: 10, updatedAt: '2026-11-22T08:00:00Z' });
    await db.settings.put({ key: 'autoMarkConfidence', value: 0.6 });
    const cls = await createClass(db, { name: '8A' });
    const attendance = useAttendanceStore();
    attendance.configure({ db });
    await attendance.start(cls.id, 'manual', 'Ms K');
    expect(attendance.rules.autoMarkConfidence).toBe(0.93);
  });
});
