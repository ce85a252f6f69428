import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Quality } from '@/ml/types';
import { addStudents, createClass, deleteStudent, type StudentRow } from './classes';
import { ConsentInputError, listConsents, recordConsent, withdrawConsent } from './consents';
import { RollcallDb } from './db';
import { addFaceSamples, addNegative } from './faceSamples';
import type { ModelVersionRow } from './modelVersions';
import { listPrivacyLog } from './privacyLog';

const quality: Quality = { sizePx: 120, sharpness: 80, brightness: 120, yaw: 0, pitch: 0, roll: 0, ok: true, issues: [] };
const now = new Date('2026-03-10T09:00:00.000Z');
const consent = { givenByName: 'Rosa Lima', relationship: 'parent' as const, method: 'paper' as const, noticeVersion: '2026-01', givenAt: '2026-03-01T00:00:00.000Z' };

let db: RollcallDb;
let classId: string;
let asha: StudentRow;

beforeEach(async () => {
  db = new RollcallDb(`consents-${crypto.randomUUID()}`);
  await db.settings.put({ key: 'deviceId', value: 'device-test' });
  classId = (await createClass(db, { name: '7B' })).id;
  [asha] = (await addStudents(db, classId, [{ rollNo: '1', fullName: 'Asha', guardianName: 'Rosa Lima', guardianPhone: '+919812345678', email: '', studentEmail: '' }])) as [StudentRow];
});
afterEach(async () => {
  await db.delete();
});

/** A model version whose artifact names `students`, as ml/classifier/serialize.ts lays it out (header only). */
function modelNaming(id: string, students: string[]): ModelVersionRow {
  const json = new TextEncoder().encode(JSON.stringify({ meta: { classes: students }, svm: { classes: students } }).padEnd(64));
  const artifact = new Uint8Array(48 + json.length);
  artifact.set([0x52, 0x43, 0x4c, 0x46]);
  new DataView(artifact.buffer).setUint32(8, json.length, true);
  artifact.set(json, 48);
  const at = now.toISOString();
  return {
    id, scope: classId, createdAt: at, updatedAt: at, status: 'active', statusReason: '', classes: students.length, samples: 4, trainingMs: 1, backend: 'cpu',
    accuracy: 1, far: 0, frr: 0, descriptorVersion: 'v', artifact,
  };
}

describe('consent records', () => {
  it('records who, how, when and which notice, with its server mutation and a log entry', async () => {
    const row = await recordConsent(db, { ...consent, studentId: asha.id }, 'Ms K', now);
    expect(row).toMatchObject({ studentId: asha.id, classId, givenByName: 'Rosa Lima', relationship: 'parent', method: 'paper', noticeVersion: '2026-01', withdrawnAt: null, recordedBy: 'Ms K' });
    expect(await listConsents(db, asha.id)).toEqual([row]);

    const queued = (await db.outbox.where('table').equals('consents').toArray()).map((m) => m.row);
    // The server's columns only: the guardian's name stays on the device.
    expect(queued).toEqual([{ id: row.id, student_id: asha.id, method: 'paper', notice_version: '2026-01', given_at: consent.givenAt, withdrawn_at: null }]);
    const [log] = await listPrivacyLog(db, { studentId: asha.id });
    expect(log).toMatchObject({ kind: 'consent-recorded', by: 'Ms K', device: 'device-test', counts: { consents: 1 } });
    expect(JSON.stringify(log)).not.toContain('Rosa');
  });

  it('refuses an incomplete or spoken consent, and a student no longer on the roster', async () => {
    const error = await recordConsent(db, { ...consent, studentId: asha.id, noticeVersion: ' ', method: 'verbal' }, 'Ms K', now).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConsentInputError);
    expect((error as ConsentInputError).problems).toHaveLength(2);
    await deleteStudent(db, asha.id);
    await expect(recordConsent(db, { ...consent, studentId: asha.id }, 'Ms K', now)).rejects.toThrow('no longer on the roster');
    expect(await db.consents.count()).toBe(0);
  });

  it('withdrawing erases the face data and every model naming the student, in the same transaction', async () => {
    const [ben] = (await addStudents(db, classId, [{ rollNo: '2', fullName: 'Ben', guardianName: '', guardianPhone: '', email: '', studentEmail: '' }])) as [StudentRow];
    await recordConsent(db, { ...consent, studentId: asha.id }, 'Ms K', now);
    await recordConsent(db, { ...consent, studentId: ben.id }, 'Ms K', now);
    const sample = { classId, descriptor: [0.1, 0.2], descriptorVersion: 'v', crop: null, quality, source: 'upload' as const };
    await addFaceSamples(db, [{ ...sample, studentId: asha.id }, { ...sample, studentId: asha.id }, { ...sample, studentId: ben.id }]);
    await addNegative(db, { studentId: asha.id, classId, descriptor: [1], descriptorVersion: 'v' });
    await db.modelVersions.bulkAdd([modelNaming('with-asha', [asha.id, ben.id]), { ...modelNaming('old-with-asha', [asha.id, ben.id]), status: 'inactive' }, modelNaming('ben-only', [ben.id])]);

    const later = new Date('2026-03-12T10:00:00.000Z');
    const { withdrawn, erased } = await withdrawConsent(db, asha.id, 'Ms K', later);
    expect(withdrawn.map((c) => c.withdrawnAt)).toEqual([later.toISOString()]);
    expect(erased.counts).toEqual({ faceSamples: 2, negatives: 1, modelVersions: 2 });
    expect(erased.classIds).toEqual([classId]);
    expect(await db.faceSamples.where('studentId').equals(asha.id).count()).toBe(0);
    expect(await db.negatives.count()).toBe(0);
    expect((await db.modelVersions.toArray()).map((v) => v.id)).toEqual(['ben-only']);
    expect(await db.faceSamples.where('studentId').equals(ben.id).count()).toBe(1);

    const last = (await db.outbox.orderBy('seq').toArray()).at(-1)!;
    expect(last).toMatchObject({ table: 'consents', op: 'upsert', row: { student_id: asha.id, withdrawn_at: later.toISOString() } });
    const [log] = await listPrivacyLog(db, { studentId: asha.id });
    expect(log).toMatchObject({ kind: 'consent-withdrawn', server: 'pending', counts: { faceSamples: 2, negatives: 1, modelVersions: 2 } });

    // No more photos until a new consent.
    await expect(addFaceSamples(db, [{ ...sample, studentId: asha.id }])).rejects.toThrow(/withdrawn/);
    await recordConsent(db, { ...consent, studentId: asha.id, givenAt: '2026-03-12T00:00:00.000Z' }, 'Ms K', later);
    await addFaceSamples(db, [{ ...sample, studentId: asha.id }]);
  });
});
