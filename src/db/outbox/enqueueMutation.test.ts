import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addStudents, createClass, deleteClass, deleteStudent, updateClass, updateStudent } from '@/db/classes';
import { RollcallDb } from '@/db/db';
import { addFaceSamples, addNegative } from '@/db/faceSamples';
import { recordConsent } from '@/db/consents';
import { addRecognitionEvents, createSession, deleteSession, saveMarks, updateSession } from '@/db/sessions';
import type { Quality } from '@/ml/types';
import { enqueueMutation } from './enqueueMutation';

let db: RollcallDb;
beforeEach(() => {
  db = new RollcallDb(`test-${crypto.randomUUID()}`);
});
afterEach(async () => {
  await db.delete();
});

const student = (rollNo: string, fullName: string) => ({ rollNo, fullName, guardianName: 'G', guardianPhone: '+919812345678', email: 'g@example.com', studentEmail: '' });
const quality: Quality = { sizePx: 120, sharpness: 80, brightness: 120, yaw: 0, pitch: 0, roll: 0, ok: true, issues: [] };
const outbox = () => db.outbox.orderBy('seq').toArray();
const summary = async () => (await outbox()).map((m) => `${m.table} ${m.op}`);

describe('the outbox', () => {
  it('gets exactly one mutation per change, in order', async () => {
    const c = await createClass(db, { name: '7B' });
    const [asha, ben] = await addStudents(db, c.id, [student('1', 'Asha'), student('2', 'Ben')]);
    await updateClass(db, c.id, { name: '7 B' });
    await updateStudent(db, asha!.id, { fullName: 'Asha M' });
    const s = await createSession(db, { classId: c.id, startsAt: '2026-11-20T08:00:00.000Z', takenBy: 'Ms K', mode: 'live', device: 'd1' });
    await updateSession(db, s.id, { finalisedAt: '2026-11-20T09:00:00.000Z' });
    await addRecognitionEvents(db, [{ sessionId: s.id, at: '2026-11-20T08:01:00.000Z', studentId: ben!.id, confidence: 0.9, device: 'd1', box: null, reason: '' }]);
    await deleteStudent(db, ben!.id);
    await deleteSession(db, s.id);
    await deleteClass(db, c.id);
    expect(await summary()).toEqual([
      'classes upsert',
      'students upsert',
      'students upsert',
      'classes upsert',
      'students upsert',
      'sessions upsert',
      'sessions upsert',
      'recognition_events upsert',
      'students delete',
      'sessions delete',
      'classes delete',
      // Only Asha is left to delete with the class.
      'students delete',
    ]);
    const rows = await outbox();
    expect(rows[3]!.row).toEqual({ id: c.id, name: '7 B', late_after_minutes: 10, default_country: 'IN' });
    expect(rows[10]!.row).toEqual({ id: c.id });
    expect(new Set(rows.map((r) => r.clientId)).size).toBe(rows.length);
  });

  it('sends marks only when they change, and a mark taken back as a clear of the same row', async () => {
    const s = await createSession(db, { classId: 'c', startsAt: '2026-11-20T08:00:00.000Z', takenBy: 't', mode: 'photo', device: 'd1' });
    await db.outbox.clear();
    const present = { studentId: 'x', status: 'present' as const, source: 'auto' as const, confidence: 0.9, markedAt: '2026-11-20T08:01:00.000Z' };
    const [saved] = await saveMarks(db, s.id, [present], 'd1');
    await saveMarks(db, s.id, [present], 'd1');
    expect(await summary()).toEqual(['attendance_marks upsert']);
    await saveMarks(db, s.id, [present, { ...present, studentId: 'y' }], 'd1');
    await saveMarks(db, s.id, [{ ...present, studentId: 'y' }], 'd1', new Date(), { clear: ['x'] });
    await saveMarks(db, s.id, [{ ...present, studentId: 'y', status: 'absent', source: 'manual', confidence: null }], 'd2');
    const rows = await outbox();
    expect(rows.map((r) => r.row.student_id)).toEqual(['x', 'y', 'x', 'y']);
    expect(rows[0]!.row).toEqual({
      id: saved!.id,
      session_id: s.id,
      student_id: 'x',
      status: 'present',
      source: 'auto',
      confidence: 0.9,
      marked_at: '2026-11-20T08:01:00.000Z',
      device: 'd1',
      cleared_at: null,
    });
    // Left out of the marks: the same row, cleared, with the sighting's time (so the server knows which sighting).
    expect(rows[2]!.row).toMatchObject({ id: saved!.id, status: 'present', source: 'auto', marked_at: '2026-11-20T08:01:00.000Z' });
    expect(rows[2]!.row.cleared_at).toEqual(expect.any(String));
    expect(rows[3]!.row).toMatchObject({ status: 'absent', source: 'manual', confidence: null, device: 'd2' });
  });

  it('leaves out edits the server does not store, and all face data', async () => {
    const c = await createClass(db, { name: 'A' });
    const [asha] = await addStudents(db, c.id, [student('1', 'Asha')]);
    await recordConsent(db, { studentId: asha!.id, givenByName: 'Rosa', relationship: 'parent', method: 'paper', noticeVersion: '1', givenAt: '2026-01-01T00:00:00.000Z' }, 'Ms K');
    const before = await db.outbox.count();
    await updateStudent(db, asha!.id, { guardianPhone: '+919800000000' });
    await addFaceSamples(db, [{ studentId: asha!.id, classId: c.id, descriptor: [0.1, 0.2], descriptorVersion: 'v', crop: null, quality, source: 'upload' }]);
    await addNegative(db, { studentId: asha!.id, classId: c.id, descriptor: [1], descriptorVersion: 'v' });
    expect(await db.outbox.count()).toBe(before);
    const text = JSON.stringify(await outbox());
    for (const secret of ['descriptor', 'crop', 'guardian', '+9198', 'g@example.com']) expect(text).not.toContain(secret);
  });

  it('saves a change and its mutation together or not at all', async () => {
    db.outbox.hook('creating', () => {
      throw new Error('disk full');
    });
    await expect(createClass(db, { name: 'A' })).rejects.toThrow('disk full');
    expect(await db.classes.count()).toBe(0);

    const fresh = new RollcallDb(`test-${crypto.randomUUID()}`);
    try {
      await expect(
        fresh.transaction('rw', fresh.classes, fresh.outbox, async () => {
          const row = { id: crypto.randomUUID(), name: 'B', lateAfterMinutes: 10, defaultCountry: 'IN', createdAt: 'a', updatedAt: 'a', deletedAt: null };
          await fresh.classes.add(row);
          await enqueueMutation(fresh, { table: 'classes', op: 'upsert', row: { id: row.id, name: 'B' } });
          throw new Error('later step failed');
        }),
      ).rejects.toThrow('later step failed');
      expect(await fresh.classes.count()).toBe(0);
      expect(await fresh.outbox.count()).toBe(0);
    } finally {
      await fresh.delete();
    }
  });

  it('refuses to record a change outside its transaction', async () => {
    await expect(enqueueMutation(db, { table: 'classes', op: 'upsert', row: { id: 'c' } })).rejects.toThrow('inside the read-write transaction');
    await expect(db.transaction('rw', db.classes, () => enqueueMutation(db, { table: 'classes', op: 'upsert', row: { id: 'c' } }))).rejects.toThrow();
    expect(await db.outbox.count()).toBe(0);
  });
});
