import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { addStudents, createClass, type StudentRow } from '@/db/classes';
import { recordConsents } from '@/db/consents';
import { RollcallDb } from '@/db/db';
import { addFaceSamples, listFaceSamples } from '@/db/faceSamples';
import { groupFolderRefusals } from '@/enrolment/folderReport';
import { CURRENT_DESCRIPTOR, serializeClassifier, trainClassifier } from '@/ml/classifier';
import { syntheticPeople } from '@/ml/classifier/syntheticFaces';
import type { Quality } from '@/ml/types';
import type { PhotoResult } from '@/ml/worker/protocol';
import { useEnrolmentStore } from './enrolment';
import { useClassModelsStore, type Trainer } from './classModels';
import { useFaceEngineStore } from './faceEngine';

// Crops are cut with OffscreenCanvas in the browser; the face each photo shows comes from the engine stub below.
vi.mock('@/ml/faceCrop', () => ({ cropFace: async () => new Blob([new Uint8Array([0xff, 0xd8])], { type: 'image/jpeg' }) }));

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
const blank = { guardianName: '', guardianPhone: '', email: '', studentEmail: '' };

/** A photo in a student's folder, as the folder picker hands it over. */
function photo(folder: string, name: string): File {
  const file = new File([new Uint8Array([1, 2, 3])], name, { type: 'image/jpeg' });
  Object.defineProperty(file, 'webkitRelativePath', { value: `class/${folder}/${name}` });
  return file;
}

/** The engine sees in each file the descriptor given for its name. */
function engineSees(faces: Record<string, number[]>) {
  const engine = useFaceEngineStore();
  vi.spyOn(engine, 'describeFaces').mockImplementation(async (image) => ({
    width: 320, height: 320, originalWidth: 320, originalHeight: 320, scale: 1, backend: 'cpu', detector: 'ssd', timings: {} as PhotoResult['timings'],
    faces: [{ box: { x: 80, y: 80, width: 160, height: 160 }, score: 0.99, landmarks: [], quality, descriptor: faces[(image as File).name]! }],
    augmented: [],
  }));
}

let db: RollcallDb;
let classId: string;
let howard: StudentRow;
let penny: StudentRow;

beforeEach(async () => {
  setActivePinia(createPinia());
  db = new RollcallDb(`enrolment-folder-${crypto.randomUUID()}`);
  await db.settings.put({ key: 'deviceId', value: 'device-test' });
  useClassModelsStore().configure({ trainer: inProcess, db });
  useEnrolmentStore().configure({ db });
  classId = (await createClass(db, { name: '7B' })).id;
  [howard, penny] = (await addStudents(db, classId, [
    { rollNo: '1', fullName: 'Howard Wu', ...blank },
    { rollNo: '2', fullName: 'Penny Hill', ...blank },
  ])) as [StudentRow, StudentRow];
});

afterEach(async () => {
  vi.restoreAllMocks();
  await db.delete();
});

async function consentFor(students: StudentRow[]) {
  const form = { givenByName: 'A parent', relationship: 'parent' as const, method: 'paper' as const, noticeVersion: '2026-01', givenAt: '2026-01-05T00:00:00.000Z' };
  await recordConsents(db, students.map((s) => ({ ...form, studentId: s.id })), 'Ms K');
}

describe('a folder imported before consent is recorded', () => {
  it('is one line for the teacher: how many photos, how many students, and who they are', async () => {
    const files = ['1', '2'].flatMap((roll) => [1, 2, 3].map((n) => photo(roll, `${roll}-${n}.jpg`)));
    const report = await useEnrolmentStore().importFolder(classId, files);
    expect(report.enrolled).toBe(0);
    const { noConsent, others } = groupFolderRefusals(report.refused);
    expect(noConsent).toEqual({
      photos: 6,
      students: [{ id: howard.id, name: 'Howard Wu' }, { id: penny.id, name: 'Penny Hill' }],
      text: '6 photos not kept: no consent recorded for 2 students.',
    });
    expect(others).toEqual([]);
  });
});

describe('the photos of one folder held back for the teacher', () => {
  it('retrain the class once, when the last of them is answered, however slowly', async () => {
    await consentFor([howard, penny]);
    for (const [i, s] of [howard, penny].entries()) {
      await addFaceSamples(db, photosOf(i).map((descriptor) => ({ studentId: s.id, classId, descriptor, descriptorVersion: CURRENT_DESCRIPTOR.version, crop, quality, source: 'upload' as const })));
    }
    // Penny's photo in Howard's folder, and Howard's in Penny's.
    const [pennyAgain] = people.draw(1, 1) as [number[]];
    const [howardAgain] = people.draw(0, 1) as [number[]];
    engineSees({ 'a.jpg': pennyAgain, 'b.jpg': howardAgain });
    const enrolment = useEnrolmentStore();
    const models = useClassModelsStore();
    const retrains = vi.spyOn(models, 'scheduleRetrain');
    const report = await enrolment.importFolder(classId, [photo('1', 'a.jpg'), photo('2', 'b.jpg')]);
    expect(report.doubtful).toHaveLength(2);
    retrains.mockClear();

    await enrolment.keepDoubtful(report.doubtful[0]!);
    // The teacher takes a while over the next one: no model is trained meanwhile.
    await new Promise((r) => setTimeout(r, 50));
    expect(retrains).not.toHaveBeenCalled();
    enrolment.dropDoubtful(report.doubtful[1]!);
    await vi.waitFor(() => expect(retrains).toHaveBeenCalledOnce());
    await models.settled(classId);
    expect(models.versions[classId]).toHaveLength(1);
    expect(await listFaceSamples(db, howard.id)).toHaveLength(4);
  });
});
