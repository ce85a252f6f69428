import 'fake-indexeddb/auto';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createPinia, setActivePinia } from 'pinia';
import { readSheet } from 'read-excel-file/node';
import { addStudents, createClass, deleteStudent, type StudentRow } from '@/db/classes';
import { RollcallDb } from '@/db/db';
import { addFaceSamples, addNegative, listClassFaceSamples, listClassNegatives } from '@/db/faceSamples';
import { activeModelVersion, openModelVersion } from '@/db/modelVersions';
import { addRecognitionEvents, createSession, saveMarks } from '@/db/sessions';
import { saveReviewPhoto } from '@/db/reviewPhotos';
import { CURRENT_DESCRIPTOR, parseClassifier, serializeClassifier, trainClassifier } from '@/ml/classifier';
import { syntheticPeople } from '@/ml/classifier/syntheticFaces';
import type { Quality } from '@/ml/types';
import { useEnrolmentStore } from './enrolment';
import { useClassModelsStore, type Trainer } from './classModels';
import { LAST_UPKEEP_KEY, RETENTION_DAYS_KEY, usePrivacyStore } from './privacy';

/** The worker's training, run in this process. */
const inProcess: Trainer = {
  async train(samples, call) {
    const c = await trainClassifier(samples, { negatives: call?.negatives, extraSamples: call?.extraSamples });
    return { model: await serializeClassifier(c), meta: c.meta, operatingPoint: c.openSet.point };
  },
};

const quality: Quality = { sizePx: 120, sharpness: 80, brightness: 120, yaw: 0, pitch: 0, roll: 0, ok: true, issues: [] };
const consent = { relationship: 'parent' as const, method: 'paper' as const, noticeVersion: '2026-01', givenAt: '2026-01-05T00:00:00.000Z' };
const people = syntheticPeople({ classes: 3, perClass: 4, seed: 5 });
const photosOf = (i: number): number[][] => people.samples.filter((s) => s.label === `p${i}`).map((s) => Array.from(s.descriptor));

let db: RollcallDb;
let classId: string;
let asha: StudentRow;
let ben: StudentRow;
let cleo: StudentRow;
let serverCalls: { studentId: string; full: boolean }[];
let saved: { name: string; content: Uint8Array | string }[];

beforeAll(async () => {
  await tf.setBackend('wasm');
});

beforeEach(async () => {
  setActivePinia(createPinia());
  db = new RollcallDb(`privacy-${crypto.randomUUID()}`);
  await db.settings.bulkPut([{ key: 'deviceId', value: 'device-test' }, { key: 'teacherName', value: 'Ms K' }]);
  serverCalls = [];
  saved = [];
  useClassModelsStore().configure({ trainer: inProcess, db });
  useEnrolmentStore().configure({ db });
  usePrivacyStore().configure({
    db,
    serverErasure: { eraseStudent: async (r) => void serverCalls.push({ studentId: r.studentId, full: r.full }) },
    saveFile: (content, name) => saved.push({ name, content }),
  });
  classId = (await createClass(db, { name: '7B' })).id;
  [asha, ben, cleo] = (await addStudents(db, classId, [
    { rollNo: '1', fullName: 'Asha Verma', guardianName: 'Rosa Verma', guardianPhone: '+919812345670', email: 'rosa@example.org', studentEmail: '' },
    { rollNo: '2', fullName: 'Ben Costa', guardianName: 'Paulo Costa', guardianPhone: '+919812345671', email: '', studentEmail: 'ben@example.org' },
    { rollNo: '3', fullName: 'Cleo Ortiz', guardianName: 'Marta Ortiz', guardianPhone: '', email: '', studentEmail: '' },
  ])) as [StudentRow, StudentRow, StudentRow];
  const { recorded } = await usePrivacyStore().recordClassConsents([asha, ben, cleo], consent);
  expect(recorded).toBe(3);
});

afterEach(async () => {
  await db.delete();
});

const jpeg = (n: number) => new Blob([new Uint8Array([0xff, 0xd8, 0xff, n, n + 1, n + 2])], { type: 'image/jpeg' });

/** Four photos each (with an augmented copy and a crop), a correction each, two trained model versions, a session. */
async function enrolEveryone() {
  for (const [i, s] of [asha, ben, cleo].entries()) {
    await addFaceSamples(
      db,
      photosOf(i).map((descriptor, k) => ({
        studentId: s.id, classId, descriptor, descriptorVersion: CURRENT_DESCRIPTOR.version, augmented: [descriptor.map((x) => x * 1.01)], crop: jpeg(i * 10 + k), quality, source: 'upload' as const,
      })),
    );
    await addNegative(db, { studentId: s.id, classId, descriptor: Array.from(people.draw((i + 1) % 3, 1)[0]!), descriptorVersion: CURRENT_DESCRIPTOR.version });
  }
  const models = useClassModelsStore();
  const enrolment = useEnrolmentStore();
  await models.retrainNow(classId, await enrolment.trainingData(classId));
  await models.retrainNow(classId, await enrolment.trainingData(classId));
  const session = await createSession(db, { classId, startsAt: '2026-03-02T08:00:00.000Z', takenBy: 'Ms K', mode: 'photo', device: 'device-test' });
  await saveMarks(db, session.id, [asha, ben].map((s) => ({ studentId: s.id, status: 'present' as const, source: 'auto' as const, confidence: 0.9, markedAt: '2026-03-02T08:01:00.000Z' })), 'device-test');
  await addRecognitionEvents(db, [{ sessionId: session.id, at: '2026-03-02T08:01:00.000Z', studentId: asha.id, confidence: 0.9, device: 'device-test', box: null, reason: '' }]);
}

/** Every row of every table as IndexedDB holds it. */
async function everyRow(): Promise<[string, Record<string, unknown>][]> {
  const out: [string, Record<string, unknown>][] = [];
  for (const t of db.tables) for (const r of await t.toArray()) out.push([t.name, r as Record<string, unknown>]);
  return out;
}

function bytesOf(value: unknown): Uint8Array[] {
  if (value instanceof ArrayBuffer) return [new Uint8Array(value)];
  if (ArrayBuffer.isView(value)) return [new Uint8Array(value.buffer, value.byteOffset, value.byteLength)];
  if (Array.isArray(value)) return value.flatMap(bytesOf);
  if (value && typeof value === 'object' && !(value instanceof Blob) && !(value instanceof CryptoKey)) return Object.values(value).flatMap(bytesOf);
  return [];
}

const contains = (hay: Uint8Array, needle: Uint8Array) => {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
};

/** Proof that nothing of one person's face remains: rows, model galleries, class lists, raw bytes. */
async function expectNoFaceDataOf(student: StudentRow, photos: number[][]) {
  const rows = await everyRow();
  for (const [table, row] of rows) {
    if (table === 'faceSamples' || table === 'negatives') expect(row.studentId, `${table} row`).not.toBe(student.id);
  }
  // Their descriptors, as float32 (how a model gallery stores them) or float64 (how a sealed row would), appear in no stored bytes.
  const needles = photos.flatMap((d) => [new Uint8Array(new Float32Array(d.slice(0, 6)).buffer), new Uint8Array(new Float64Array(d.slice(0, 3)).buffer)]);
  for (const [table, row] of rows) for (const bytes of bytesOf(row)) for (const n of needles) expect(contains(bytes, n), `${table} bytes`).toBe(false);
  // Nor as numbers in any row, opened or not.
  const text = JSON.stringify(rows.map(([, r]) => r));
  for (const d of photos) expect(text).not.toContain(String(d[0]));
  const opened = [...(await listClassFaceSamples(db, classId)), ...(await listClassNegatives(db, classId))];
  for (const d of photos) expect(opened.some((o) => o.descriptor[0] === d[0])).toBe(false);
  // Every model version left, old or active, has them neither in its class list nor in its gallery.
  for (const [table, row] of rows.filter(([t]) => t === 'modelVersions')) {
    const model = await parseClassifier((await openModelVersion(db, row as never)).artifact);
    expect(model.svm.classes, table).not.toContain(student.id);
    expect(model.meta.classes).not.toContain(student.id);
  }
}

describe('erasing a student’s face data', () => {
  it('removes their photos, crops, augmented copies, corrections and every model naming them; the model retrains without them; attendance stays', async () => {
    await enrolEveryone();
    const before = (await db.modelVersions.toArray()).map((v) => v.id);
    expect(before).toHaveLength(2);
    for (const v of await db.modelVersions.toArray()) expect((await parseClassifier((await openModelVersion(db, v)).artifact)).svm.classes).toContain(asha.id);

    const privacy = usePrivacyStore();
    await privacy.eraseFaceData(asha);
    await useClassModelsStore().settled(classId);

    await expectNoFaceDataOf(asha, [...photosOf(0), ...photosOf(0).map((d) => d.map((x) => x * 1.01))]);
    // The old versions are gone; the class model was trained again on Ben and Cleo.
    const active = await activeModelVersion(db, classId);
    expect(before).not.toContain(active!.id);
    expect((await parseClassifier(active!.artifact)).svm.classes.sort()).toEqual([ben.id, cleo.id].sort());
    // Ben's and Cleo's data are untouched; Asha's attendance is kept.
    expect((await listClassFaceSamples(db, classId)).length).toBe(8);
    expect(await db.marks.where('studentId').equals(asha.id).count()).toBe(1);
    expect(await db.students.get(asha.id)).toMatchObject({ fullName: 'Asha Verma', deletedAt: null });

    await privacy.loadLog({ studentId: asha.id });
    expect(privacy.log[0]).toMatchObject({ kind: 'face-data-erased', server: 'done', counts: { faceSamples: 4, negatives: 1, modelVersions: 2 }, by: 'Ms K' });
    expect(serverCalls).toEqual([{ studentId: asha.id, full: false }]);
  });

  it('removes the class photos under review in their class, which show their face too', async () => {
    await enrolEveryone();
    const other = (await createClass(db, { name: '8A' })).id;
    const photo = async (id: string, inClass: string) => {
      const session = await createSession(db, { classId: inClass, startsAt: '2026-03-03T08:00:00.000Z', takenBy: 'Ms K', mode: 'photo', device: 'device-test' });
      await saveReviewPhoto(db, { id, sessionId: session.id, classId: inClass, width: 10, height: 10, scale: 1, image: jpeg(1), faces: [] });
    };
    await photo('theirs', classId);
    await photo('elsewhere', other);
    await usePrivacyStore().eraseFaceData(asha);
    await useClassModelsStore().settled(classId);
    expect((await db.reviewPhotos.toArray()).map((r) => r.id)).toEqual(['elsewhere']);
  });

  it('withdrawing consent erases the same way and blocks enrolment until a new consent', async () => {
    await enrolEveryone();
    const privacy = usePrivacyStore();
    await privacy.loadStudent(asha.id);
    expect(privacy.statusOf(asha.id).state).toBe('given');
    await privacy.withdraw(asha);
    await useClassModelsStore().settled(classId);
    expect(privacy.statusOf(asha.id).state).toBe('withdrawn');
    await expectNoFaceDataOf(asha, photosOf(0));
    const refusal = await useEnrolmentStore().enrolPhoto(asha, jpeg(1));
    expect(refusal).toMatchObject({ ok: false, refusal: { kind: 'no-consent' } });
    expect(refusal.messages[0]).toMatch(/Consent for Asha Verma’s face data was withdrawn/);
  });

  it('a server that cannot be reached leaves the erasure pending, and it is sent later', async () => {
    await enrolEveryone();
    const privacy = usePrivacyStore();
    let online = false;
    privacy.configure({ serverErasure: { eraseStudent: async (r) => (online ? void serverCalls.push({ studentId: r.studentId, full: r.full }) : Promise.reject(new Error('offline'))) } });
    await privacy.eraseFaceData(cleo);
    await privacy.loadLog();
    expect(privacy.pendingServer).toBe(1);
    online = true;
    expect(await privacy.sendServerErasures()).toBe(1);
    expect(serverCalls).toEqual([{ studentId: cleo.id, full: false }]);
  });
});

describe('deleting everything about a student', () => {
  it('leaves only a nameless tombstone, the deletion and consent withdrawal for the server, and the log entry', async () => {
    await enrolEveryone();
    const privacy = usePrivacyStore();
    await privacy.deleteEverything(ben);
    await useClassModelsStore().settled(classId);

    await expectNoFaceDataOf(ben, photosOf(1));
    const rows = await everyRow();
    const mentioning = rows.filter(([, r]) => JSON.stringify(r).includes(ben.id)).map(([t, r]) => (t === 'outbox' ? `outbox ${String(r.table)} ${String(r.op)}` : t));
    // The unsent roster row stays queued (so the deletion has a row to delete on the server), with its name replaced.
    expect([...new Set(mentioning)].sort()).toEqual(['outbox consents upsert', 'outbox students delete', 'outbox students upsert', 'privacyLog', 'students']);
    const text = JSON.stringify(rows.map(([, r]) => r));
    for (const personal of ['Ben Costa', 'Paulo Costa', '+919812345671', 'ben@example.org']) expect(text).not.toContain(personal);
    expect(await db.students.get(ben.id)).toMatchObject({ fullName: '', guardianName: '', deletedAt: expect.any(String) });
    const withdrawal = rows.find(([t, r]) => t === 'outbox' && r.table === 'consents' && (r.row as { withdrawn_at?: string }).withdrawn_at);
    expect(withdrawal).toBeDefined();
    // The others' attendance is kept.
    expect(await db.marks.where('studentId').equals(asha.id).count()).toBe(1);
    expect(serverCalls).toEqual([{ studentId: ben.id, full: true }]);
  });
});

describe('retention', () => {
  it('at start and then daily: seals old plaintext rows, purges what belongs to students who left and photos past the period, and logs each purge', async () => {
    const privacy = usePrivacyStore();
    let now = new Date('2026-06-01T00:00:00.000Z');
    privacy.configure({ now: () => now });
    await db.settings.put({ key: RETENTION_DAYS_KEY, value: 100 });
    const add = (s: StudentRow, i: number, at: string) =>
      addFaceSamples(db, photosOf(i).map((descriptor) => ({ studentId: s.id, classId, descriptor, descriptorVersion: CURRENT_DESCRIPTOR.version, crop: null, quality, source: 'upload' as const })), new Date(at));
    await add(asha, 0, '2026-03-01T00:00:00.000Z');
    await add(ben, 1, '2026-05-01T00:00:00.000Z');
    await add(cleo, 2, '2026-05-01T00:00:00.000Z');
    await useClassModelsStore().retrainNow(classId, await useEnrolmentStore().trainingData(classId));
    // Removed from the roster: her photos go with deleteStudent, the model naming her stays until upkeep.
    await deleteStudent(db, cleo.id);
    // A row from before encryption.
    await db.negatives.add({ id: 'legacy-n', studentId: ben.id, classId, descriptor: Array.from(people.draw(0, 1)[0]!), descriptorVersion: CURRENT_DESCRIPTOR.version, createdAt: '2026-05-20T00:00:00.000Z' });

    const first = await privacy.upkeepIfDue();
    await useClassModelsStore().settled(classId);
    expect(first).toMatchObject({ sealed: 1, purged: 0, modelVersionsDeleted: 1, unreadableRemoved: 0 });
    expect(await db.negatives.get('legacy-n')).not.toHaveProperty('descriptor');
    for (const v of await db.modelVersions.toArray()) expect((await parseClassifier((await openModelVersion(db, v)).artifact)).svm.classes).not.toContain(cleo.id);
    // Retrained on who is left.
    expect((await parseClassifier((await activeModelVersion(db, classId))!.artifact)).svm.classes.sort()).toEqual([asha.id, ben.id].sort());
    // Once a day: a second call the same day does nothing.
    expect(await privacy.upkeepIfDue()).toBeNull();

    // Two weeks on, Asha's photos are 106 days old.
    now = new Date('2026-06-15T00:00:00.000Z');
    const second = await privacy.upkeepIfDue();
    await useClassModelsStore().settled(classId);
    expect(second).toMatchObject({ sealed: 0, purged: 4, modelVersionsDeleted: 1 });
    expect(await db.faceSamples.where('studentId').equals(asha.id).count()).toBe(0);
    expect(await db.faceSamples.where('studentId').equals(ben.id).count()).toBe(4);

    await privacy.loadLog();
    const entries = privacy.log.map((l) => `${l.kind}: ${l.summary}`);
    expect(entries).toEqual(
      expect.arrayContaining([
        'retention-purge: Retention: face data erased because older than the retention period (100 days).',
        'retention-purge: Retention: face data erased because the student left the class.',
        'face-data-encrypted: Face data stored before encryption was encrypted under this device’s key.',
      ]),
    );
    expect(await db.settings.get(LAST_UPKEEP_KEY)).toMatchObject({ value: now.toISOString() });
  });

  it('removes class photos kept for review once their session is finished, or after a week', async () => {
    const privacy = usePrivacyStore();
    const now = new Date('2026-06-10T12:00:00.000Z');
    privacy.configure({ now: () => now });
    const open = await createSession(db, { classId, startsAt: '2026-06-10T08:00:00.000Z', takenBy: 'Ms K', mode: 'photo', device: 'device-test' });
    const finished = await createSession(db, { classId, startsAt: '2026-06-09T08:00:00.000Z', takenBy: 'Ms K', mode: 'photo', device: 'device-test' });
    await db.sessions.update(finished.id, { finalisedAt: '2026-06-09T15:00:00.000Z' });
    const forgotten = await createSession(db, { classId, startsAt: '2026-06-01T08:00:00.000Z', takenBy: 'Ms K', mode: 'photo', device: 'device-test' });
    const photo = (id: string, sessionId: string, at: string) =>
      saveReviewPhoto(db, { id, sessionId, classId, width: 10, height: 10, scale: 1, image: jpeg(id.length), faces: [] }, new Date(at));
    await photo('today', open.id, '2026-06-10T08:05:00.000Z');
    await photo('finished', finished.id, '2026-06-09T08:05:00.000Z');
    await photo('forgotten', forgotten.id, '2026-06-01T08:05:00.000Z');
    expect(await privacy.upkeep()).toMatchObject({ reviewPhotos: 2 });
    expect((await db.reviewPhotos.toArray()).map((r) => r.id)).toEqual(['today']);
  });

  it('shows the school\'s period while the school decides, and keeps the phone\'s own as it was', async () => {
    await db.settings.put({ key: RETENTION_DAYS_KEY, value: 100 });
    await db.schools.put({ id: 'sc1', name: 'Demo School', keepFaceCrops: false, syncFaceTemplates: false, retentionDays: 400, autoMarkConfidence: 0.8, presentSmsConfidence: 0.8, lateAfterMinutes: 10, updatedAt: '2026-11-22T08:00:00Z' });
    const privacy = usePrivacyStore();
    await privacy.loadRetention();
    expect(privacy.retentionDays).toBe(400);
    expect(privacy.retentionSetBy).toBe('Demo School');
    await expect(privacy.setRetentionDays(200)).rejects.toThrow(/Demo School.*School page/);
    expect((await db.settings.get(RETENTION_DAYS_KEY))?.value).toBe(100);
  });

  it('refuses a retention period outside a month to three years', async () => {
    const privacy = usePrivacyStore();
    await expect(privacy.setRetentionDays(7)).rejects.toThrow(/between 30 and 1095/);
    await privacy.setRetentionDays(200);
    expect((await db.settings.get(RETENTION_DAYS_KEY))?.value).toBe(200);
  });
});

describe('an access request', () => {
  it('exports everything held about the student as JSON (face data included) and Excel, and logs it', async () => {
    await enrolEveryone();
    const privacy = usePrivacyStore();
    await privacy.exportAccess(asha, 'json');
    await privacy.exportAccess(asha, 'xlsx');
    expect(saved.map((f) => f.name)).toEqual([expect.stringMatching(/^access-request-1-asha-verma-\d{4}-\d{2}-\d{2}\.json$/), expect.stringMatching(/\.xlsx$/)]);

    const doc = JSON.parse(saved[0]!.content as string);
    expect(doc.format).toBe('rollcall-access-request');
    expect(doc.student).toMatchObject({ fullName: 'Asha Verma', guardianName: 'Rosa Verma' });
    expect(doc.consents).toHaveLength(1);
    expect(doc.faceData.photos).toHaveLength(4);
    expect(doc.faceData.photos.map((p: { descriptor: number[] }) => p.descriptor[0]).sort()).toEqual(photosOf(0).map((d) => d[0]).sort());
    expect(atob(doc.faceData.photos[0].crop.base64).charCodeAt(0)).toBe(0xff);
    expect(doc.faceData.corrections).toHaveLength(1);
    expect(doc.faceData.trainedModelsNamingTheStudent).toHaveLength(2);
    expect(doc.attendance.marks[0]).toMatchObject({ status: 'present', sessionStartsAt: '2026-03-02T08:00:00.000Z' });
    expect(doc.attendance.recognitionEvents).toHaveLength(1);
    // Nobody else's data.
    expect(saved[0]!.content).not.toContain('Ben Costa');

    const cells = (await readSheet(Buffer.from(saved[1]!.content as Uint8Array))).flat().map((c) => String(c ?? ''));
    expect(cells).toEqual(expect.arrayContaining(['Asha Verma', 'Rosa Verma', 'Face photos (4)', 'Attendance (1)', 'paper']));

    await privacy.loadLog({ studentId: asha.id });
    expect(privacy.log.filter((l) => l.kind === 'access-export')).toHaveLength(2);
  });

  it('names who took a session pulled from the server in words, never by their account id', async () => {
    await enrolEveryone();
    const teacherId = '9a9a9a9a-1111-4222-8333-444455556666';
    await db.sessions.toCollection().modify({ takenBy: teacherId });
    await usePrivacyStore().exportAccess(asha, 'json');
    expect(saved[0]!.content).not.toContain(teacherId);
    expect(JSON.parse(saved[0]!.content as string).attendance.marks[0].takenBy).toBe('A teacher at the school');
  });
});
