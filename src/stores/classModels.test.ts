import 'fake-indexeddb/auto';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createPinia, setActivePinia } from 'pinia';
import { addStudents, createClass, type StudentRow } from '@/db/classes';
import { recordConsents } from '@/db/consents';
import { RollcallDb } from '@/db/db';
import { addFaceSamples } from '@/db/faceSamples';
import { forgetDeviceKey } from '@/db/faceCrypto';
import { listModelVersions } from '@/db/modelVersions';
import { CURRENT_DESCRIPTOR, parseClassifier, serializeClassifier, trainClassifier, type TrainingSample } from '@/ml/classifier';
import { syntheticPeople } from '@/ml/classifier/syntheticFaces';
import type { Quality } from '@/ml/types';
import { useEnrolmentStore } from './enrolment';
import { RETRAIN_DELAY_MS, useClassModelsStore, type Trainer } from './classModels';

/** The worker's training, run in this process: same classifier code, no Worker in Node. */
const inProcess: Trainer = {
  async train(samples, call) {
    const c = await trainClassifier(samples, { negatives: call?.negatives });
    return { model: await serializeClassifier(c), meta: c.meta, operatingPoint: c.openSet.point };
  },
};

let db: RollcallDb;
let good: TrainingSample[];

beforeAll(async () => {
  await tf.setBackend('wasm');
  good = syntheticPeople({ classes: 6, perClass: 6, seed: 11 }).samples;
});

beforeEach(() => {
  setActivePinia(createPinia());
  db = new RollcallDb(`models-${crypto.randomUUID()}`);
});

afterEach(async () => {
  await db.delete();
});

/** Same photos, a third of them filed under the wrong student: held-out accuracy falls. */
function mislabelled(samples: TrainingSample[]): TrainingSample[] {
  const labels = [...new Set(samples.map((s) => s.label))];
  return samples.map((s, i) => (i % 3 === 0 ? { ...s, label: labels[(labels.indexOf(s.label) + 1) % labels.length]! } : s));
}

describe('models store', () => {
  it('activates the first model, rolls back a worse one with the reason, and rolls back by hand', async () => {
    const store = useClassModelsStore();
    store.configure({ trainer: inProcess, db });
    const first = await store.retrainNow('class-7b', { samples: good, negatives: [] });
    expect(first.status).toBe('active');
    expect(first.accuracy).toBeGreaterThan(0.9);
    expect((await parseClassifier(first.artifact)).meta.classes).toHaveLength(6);

    const worse = await store.retrainNow('class-7b', { samples: mislabelled(good), negatives: [] });
    expect(worse.accuracy!).toBeLessThan(first.accuracy! - 0.01);
    expect(worse.status).toBe('rejected');
    expect(worse.statusReason).toMatch(/^rolled back: held-out accuracy/);
    expect(store.versions['class-7b']!.find((v) => v.status === 'active')!.id).toBe(first.id);

    // Retrained on the same good photos: as accurate, so it replaces the first.
    const again = await store.retrainNow('class-7b', { samples: good, negatives: [] });
    expect(again.status).toBe('active');
    await store.rollBackTo('class-7b', first.id);
    const rows = await listModelVersions(db, 'class-7b');
    expect(rows).toHaveLength(3);
    expect(rows.filter((r) => r.status === 'active')).toEqual([expect.objectContaining({ id: first.id, statusReason: 'rolled back by hand' })]);
    expect(rows.find((r) => r.id === again.id)!.status).toBe('inactive');
  });

  it('trains once after a burst of enrolment edits, on the newest data', async () => {
    const store = useClassModelsStore();
    let calls = 0;
    store.configure({ trainer: { train: (s, call) => { calls++; return inProcess.train(s, call); } }, db });
    let current = good.slice(0, 24);
    const load = async () => ({ samples: current, negatives: [] });
    store.scheduleRetrain('class-9', load);
    await new Promise((r) => setTimeout(r, RETRAIN_DELAY_MS / 2));
    store.scheduleRetrain('class-9', load);
    current = good;
    store.scheduleRetrain('class-9', load);
    await store.settled('class-9');
    expect(calls).toBe(1);
    const rows = await listModelVersions(db, 'class-9');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.samples).toBe(good.length);
  });

  it('lists versions from what was stored beside them, without opening one: even once the device key is lost', async () => {
    const store = useClassModelsStore();
    store.configure({ trainer: inProcess, db });
    const first = await store.retrainNow('class-7b', { samples: good, negatives: [] });
    const decrypt = vi.spyOn(crypto.subtle, 'decrypt');
    try {
      await store.refresh('class-7b');
      expect(decrypt).not.toHaveBeenCalled();
    } finally {
      decrypt.mockRestore();
    }
    const explained = store.explanations['class-7b']![first.id];
    await db.deviceKeys.clear();
    forgetDeviceKey(db);
    setActivePinia(createPinia());
    const fresh = useClassModelsStore();
    fresh.configure({ trainer: inProcess, db });
    await fresh.refresh('class-7b');
    expect(fresh.versions['class-7b']!.map((v) => [v.id, v.status, v.classes])).toEqual([[first.id, 'active', 6]]);
    expect(fresh.explanations['class-7b']![first.id]).toEqual(explained);
  });

  it('a version stored without its list facts (an older app, another phone) is opened once to fill them', async () => {
    const store = useClassModelsStore();
    store.configure({ trainer: inProcess, db });
    const first = await store.retrainNow('class-7b', { samples: good, negatives: [] });
    const stored = (await db.modelVersions.get(first.id))!;
    await db.modelVersions.put({ ...stored, students: undefined, photos: undefined } as typeof stored);
    const decrypt = vi.spyOn(crypto.subtle, 'decrypt');
    try {
      await store.refresh('class-7b');
      expect(decrypt).toHaveBeenCalledTimes(1);
      await store.refresh('class-7b');
      expect(decrypt).toHaveBeenCalledTimes(1);
    } finally {
      decrypt.mockRestore();
    }
    expect(store.explanations['class-7b']![first.id]!.text).toBe('In use: the first model for this class.');
    expect((await db.modelVersions.get(first.id))!.students).toHaveLength(6);
  });

  it('reports a training failure instead of throwing from the timer', async () => {
    const store = useClassModelsStore();
    store.configure({ trainer: inProcess, db });
    store.scheduleRetrain('class-empty', async () => ({ samples: [], negatives: [] }));
    await store.settled('class-empty');
    expect(store.lastError).toBeTruthy();
    expect(await listModelVersions(db, 'class-empty')).toHaveLength(0);
  });
});

describe('students the model in use does not know', () => {
  const quality: Quality = { sizePx: 120, sharpness: 80, brightness: 120, yaw: 0, pitch: 0, roll: 0, ok: true, issues: [] };
  const people = syntheticPeople({ classes: 5, perClass: 6, seed: 5 });
  const NAMES = ['Ana Lima', 'Bea Costa', 'Cleo Ortiz', 'Dina Reyes', 'Howard Wolowitz', 'Eli Park', 'Finn Hale'];
  let classId: string;
  let students: StudentRow[];
  const byName = (name: string) => students.find((s) => s.fullName === name)!;

  async function enrol(name: string, descriptors: number[][]) {
    const s = byName(name);
    await addFaceSamples(db, descriptors.map((descriptor) => ({ studentId: s.id, classId, descriptor, descriptorVersion: CURRENT_DESCRIPTOR.version, crop: null, quality, source: 'upload' as const })));
  }
  const reasons = async () => (await useClassModelsStore().studentsMissingFromModel(classId)).map((m) => [m.fullName, m.reason]);

  beforeEach(async () => {
    await db.settings.put({ key: 'deviceId', value: 'device-test' });
    useClassModelsStore().configure({ trainer: inProcess, db });
    useEnrolmentStore().configure({ db });
    classId = (await createClass(db, { name: '7B' })).id;
    students = await addStudents(db, classId, NAMES.map((fullName, i) => ({ rollNo: String(i + 1), fullName, guardianName: '', guardianPhone: '', email: '', studentEmail: '' })));
    const form = { givenByName: 'A parent', relationship: 'parent' as const, method: 'paper' as const, noticeVersion: '2026-01', givenAt: '2026-01-05T00:00:00.000Z' };
    await recordConsents(db, students.map((s) => ({ ...form, studentId: s.id })), 'Ms K');
    for (const [i, name] of NAMES.slice(0, 4).entries()) await enrol(name, people.draw(i, 6));
    await enrol('Eli Park', people.draw(4, 1));
  });

  it('names a look-alike rolled back automatically, says why on the Model tab, and then a pending retrain', async () => {
    const models = useClassModelsStore();
    const enrolment = useEnrolmentStore();
    const first = await models.retrainNow(classId, await enrolment.trainingData(classId));
    expect(first.status).toBe('active');
    expect(await reasons()).toEqual([
      ['Howard Wolowitz', 'no photos'],
      ['Eli Park', 'too few photos'],
      ['Finn Hale', 'no photos'],
    ]);

    // Photos of Ana filed as a new student: the class is recognised worse, so the new version is not used.
    await enrol('Howard Wolowitz', people.draw(0, 6));
    const worse = await models.retrainNow(classId, await enrolment.trainingData(classId));
    expect(worse.status).toBe('rejected');
    const missing = await models.studentsMissingFromModel(classId);
    expect(missing.map((m) => [m.shortName, m.reason, m.versionId ?? null])).toEqual([
      ['Howard W.', 'rolled back', worse.id],
      ['Eli P.', 'too few photos', null],
      ['Finn H.', 'no photos', null],
    ]);
    const why = models.explanations[classId]![worse.id]!;
    expect(why.text).toMatch(/^Rolled back: it recognised the class worse \(\d+% vs 100%\)\. New in it: photos of Howard Wolowitz\.$/);
    expect(why.advice).toContain('Remove the doubtful photo of Howard Wolowitz');
    expect(models.explanations[classId]![first.id]!.text).toBe('In use: the first model for this class.');

    // A retrain on its way will include him, whatever the last attempt did.
    models.scheduleRetrain(classId, async () => enrolment.trainingData(classId));
    expect((await models.studentsMissingFromModel(classId))[0]).toMatchObject({ fullName: 'Howard Wolowitz', reason: 'retrain pending' });
    await models.settled(classId);
  });

  it('names the students of a newer version left behind when an older one is chosen by hand', async () => {
    const models = useClassModelsStore();
    const enrolment = useEnrolmentStore();
    const first = await models.retrainNow(classId, await enrolment.trainingData(classId));
    await enrol('Eli Park', people.draw(4, 2));
    const second = await models.retrainNow(classId, await enrolment.trainingData(classId));
    expect(second.status).toBe('active');
    expect((await reasons()).map(([n]) => n)).toEqual(['Howard Wolowitz', 'Finn Hale']);
    await models.rollBackTo(classId, first.id);
    expect(await reasons()).toEqual([
      ['Howard Wolowitz', 'no photos'],
      ['Eli Park', 'rolled back'],
      ['Finn Hale', 'no photos'],
    ]);
    expect(models.explanations[classId]![second.id]).toEqual({
      text: 'Set aside: another model was chosen by hand.',
      advice: 'Tap “Use this” to go back to it. It knows Eli Park, whom today’s face model does not.',
    });
  });
});
