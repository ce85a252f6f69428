import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { addStudents, createClass, deleteStudent, type StudentRow } from '@/db/classes';
import { recordConsents } from '@/db/consents';
import { RollcallDb } from '@/db/db';
import { addFaceSamples, listFaceSamples } from '@/db/faceSamples';
import { CURRENT_DESCRIPTOR, serializeClassifier, trainClassifier } from '@/ml/classifier';
import { syntheticPeople } from '@/ml/classifier/syntheticFaces';
import type { Quality } from '@/ml/types';
import type { PhotoResult } from '@/ml/worker/protocol';
import { useEnrolmentStore } from './enrolment';
import { useClassModelsStore, type Trainer } from './classModels';

/** The worker's training, run in this process. */
const inProcess: Trainer = {
  async train(samples, call) {
    const c = await trainClassifier(samples, { negatives: call?.negatives, extraSamples: call?.extraSamples });
    return { model: await serializeClassifier(c), meta: c.meta, operatingPoint: c.openSet.point };
  },
};

const quality: Quality = { sizePx: 120, sharpness: 80, brightness: 120, yaw: 0, pitch: 0, roll: 0, ok: true, issues: [] };
const people = syntheticPeople({ classes: 2, perClass: 3, seed: 21 });
const photosOf = (i: number): number[][] => people.samples.filter((s) => s.label === `p${i}`).map((s) => Array.from(s.descriptor));
const crop = new Blob([new Uint8Array([0xff, 0xd8, 0xff, 1])], { type: 'image/jpeg' });

/** What the guided camera hands over for one shot of one face. */
const shot = (descriptor: number[]): PhotoResult => ({
  width: 320,
  height: 320,
  originalWidth: 320,
  originalHeight: 320,
  scale: 1,
  faces: [{ box: { x: 80, y: 80, width: 160, height: 160 }, score: 0.99, landmarks: [], quality, descriptor }],
  backend: 'cpu',
  detector: 'ssd',
  timings: {} as PhotoResult['timings'],
});

let db: RollcallDb;
let classId: string;
let howard: StudentRow;
let penny: StudentRow;

beforeEach(async () => {
  setActivePinia(createPinia());
  db = new RollcallDb(`enrolment-${crypto.randomUUID()}`);
  await db.settings.put({ key: 'deviceId', value: 'device-test' });
  useClassModelsStore().configure({ trainer: inProcess, db });
  useEnrolmentStore().configure({ db });
  classId = (await createClass(db, { name: '7B' })).id;
  [howard, penny] = (await addStudents(db, classId, [
    { rollNo: '1', fullName: 'Howard Wu', guardianName: '', guardianPhone: '', email: '', studentEmail: '' },
    { rollNo: '2', fullName: 'Penny Hill', guardianName: '', guardianPhone: '', email: '', studentEmail: '' },
  ])) as [StudentRow, StudentRow];
  const form = { givenByName: 'A parent', relationship: 'parent' as const, method: 'paper' as const, noticeVersion: '2026-01', givenAt: '2026-01-05T00:00:00.000Z' };
  await recordConsents(db, [howard, penny].map((s) => ({ ...form, studentId: s.id })), 'Ms K');
  for (const [i, s] of [howard, penny].entries()) {
    await addFaceSamples(db, photosOf(i).map((descriptor) => ({ studentId: s.id, classId, descriptor, descriptorVersion: CURRENT_DESCRIPTOR.version, crop, quality, source: 'upload' as const })));
  }
});

afterEach(async () => {
  await db.delete();
});

const trainedOn = async () => (await useEnrolmentStore().trainingData(classId)).samples.filter((s) => s.label === howard.id).map((s) => s.descriptor);

describe('a classmate’s photo offered as a student’s', () => {
  it('is held back, not stored and not trained on, with a question naming both', async () => {
    const enrolment = useEnrolmentStore();
    const [pennyAgain] = people.draw(1, 1) as [number[]];
    const outcome = await enrolment.enrolCaptured(howard, shot(pennyAgain), crop);
    expect(outcome.ok).toBe(false);
    expect(outcome.doubtful).toMatchObject({ studentId: howard.id, question: 'This looks like Penny Hill, not Howard Wu. Keep it anyway?', doubt: { kind: 'looks-like', otherStudentId: penny.id } });
    expect(outcome.messages).toEqual(['This looks like Penny Hill, not Howard Wu.']);
    expect(await listFaceSamples(db, howard.id)).toHaveLength(3);
    expect(await trainedOn()).toHaveLength(3);
    expect(enrolment.doubtful.map((d) => d.id)).toEqual([outcome.doubtful!.id]);
  });

  it('“Don’t keep” leaves the student’s photos as they were', async () => {
    const enrolment = useEnrolmentStore();
    const outcome = await enrolment.enrolCaptured(howard, shot(people.draw(1, 1)[0]!), crop);
    const before = (await listFaceSamples(db, howard.id)).map((s) => s.id);
    enrolment.dropDoubtful(outcome.doubtful!.id);
    expect(enrolment.doubtful).toEqual([]);
    expect((await listFaceSamples(db, howard.id)).map((s) => s.id)).toEqual(before);
    await expect(enrolment.keepDoubtful(outcome.doubtful!.id)).rejects.toThrow(/no longer waiting/);
  });

  it('“Keep” stores it marked as doubtful, trains on it, and it can be removed', async () => {
    const enrolment = useEnrolmentStore();
    const [pennyAgain] = people.draw(1, 1) as [number[]];
    const outcome = await enrolment.enrolCaptured(howard, shot(pennyAgain), crop);
    const kept = await enrolment.keepDoubtful(outcome.doubtful!.id);
    expect(kept.doubtful).toMatchObject({ kind: 'looks-like', otherStudentId: penny.id, keptAt: expect.any(String) });
    const stored = await listFaceSamples(db, howard.id);
    expect(stored).toHaveLength(4);
    expect(stored.find((s) => s.id === kept.id)?.doubtful?.otherStudentId).toBe(penny.id);
    expect(await trainedOn()).toContainEqual(pennyAgain);
    expect(enrolment.doubtful).toEqual([]);

    await enrolment.loadSamples(howard.id);
    expect(enrolment.sampleBadges('Howard Wu')).toEqual({ [kept.id]: 'Doubtful: looks like Penny Hill' });
    await enrolment.removeSample(kept);
    expect(enrolment.sampleBadges('Howard Wu')).toEqual({});
    expect(await listFaceSamples(db, howard.id)).toHaveLength(3);
    expect(await trainedOn()).not.toContainEqual(pennyAgain);
  });

  it('is not kept for a student taken off the roster meanwhile', async () => {
    const enrolment = useEnrolmentStore();
    const outcome = await enrolment.enrolCaptured(howard, shot(people.draw(1, 1)[0]!), crop);
    await deleteStudent(db, howard.id);
    await expect(enrolment.keepDoubtful(outcome.doubtful!.id)).rejects.toThrow('Howard Wu is no longer in this class; the photo was not kept.');
    expect(enrolment.doubtful).toEqual([]);
    // Taking him off the roster erased his photos; the held one did not come back.
    expect(await listFaceSamples(db, howard.id)).toEqual([]);
  });

  it('a face like nobody enrolled is held back as unlike the student', async () => {
    const outcome = await useEnrolmentStore().enrolCaptured(howard, shot(people.draw(7, 1)[0]!), crop);
    expect(outcome.doubtful?.question).toBe('This looks unlike Howard Wu’s other photos. Keep it anyway?');
    expect(await listFaceSamples(db, howard.id)).toHaveLength(3);
  });

  it('another photo of the student is kept at once', async () => {
    const [howardAgain] = people.draw(0, 1) as [number[]];
    const outcome = await useEnrolmentStore().enrolCaptured(howard, shot(howardAgain), crop);
    expect(outcome).toMatchObject({ ok: true });
    expect(outcome.doubtful).toBeUndefined();
    expect(outcome.sample?.doubtful).toBeUndefined();
    expect(await trainedOn()).toContainEqual(howardAgain);
  });
});

describe('reading the class’s face data', () => {
  /** The stored faces WebCrypto was asked to open, by sealed value (faceCrypto binds each to its row and field). */
  function countOpened() {
    const spy = vi.spyOn(crypto.subtle, 'decrypt');
    return {
      faces: () => spy.mock.calls.map(([params]) => new TextDecoder().decode((params as AesGcmParams).additionalData as Uint8Array)).filter((c) => c.includes('faceSamples/')),
      restore: () => spy.mockRestore(),
    };
  }

  it('opens each stored face at most once for photos enrolled and the retrain after them, and no crop', async () => {
    const opened = countOpened();
    try {
      for (const d of people.draw(0, 2)) expect((await useEnrolmentStore().enrolCaptured(howard, shot(d), crop)).ok).toBe(true);
      await useClassModelsStore().settled(classId);
      expect(useClassModelsStore().versions[classId]).toHaveLength(1);
      const faces = opened.faces();
      expect(faces.filter((c) => c.endsWith('/crop'))).toEqual([]);
      expect(faces.length).toBe(new Set(faces).size);
      // The six stored before; the two enrolled here the store already knows.
      expect(faces.length).toBeLessThanOrEqual(6);
    } finally {
      opened.restore();
    }
  });
});
