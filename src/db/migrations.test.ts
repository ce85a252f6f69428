/**
 * Upgrades of the on-device database from every earlier version, with data.
 * The old schemas are copied from the history of db.ts (`git log -p
 * src/db/db.ts`) and declared with plain Dexie, as the app of that day did;
 * the current RollcallDb then opens the same database.
 */
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { addStudents, createClass, listClasses, listStudents, updateClass, type ClassRow, type StudentRow } from './classes';
import { RollcallDb } from './db';
import { activeModelVersion, listModelVersions, type ModelVersionRow } from './modelVersions';
import { listClassNegatives, listFaceSamples, sealPlaintextFaceData, type FaceSampleRow, type NegativeRow } from './faceSamples';
import { createSession, listMarks, listRecognitionEvents, saveMarks, type MarkRow, type RecognitionEventRow, type SessionRow } from './sessions';
import { getSetting } from './settings';

/** 3f6ddf1: model versions only. */
const V1 = {
  modelVersions: 'id, scope, [scope+createdAt], status',
};

/** 569b702: classes, rosters, face samples, sessions, marks, the recognition log, settings. */
const V2 = {
  classes: 'id, name, updatedAt',
  students: 'id, classId, [classId+rollNo], updatedAt',
  faceSamples: 'id, studentId, classId, updatedAt',
  negatives: 'id, studentId, classId',
  sessions: 'id, classId, [classId+startsAt], updatedAt',
  marks: 'id, sessionId, studentId, &[sessionId+studentId], updatedAt',
  recognitionEvents: 'id, sessionId, at',
  settings: 'key',
};

/** 6a2022f: the outbox, the pull cursor, replaced marks. */
const V3 = {
  outbox: '++seq, table, rowId, createdAt',
  syncState: 'key',
  markHistory: '++seq, markId, sessionId',
};

const names: string[] = [];
const opened: Dexie[] = [];
const newName = () => {
  const name = `migration-${crypto.randomUUID()}`;
  names.push(name);
  return name;
};
afterEach(async () => {
  for (const db of opened.splice(0)) db.close();
  for (const name of names.splice(0)) await Dexie.delete(name);
});

/** A database as an old build of the app declared it. */
async function openOld(name: string, version: 1 | 2 | 3): Promise<Dexie> {
  const db = new Dexie(name);
  db.version(1).stores(V1);
  if (version >= 2) db.version(2).stores(V2);
  if (version >= 3) db.version(3).stores(V3);
  await db.open();
  opened.push(db);
  return db;
}

async function openCurrent(name: string): Promise<RollcallDb> {
  const db = new RollcallDb(name);
  await db.open();
  opened.push(db);
  return db;
}

/** Every store with its key and indexes, as IndexedDB itself has them. */
function shape(db: Dexie) {
  const idb = db.backendDB();
  const tx = idb.transaction([...idb.objectStoreNames], 'readonly');
  return [...idb.objectStoreNames].sort().map((store) => {
    const s = tx.objectStore(store);
    const indexes = [...s.indexNames].sort().map((i) => {
      const index = s.index(i);
      return { name: i, keyPath: index.keyPath, unique: index.unique, multiEntry: index.multiEntry };
    });
    return { store, keyPath: s.keyPath, autoIncrement: s.autoIncrement, indexes };
  });
}

const at = '2026-10-01T08:00:00.000Z';
const modelVersion = (id: string, status: ModelVersionRow['status']): ModelVersionRow => ({
  id,
  scope: 'class-7b',
  createdAt: id === 'mv-1' ? '2026-09-01T08:00:00.000Z' : '2026-09-02T08:00:00.000Z',
  updatedAt: at,
  status,
  statusReason: 'trained',
  classes: 3,
  samples: 15,
  trainingMs: 40,
  backend: 'wasm',
  accuracy: 0.97,
  far: 0.01,
  frr: 0.03,
  descriptorVersion: 'faceapi-128',
  artifact: new Uint8Array([7, 8, 9]),
});

const klass: ClassRow = { id: 'c-7b', name: '7B', lateAfterMinutes: 10, defaultCountry: 'IN', createdAt: at, updatedAt: at, deletedAt: null };
const student: StudentRow = {
  id: 's-asha',
  classId: klass.id,
  rollNo: '1',
  fullName: 'Asha',
  guardianName: 'G',
  guardianPhone: '+919812345678',
  email: 'g@example.com',
  studentEmail: '',
  createdAt: at,
  updatedAt: at,
  deletedAt: null,
};
const sample: FaceSampleRow = {
  id: 'f-1',
  studentId: student.id,
  classId: klass.id,
  descriptor: [0.1, 0.2, 0.3],
  descriptorVersion: 'faceapi-128',
  crop: null,
  quality: { sizePx: 120, sharpness: 80, brightness: 120, yaw: 0, pitch: 0, roll: 0, ok: true, issues: [] },
  source: 'upload',
  createdAt: at,
  updatedAt: at,
  deletedAt: null,
};
const negative: NegativeRow = { id: 'n-1', studentId: student.id, classId: klass.id, descriptor: [0.9], descriptorVersion: 'faceapi-128', createdAt: at };
const session: SessionRow = {
  id: 'sess-1',
  classId: klass.id,
  startsAt: at,
  takenBy: 'Ms K',
  mode: 'photo',
  facesDetected: 1,
  photos: 1,
  device: 'old-phone',
  finalisedAt: null,
  createdAt: at,
  updatedAt: at,
  deletedAt: null,
};
const mark: MarkRow = { id: 'm-1', sessionId: session.id, studentId: student.id, status: 'present', source: 'auto', confidence: 0.93, markedAt: at, device: 'old-phone', updatedAt: at };
const event: RecognitionEventRow = { id: 'e-1', sessionId: session.id, at, studentId: student.id, confidence: 0.93, device: 'old-phone', box: { x: 1, y: 2, width: 30, height: 40 }, reason: '' };

async function fillV1(db: Dexie) {
  await db.table('modelVersions').bulkAdd([modelVersion('mv-1', 'inactive'), modelVersion('mv-2', 'active')]);
}

async function fillV2(db: Dexie) {
  await db.table('classes').add(klass);
  await db.table('students').add(student);
  await db.table('faceSamples').add(sample);
  await db.table('negatives').add(negative);
  await db.table('sessions').add(session);
  await db.table('marks').add(mark);
  await db.table('recognitionEvents').add(event);
  await db.table('settings').bulkAdd([
    { key: 'deviceId', value: 'device-old' },
    { key: 'autoMarkConfidence', value: 0.85 },
  ]);
}

async function expectV1Data(db: RollcallDb) {
  expect((await listModelVersions(db, 'class-7b')).map((r) => r.id)).toEqual(['mv-2', 'mv-1']);
  const active = await activeModelVersion(db, 'class-7b');
  expect(active?.id).toBe('mv-2');
  expect([...active!.artifact]).toEqual([7, 8, 9]);
}

async function expectV2Data(db: RollcallDb) {
  expect(await listClasses(db)).toEqual([klass]);
  expect(await listStudents(db, klass.id)).toEqual([student]);
  expect(await db.faceSamples.where('studentId').equals(student.id).toArray()).toEqual([sample]);
  expect(await db.negatives.where('classId').equals(klass.id).toArray()).toEqual([negative]);
  expect(await db.sessions.where('[classId+startsAt]').equals([klass.id, at]).toArray()).toEqual([session]);
  expect(await listMarks(db, session.id)).toEqual([mark]);
  expect(await listRecognitionEvents(db, session.id)).toEqual([event]);
  expect(await getSetting(db, 'deviceId', '')).toBe('device-old');
  expect(await getSetting(db, 'autoMarkConfidence', 0.8)).toBe(0.85);
}

/** The tables added since work as the app uses them: changes reach the outbox, marks stay one per student. */
async function expectNewTablesWork(db: RollcallDb) {
  const fresh = await openCurrent(newName());
  expect(db.verno).toBe(fresh.verno);
  expect(shape(db)).toEqual(shape(fresh));

  const c = await createClass(db, { name: '8A' });
  const [ben] = await addStudents(db, c.id, [{ rollNo: '1', fullName: 'Ben', guardianName: '', guardianPhone: '', email: '', studentEmail: '' }]);
  const s = await createSession(db, { classId: c.id, startsAt: '2026-11-20T08:00:00.000Z', takenBy: 'Ms K', mode: 'live', device: 'new-phone' });
  await saveMarks(db, s.id, [{ studentId: ben!.id, status: 'present', source: 'auto', confidence: 0.9, markedAt: '2026-11-20T08:01:00.000Z' }], 'new-phone');
  const outbox = await db.outbox.orderBy('seq').toArray();
  expect(outbox.map((m) => `${m.table} ${m.op}`)).toEqual(['classes upsert', 'students upsert', 'sessions upsert', 'attendance_marks upsert']);
  expect(outbox.every((m, i) => i === 0 || m.seq! > outbox[i - 1]!.seq!)).toBe(true);
  await expect(db.marks.add({ ...mark, id: 'm-2', sessionId: s.id, studentId: ben!.id })).rejects.toThrow();
  await db.syncState.put({ key: 'pullCursor', value: 'abc' });
  expect((await db.syncState.get('pullCursor'))?.value).toBe('abc');
  await db.markHistory.add({ markId: 'm-x', sessionId: s.id, studentId: ben!.id, mark, replacedAt: at });
  expect(await db.markHistory.where('sessionId').equals(s.id).count()).toBe(1);
}

describe('upgrading the on-device database', () => {
  it('from version 1 (model versions only) to the current version', async () => {
    const name = newName();
    const v1 = await openOld(name, 1);
    await fillV1(v1);
    v1.close();

    const db = await openCurrent(name);
    await expectV1Data(db);
    expect(await db.classes.count()).toBe(0);
    await expectNewTablesWork(db);
  });

  it('from version 2 (classes, sessions and marks, no outbox) to the current version', async () => {
    const name = newName();
    const v2 = await openOld(name, 2);
    await fillV1(v2);
    await fillV2(v2);
    v2.close();

    const db = await openCurrent(name);
    await expectV1Data(db);
    await expectV2Data(db);
    await expectNewTablesWork(db);
    // An old row edited after the upgrade goes to the outbox whole.
    await updateClass(db, klass.id, { name: '7 B' });
    const queued = await db.outbox.where('rowId').equals(klass.id).toArray();
    expect(queued.map((m) => m.row)).toEqual([{ id: klass.id, name: '7 B', late_after_minutes: 10, default_country: 'IN' }]);
  });

  it('from version 1 through version 2 to the current version, keeping what each held', async () => {
    const name = newName();
    const v1 = await openOld(name, 1);
    await fillV1(v1);
    v1.close();
    const v2 = await openOld(name, 2);
    expect(await v2.table('modelVersions').count()).toBe(2);
    await fillV2(v2);
    v2.close();

    const db = await openCurrent(name);
    await expectV1Data(db);
    await expectV2Data(db);
    await expectNewTablesWork(db);
  });

  it('from version 3 (outbox) to version 4: face data stays readable, then is sealed after opening', async () => {
    const name = newName();
    const v3 = await openOld(name, 3);
    await fillV1(v3);
    await fillV2(v3);
    await v3.table('syncState').put({ key: 'pullCursor', value: 'old-cursor' });
    v3.close();

    const db = await openCurrent(name);
    await expectV1Data(db);
    await expectV2Data(db);
    expect((await db.syncState.get('pullCursor'))?.value).toBe('old-cursor');
    expect(await db.consents.count()).toBe(0);
    expect(await db.privacyLog.count()).toBe(0);

    expect(await sealPlaintextFaceData(db)).toEqual({ faceSamples: 1, negatives: 1 });
    expect(await db.faceSamples.get(sample.id)).not.toHaveProperty('descriptor');
    expect(await listFaceSamples(db, student.id)).toEqual([sample]);
    expect(await listClassNegatives(db, klass.id)).toEqual([negative]);
    await expectNewTablesWork(db);
  });

  it('opens a current database again without change', async () => {
    const name = newName();
    const first = await openCurrent(name);
    await fillV1(first);
    await createClass(first, { name: '9C' });
    first.close();
    const again = await openCurrent(name);
    await expectV1Data(again);
    expect((await listClasses(again)).map((c) => c.name)).toEqual(['9C']);
    expect(await again.outbox.count()).toBe(1);
  });
});
