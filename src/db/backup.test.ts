import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Table } from 'dexie';
import { RollcallDb } from './db';
import { BACKUP_FORMAT_VERSION, BackupError, backupFileName, exportBackup, readBackup, restoreBackup, type BackupErrorCode } from './backup';
import { decodeValue, encodeValue } from './backupValues';
import { listFaceSamples, openFaceRowsForExport, sealPlaintextFaceData, type FaceSampleRow } from './faceSamples';
import { getModelVersion, openModelVersion, type ModelVersionRow } from './modelVersions';
import type { ClassRow, StudentRow } from './classes';
import type { OutboxRow } from './outbox/enqueueMutation';
import type { MarkRow, SessionRow } from './sessions';
import type { Quality } from '@/ml/types';

const dbs: RollcallDb[] = [];
const freshDb = () => {
  const db = new RollcallDb(`backup-${crypto.randomUUID()}`);
  dbs.push(db);
  return db;
};
let source: RollcallDb;
beforeEach(() => {
  source = freshDb();
});
afterEach(async () => {
  await Promise.all(dbs.splice(0).map((db) => db.delete()));
});

const at = '2026-03-04T08:00:00.000Z';
const quality: Quality = { sizePx: 120, sharpness: 80, brightness: 120, yaw: 0, pitch: 0, roll: 0, ok: true, issues: [] };
const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 255, 128, 7]);

const cls = (id: string, name: string): ClassRow => ({ id, name, lateAfterMinutes: 10, defaultCountry: 'IN', createdAt: at, updatedAt: at, deletedAt: null });
const student = (id: string, classId: string, rollNo: string): StudentRow => ({
  id, classId, rollNo, fullName: `Student ${rollNo}`, guardianName: 'G', guardianPhone: '+919812345678', email: '', studentEmail: '', createdAt: at, updatedAt: at,
});
const session = (id: string, classId: string): SessionRow => ({
  id, classId, startsAt: at, takenBy: 'Ms K', mode: 'photo', facesDetected: 2, photos: 1, device: 'device-old', finalisedAt: null, createdAt: at, updatedAt: at, deletedAt: null,
});
const mark = (id: string, sessionId: string, studentId: string): MarkRow => ({
  id, sessionId, studentId, status: 'present', source: 'auto', confidence: 0.93, markedAt: at, device: 'device-old', updatedAt: at,
});
const outbox = (clientId: string): OutboxRow => ({
  clientId, table: 'classes', op: 'upsert', rowId: 'c1', row: { id: 'c1', name: 'Year 7' }, clientUpdatedAt: at, createdAt: at, attempts: 0,
});

/** One or more rows in every table, with every kind of binary value the app stores or might. */
async function fillEveryTable(db: RollcallDb) {
  const sample: FaceSampleRow = {
    id: 'f1', studentId: 's1', classId: 'c1', descriptor: [0.125, -0.5, 1e-7], descriptorVersion: 'v1', augmented: [[0.1, 0.2]],
    crop: new Blob([jpeg], { type: 'image/jpeg' }), quality, source: 'camera', createdAt: at, updatedAt: at,
  };
  const model: ModelVersionRow = {
    id: 'mv1', scope: 'c1', createdAt: at, updatedAt: at, status: 'active', statusReason: 'first', classes: 2, samples: 12, trainingMs: 40, backend: 'wasm',
    accuracy: 0.9, precision: 0.91, recall: null, far: 0.01, frr: 0.05, descriptorVersion: 'v1', artifact: new Uint8Array([0, 1, 2, 250, 251, 255]),
  };
  await db.classes.bulkAdd([cls('c1', 'Year 7'), cls('c2', 'Year 8')]);
  await db.students.bulkAdd([student('s1', 'c1', '1'), student('s2', 'c1', '2')]);
  await db.faceSamples.bulkAdd([sample, { ...sample, id: 'f2', crop: null }]);
  await db.negatives.add({ id: 'n1', studentId: 's1', classId: 'c1', descriptor: [0.3], descriptorVersion: 'v1', createdAt: at });
  await db.sessions.add(session('se1', 'c1'));
  await db.marks.bulkAdd([mark('m1', 'se1', 's1'), { ...mark('m2', 'se1', 's2'), confidence: null, source: 'manual', status: 'absent' }]);
  await db.recognitionEvents.add({ id: 'r1', sessionId: 'se1', at, studentId: null, confidence: 0.2, device: 'device-old', box: { x: 1, y: 2, width: 3, height: 4 }, reason: 'unknown' });
  await db.settings.bulkAdd([
    { key: 'teacherName', value: 'Ms K' },
    { key: 'deviceId', value: 'device-old' },
    // Values JSON cannot hold, and an object that looks like one of the file's tags.
    { key: 'odd', value: { f32: new Float32Array([1.5, -0, NaN]), sub: new Float64Array([1, 2, 3, 4]).subarray(1, 3), buf: new Uint16Array([513]).buffer, when: new Date(at), inf: -Infinity, $rollcall: 'blob', tags: new Set(['a']), map: new Map([['k', 1]]) } },
  ]);
  await db.modelVersions.add(model);
  await db.outbox.bulkAdd([outbox('cl-1'), { ...outbox('cl-2'), attempts: 3, lastError: 'offline' }]);
  await db.syncState.add({ key: 'pullCursor', value: '2026-03-04T07:00:00Z' });
  await db.markHistory.add({ markId: 'm1', sessionId: 'se1', studentId: 's1', mark: mark('m1', 'se1', 's1'), replacedAt: at });
  await db.consents.add({
    id: 'co1', studentId: 's1', classId: 'c1', givenByName: 'G', relationship: 'parent', method: 'paper', noticeVersion: '1', givenAt: at, withdrawnAt: null, recordedBy: 'Ms K', createdAt: at, updatedAt: at,
  });
  await db.schools.add({ id: 'sc1', name: 'Demo', keepFaceCrops: false, syncFaceTemplates: false, retentionDays: 365, autoMarkConfidence: 0.8, presentSmsConfidence: 0.8, lateAfterMinutes: 10, updatedAt: at });
  await db.disputes.add({ id: 'd1', markId: 'm1', openedBy: null, reason: 'I was there', requestedStatus: 'present', status: 'open', correctedStatus: null, resolution: null, resolvedBy: null, resolvedAt: null, createdAt: at, updatedAt: at });
  await db.excuseRequests.add({ id: 'e1', markId: 'm2', studentId: 's2', reason: 'sick', message: '1', status: 'pending', decidedBy: null, decidedAt: null, decisionNote: null, createdAt: at, updatedAt: at });
  await db.privacyLog.add({ at, kind: 'consent-recorded', studentId: 's1', classId: 'c1', summary: 'Consent recorded.', counts: { consents: 1 }, by: 'Ms K', device: 'device-old' });
  // As on a phone: face data sealed under the device key.
  await sealPlaintextFaceData(db);
}

/**
 * Every table but the device's own key, face data opened (each device seals
 * it under its own key), and Blobs turned into their type and bytes so
 * equality compares content.
 */
/** The device's key, and class photos under review sealed with it: never in a backup. */
const DEVICE_ONLY = ['deviceKeys', 'reviewPhotos'];

async function dump(db: RollcallDb): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of db.tables) {
    if (DEVICE_ONLY.includes(t.name)) continue;
    let rows = await t.toArray();
    if (t.name === 'faceSamples' || t.name === 'negatives') rows = await openFaceRowsForExport(db, t.name, rows);
    if (t.name === 'modelVersions') rows = await Promise.all(rows.map(async (r) => ({ ...(await openModelVersion(db, r as never)), students: undefined })));
    out[t.name] = await Promise.all(rows.map(async (r) => (r.crop instanceof Blob ? { ...r, crop: { type: r.crop.type, bytes: [...new Uint8Array(await r.crop.arrayBuffer())] } } : r)));
  }
  return out;
}

const faceSample = async (db: RollcallDb, id: string) => (await listFaceSamples(db, 's1')).find((r) => r.id === id);

async function backupText(db: RollcallDb) {
  return (await exportBackup(db, { now: new Date(at), appVersion: '0.1.0+test' })).text();
}

async function refusal(file: Blob | string, db: RollcallDb): Promise<BackupError> {
  const error = await readBackup(typeof file === 'string' ? new Blob([file]) : file, db).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BackupError);
  return error as BackupError;
}

const expectCode = async (file: Blob | string, db: RollcallDb, code: BackupErrorCode) => expect((await refusal(file, db)).code).toBe(code);

describe('export and restore', () => {
  it('round-trips every table exactly, binary fields included', async () => {
    await fillEveryTable(source);
    const before = await dump(source);
    for (const t of source.tables) if (!DEVICE_ONLY.includes(t.name)) expect(before[t.name]!.length, t.name).toBeGreaterThan(0);

    const file = await exportBackup(source, { now: new Date(at), appVersion: '0.1.0+test' });
    expect(file.type).toBe('application/json');
    const header = JSON.parse(await file.text());
    expect(header).toMatchObject({ format: 'rollcall-backup', formatVersion: BACKUP_FORMAT_VERSION, schemaVersion: source.verno, appVersion: '0.1.0+test', createdAt: at });

    const target = freshDb();
    const parsed = await readBackup(file, target);
    expect(parsed.summary).toMatchObject({ createdAt: at, schemaVersion: source.verno, counts: { classes: 2, students: 2, faceSamples: 2, marks: 2, settings: 3 } });
    expect(parsed.summary.totalRows).toBe(Object.values(before).reduce((n, rows) => n + rows.length, 0));
    expect(await target.classes.count()).toBe(0); // reading writes nothing

    const result = await restoreBackup(target, parsed, { mode: 'replace' });
    expect(result.added.classes).toBe(2);
    expect(result.skipped.settings).toBe(1); // the old phone's device id
    const after = await dump(target);
    expect(after).toEqual({ ...before, settings: before.settings!.filter((s) => (s as { key: string }).key !== 'deviceId') });

    const crop = (await faceSample(target, 'f1'))!.crop!;
    expect(crop).toBeInstanceOf(Blob);
    expect(new Uint8Array(await crop.arrayBuffer())).toEqual(jpeg);
    const artifact = (await getModelVersion(target, 'mv1'))!.artifact;
    expect(artifact).toBeInstanceOf(Uint8Array);
    expect([...artifact]).toEqual([0, 1, 2, 250, 251, 255]);
    const odd = (await target.settings.get('odd'))!.value as Record<string, unknown>;
    expect(odd.f32).toBeInstanceOf(Float32Array);
    expect(Object.is((odd.f32 as Float32Array)[1], -0)).toBe(true);
    expect(odd.sub).toEqual(new Float64Array([2, 3]));
    expect(odd.$rollcall).toBe('blob');

    // Auto-numbered tables carry on after the restored numbers.
    const seq = await target.outbox.add(outbox('cl-3'));
    expect(seq).toBeGreaterThan(Math.max(...(before.outbox as OutboxRow[]).map((r) => r.seq!)));
  });

  it('writes face data decrypted, never the device key, and a restore seals it under the restoring device’s key', async () => {
    await fillEveryTable(source);
    const stored = await source.faceSamples.get('f1');
    expect(stored).not.toHaveProperty('descriptor');
    expect(stored).not.toHaveProperty('crop');
    const doc = JSON.parse(await backupText(source));
    expect(doc.tables.faceSamples[0].descriptor).toEqual([0.125, -0.5, 1e-7]);
    expect(doc.tables.negatives[0].descriptor).toEqual([0.3]);
    expect(doc.tables).not.toHaveProperty('deviceKeys');
    expect(doc.tables).not.toHaveProperty('reviewPhotos');

    const target = freshDb();
    await restoreBackup(target, await readBackup(new Blob([JSON.stringify(doc)]), target), { mode: 'replace' });
    const restored = await target.faceSamples.get('f1');
    expect(restored).not.toHaveProperty('descriptor');
    expect(restored?.sealedFace?.data).toBeInstanceOf(ArrayBuffer);
    expect((await faceSample(target, 'f1'))?.descriptor).toEqual([0.125, -0.5, 1e-7]);
    expect(await target.deviceKeys.count()).toBe(1);
    // The source's key was not taken: its sealed bytes do not open on the target.
    await target.faceSamples.put(stored!);
    expect(await faceSample(target, 'f1')).toBeUndefined();
  });

  it('keeps the device id of the phone it restores onto', async () => {
    await fillEveryTable(source);
    const target = freshDb();
    await target.settings.add({ key: 'deviceId', value: 'device-new' });
    await restoreBackup(target, await readBackup(await exportBackup(source), target), { mode: 'replace' });
    expect((await target.settings.get('deviceId'))?.value).toBe('device-new');
    expect((await target.settings.get('teacherName'))?.value).toBe('Ms K');
  });

  it('backs up and restores an empty database', async () => {
    const parsed = await readBackup(await exportBackup(source), source);
    expect(parsed.summary.totalRows).toBe(0);
    await restoreBackup(source, parsed, { mode: 'replace' });
  });

  it('names the file by the local date', () => {
    expect(backupFileName(new Date(2026, 2, 4, 23, 30))).toBe('rollcall-backup-2026-03-04.json');
  });

  it('encodes tagged values without mistaking an ordinary object for a tag', () => {
    const value = { $rollcall: 'typed', kind: 'Float32Array', data: 'AAAA', nested: [{ $rollcall: 'date', value: 1 }] };
    const text = JSON.stringify(encodeValue(value, new Map()));
    expect(decodeValue(JSON.parse(text))).toEqual(value);
  });
});

describe('reading a file', () => {
  it('refuses a backup from a newer version of the app, saying to update', async () => {
    await fillEveryTable(source);
    const doc = JSON.parse(await backupText(source));
    const newerFormat = await refusal(JSON.stringify({ ...doc, formatVersion: BACKUP_FORMAT_VERSION + 1 }), source);
    expect(newerFormat.code).toBe('newer-version');
    expect(newerFormat.message).toMatch(/newer version of Rollcall.*Update the app/);
    await expectCode(JSON.stringify({ ...doc, schemaVersion: source.verno + 1 }), source, 'newer-version');
  });

  it('refuses files that are not backups', async () => {
    await expectCode('', source, 'not-a-backup');
    await expectCode('name,roll\nAsha,1\n', source, 'not-a-backup');
    await expectCode('{"hello":"world"}', source, 'not-a-backup');
    await expectCode('[1,2,3]', source, 'not-a-backup');
    await expectCode(new Blob([jpeg]), source, 'not-a-backup');
  });

  it('refuses a truncated or damaged file', async () => {
    await fillEveryTable(source);
    const text = await backupText(source);
    await expectCode(text.slice(0, Math.floor(text.length / 2)), source, 'corrupt');
    await expectCode(text.slice(0, -2), source, 'corrupt');
    const badBytes = text.replace(/"data":"[^"]+"/, '"data":"%%%"');
    await expectCode(badBytes, source, 'corrupt');
    const doc = JSON.parse(text);
    await expectCode(JSON.stringify({ ...doc, formatVersion: '1' }), source, 'corrupt');
    await expectCode(JSON.stringify({ ...doc, tables: { ...doc.tables, classes: [{ name: 'no id' }] }, counts: { ...doc.counts, classes: 1 } }), source, 'corrupt');
  });

  it('refuses row counts that do not match, and tables it does not know', async () => {
    await fillEveryTable(source);
    const doc = JSON.parse(await backupText(source));
    const short = await refusal(JSON.stringify({ ...doc, counts: { ...doc.counts, students: 3 } }), source);
    expect(short.code).toBe('count-mismatch');
    expect(short.message).toContain('3 rows of students but holds 2');
    await expectCode(JSON.stringify({ ...doc, tables: { ...doc.tables, marks: doc.tables.marks.slice(1) } }), source, 'count-mismatch');
    await expectCode(JSON.stringify({ ...doc, tables: { ...doc.tables, homework: [] }, counts: { ...doc.counts, homework: 0 } }), source, 'unknown-table');
  });
});

describe('replace', () => {
  it('is all or nothing: a row breaking the one-mark-per-student rule leaves the old data intact', async () => {
    await fillEveryTable(source);
    const parsed = await readBackup(await exportBackup(source), source);
    const target = freshDb();
    await target.classes.add(cls('local', 'Local class'));
    await target.marks.add(mark('local-mark', 'se9', 's9'));
    await target.settings.add({ key: 'teacherName', value: 'Mr L' });
    const before = await dump(target);

    // A second mark for s1 in se1: the unique [sessionId+studentId] index refuses it, after the other tables were cleared and loaded.
    parsed.tables.marks!.push({ ...mark('m3', 'se1', 's1') });
    await expect(restoreBackup(target, parsed, { mode: 'replace' })).rejects.toMatchObject({ code: 'restore-failed', message: expect.stringContaining('nothing was changed') });
    expect(await dump(target)).toEqual(before);
  });

  it('storage running out mid-restore changes nothing and says so', async () => {
    await fillEveryTable(source);
    const parsed = await readBackup(await exportBackup(source), source);
    const target = freshDb();
    await target.classes.add(cls('local', 'Local class'));
    const before = await dump(target);
    // Every table shares one prototype; only the marks table's write fails, after the tables before it were cleared and loaded.
    const tableProto = Object.getPrototypeOf(target.marks) as Table;
    const bulkAdd = tableProto.bulkAdd;
    vi.spyOn(tableProto, 'bulkAdd').mockImplementation(function (this: Table, ...args: Parameters<Table['bulkAdd']>) {
      return this.name === 'marks' ? Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError')) : bulkAdd.apply(this, args);
    } as Table['bulkAdd']);

    const error = await restoreBackup(target, parsed, { mode: 'replace' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'storage-full' });
    expect((error as Error).message).toMatch(/ran out of storage.*nothing was changed/);
    vi.restoreAllMocks();
    expect(await dump(target)).toEqual(before);
  });
});

describe('merge', () => {
  it('adds what is missing and keeps what this phone has', async () => {
    await fillEveryTable(source);
    const parsed = await readBackup(await exportBackup(source), source);
    const target = freshDb();
    await target.classes.add({ ...cls('c1', 'Year 7 (renamed here)'), updatedAt: '2026-03-01T00:00:00.000Z' });
    await target.classes.add(cls('local', 'Local class'));
    await target.sessions.add(session('se1', 'c1'));
    // This phone marked s1 in se1 under its own id: the backup's mark of s1 must not be added beside it.
    await target.marks.add({ ...mark('local-m', 'se1', 's1'), status: 'late' });
    await target.settings.bulkAdd([{ key: 'deviceId', value: 'device-new' }, { key: 'teacherName', value: 'Mr L' }]);
    await target.outbox.bulkAdd([outbox('local-1'), outbox('cl-1')]);

    const result = await restoreBackup(target, parsed, { mode: 'merge' });
    expect(result.added).toMatchObject({ classes: 1, marks: 1, sessions: 0, outbox: 1, faceSamples: 2 });
    expect(result.skipped).toMatchObject({ classes: 1, marks: 1, sessions: 1, outbox: 1 });

    expect((await target.classes.get('c1'))?.name).toBe('Year 7 (renamed here)');
    expect((await target.classes.toArray()).map((c) => c.id).sort()).toEqual(['c1', 'c2', 'local']);
    expect((await target.marks.where({ sessionId: 'se1', studentId: 's1' }).toArray()).map((m) => m.id)).toEqual(['local-m']);
    expect(await target.marks.get('m2')).toBeDefined();
    expect((await target.settings.get('deviceId'))?.value).toBe('device-new');
    expect((await target.settings.get('teacherName'))?.value).toBe('Mr L');
    // Changes waiting to be sent are matched by clientId and appended after this phone's own.
    expect((await target.outbox.orderBy('seq').toArray()).map((o) => o.clientId)).toEqual(['local-1', 'cl-1', 'cl-2']);
    const crop = (await faceSample(target, 'f1'))!.crop!;
    expect(new Uint8Array(await crop.arrayBuffer())).toEqual(jpeg);

    // Merging the same file again adds nothing.
    const again = await restoreBackup(target, parsed, { mode: 'merge' });
    expect(Object.values(again.added).every((n) => n === 0)).toBe(true);
  });
});
