import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RollcallDb } from './db';
import { addStudents, createClass, deleteClass, deleteStudent, listClasses, listStudents, updateStudent } from './classes';
import { addFaceSamples, addNegative, listClassFaceSamples, sampleCounts } from './faceSamples';
import { recordConsents } from './consents';
import { createSession, listMarks, listSessions, saveMarks } from './sessions';
import { deviceId } from './settings';
import type { Quality } from '@/ml/types';

let db: RollcallDb;
beforeEach(() => {
  db = new RollcallDb(`test-${crypto.randomUUID()}`);
});
afterEach(async () => {
  await db.delete();
});

const student = (rollNo: string, fullName: string) => ({ rollNo, fullName, guardianName: '', guardianPhone: '', email: '', studentEmail: '' });
const quality: Quality = { sizePx: 120, sharpness: 80, brightness: 120, yaw: 0, pitch: 0, roll: 0, ok: true, issues: [] };

describe('classes and students', () => {
  it('adds a roster all or nothing, refusing a roll number already in the class', async () => {
    const c = await createClass(db, { name: 'Year 7 B' });
    await addStudents(db, c.id, [student('2', 'Asha'), student('10', 'Ben')]);
    await expect(addStudents(db, c.id, [student('3', 'Cara'), student('10', 'Dev')])).rejects.toThrow('Roll number 10');
    expect((await listStudents(db, c.id)).map((s) => s.fullName)).toEqual(['Asha', 'Ben']);
    const other = await createClass(db, { name: 'Year 8' });
    await addStudents(db, other.id, [student('10', 'Eli')]);
    expect(await listStudents(db, other.id)).toHaveLength(1);
  });

  it('refuses to renumber a student onto a classmate’s roll number', async () => {
    const c = await createClass(db, { name: 'A' });
    const [asha] = await addStudents(db, c.id, [student('1', 'Asha'), student('2', 'Ben')]);
    await expect(updateStudent(db, asha!.id, { rollNo: '2' })).rejects.toThrow("already Ben's");
  });

  it('deleting a student erases their face data; deleting a class hides it and its roster', async () => {
    const c = await createClass(db, { name: 'A' });
    const [asha, ben] = await addStudents(db, c.id, [student('1', 'Asha'), student('2', 'Ben')]);
    const sample = { classId: c.id, descriptor: [0.1, 0.2], descriptorVersion: 'v', crop: null, quality, source: 'upload' as const };
    const consent = { givenByName: 'Rosa', relationship: 'parent' as const, method: 'paper' as const, noticeVersion: '1', givenAt: '2026-01-01T00:00:00.000Z' };
    await recordConsents(db, [{ ...consent, studentId: asha!.id }, { ...consent, studentId: ben!.id }], 'Ms K');
    await addFaceSamples(db, [{ ...sample, studentId: asha!.id }, { ...sample, studentId: ben!.id }]);
    await addNegative(db, { studentId: asha!.id, classId: c.id, descriptor: [1], descriptorVersion: 'v' });
    await deleteStudent(db, asha!.id);
    expect((await listClassFaceSamples(db, c.id)).map((s) => s.studentId)).toEqual([ben!.id]);
    expect(await db.negatives.count()).toBe(0);
    expect([...(await sampleCounts(db, c.id)).keys()]).toEqual([ben!.id]);
    await deleteClass(db, c.id);
    expect(await listClasses(db)).toEqual([]);
    expect(await listStudents(db, c.id)).toEqual([]);
  });
});

describe('sessions and marks', () => {
  it('keeps one mark per student, updating in place', async () => {
    const c = await createClass(db, { name: 'A' });
    const s = await createSession(db, { classId: c.id, startsAt: '2026-11-20T08:00:00Z', takenBy: 'Ms K', mode: 'photo', device: 'd1' });
    const first = await saveMarks(db, s.id, [{ studentId: 'x', status: 'present', source: 'auto', confidence: 0.9, markedAt: '2026-11-20T08:01:00Z' }], 'd1');
    await saveMarks(db, s.id, [{ studentId: 'x', status: 'absent', source: 'manual', confidence: null, markedAt: '2026-11-20T08:05:00Z' }], 'd2');
    const marks = await listMarks(db, s.id);
    expect(marks).toHaveLength(1);
    expect(marks[0]).toMatchObject({ id: first[0]!.id, status: 'absent', source: 'manual', device: 'd2' });
    await expect(
      saveMarks(db, s.id, [
        { studentId: 'y', status: 'present', source: 'auto', confidence: 1, markedAt: 'a' },
        { studentId: 'y', status: 'late', source: 'auto', confidence: 1, markedAt: 'b' },
      ], 'd1'),
    ).rejects.toThrow('only one mark');
    expect(await listMarks(db, s.id)).toHaveLength(1);
    // The index itself refuses a duplicate, whoever writes.
    await expect(db.marks.add({ ...marks[0]!, id: 'other' })).rejects.toThrow();
  });

  it('lists a class’s sessions newest first, and keeps one device id', async () => {
    const c = await createClass(db, { name: 'A' });
    await createSession(db, { classId: c.id, startsAt: '2026-11-19T08:00:00Z', takenBy: 't', mode: 'live', device: 'd' });
    await createSession(db, { classId: c.id, startsAt: '2026-11-20T08:00:00Z', takenBy: 't', mode: 'live', device: 'd' });
    expect((await listSessions(db, c.id)).map((s) => s.startsAt)).toEqual(['2026-11-20T08:00:00Z', '2026-11-19T08:00:00Z']);
    expect(await deviceId(db)).toBe(await deviceId(db));
  });
});
