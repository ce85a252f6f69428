import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { addStudents, createClass } from '@/db/classes';
import { RollcallDb } from '@/db/db';
import { createSession, saveMarks } from '@/db/sessions';
import { BACKFILLED_KEY, backfillOutbox } from './backfillOutbox';
import { PULL_CURSOR_KEY } from './pullChanges';

const dbs: RollcallDb[] = [];
const device = () => {
  const db = new RollcallDb(`backfill-${crypto.randomUUID()}`);
  dbs.push(db);
  return db;
};
afterEach(async () => {
  await Promise.all(dbs.splice(0).map((db) => db.delete()));
});

describe('backfillOutbox', () => {
  it('queues everything written before the outbox existed, parents first, ahead of changes already waiting; once', async () => {
    const db = device();
    const cls = await createClass(db, { name: '7B' });
    const [ana, ben] = await addStudents(db, cls.id, [
      { rollNo: '1', fullName: 'Ana', guardianName: '', guardianPhone: '', email: '', studentEmail: '' },
      { rollNo: '2', fullName: 'Ben', guardianName: '', guardianPhone: '', email: '', studentEmail: '' },
    ]);
    const session = await createSession(db, { classId: cls.id, startsAt: '2026-11-20T08:30:00.000Z', takenBy: 'T', mode: 'manual', device: 'd' });
    await saveMarks(db, session.id, [{ studentId: ana!.id, status: 'present', source: 'manual', confidence: null, markedAt: '2026-11-20T08:31:00.000Z' }], 'd');
    // As on a device from before the outbox: everything but the latest mark change was never queued.
    await db.outbox.clear();
    await saveMarks(db, session.id, [
      { studentId: ana!.id, status: 'present', source: 'manual', confidence: null, markedAt: '2026-11-20T08:31:00.000Z' },
      { studentId: ben!.id, status: 'late', source: 'manual', confidence: null, markedAt: '2026-11-20T08:45:00.000Z' },
    ], 'd');
    expect((await db.outbox.toArray()).map((m) => m.table)).toEqual(['attendance_marks']);

    expect(await backfillOutbox(db)).toBe(5); // class, 2 students, session, Ana's mark
    const order = (await db.outbox.orderBy('seq').toArray()).map((m) => m.table);
    expect(order).toEqual(['classes', 'students', 'students', 'sessions', 'attendance_marks', 'attendance_marks']);
    expect((await db.outbox.orderBy('seq').last())!.row).toMatchObject({ student_id: ben!.id, status: 'late' });
    expect(await backfillOutbox(db)).toBe(0);
    expect(await db.outbox.count()).toBe(6);
  });

  it('does nothing on a device that has synced before', async () => {
    const db = device();
    await createClass(db, { name: '8A' });
    await db.outbox.clear();
    await db.syncState.put({ key: PULL_CURSOR_KEY, value: '2026-11-20T00:00:00Z' });
    expect(await backfillOutbox(db)).toBe(0);
    expect(await db.outbox.count()).toBe(0);
    expect(await db.syncState.get(BACKFILLED_KEY)).toBeDefined();
  });
});
