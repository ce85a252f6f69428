import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Quality } from '@/ml/types';
import { addStudents, createClass, type StudentRow } from './classes';
import { recordConsents } from './consents';
import { RollcallDb } from './db';
import { deviceKey, forgetDeviceKey, packVectors, unpackVectors } from './faceCrypto';
import { ConsentRequiredError, addFaceSamples, addNegative, findUnreadableFaceData, listClassFaceSamples, listClassNegatives, listFaceSamples, sealPlaintextFaceData, type FaceSampleRow } from './faceSamples';

const quality: Quality = { sizePx: 120, sharpness: 80, brightness: 120, yaw: 0, pitch: 0, roll: 0, ok: true, issues: [] };
const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5]);
const consent = { givenByName: 'Rosa', relationship: 'parent' as const, method: 'paper' as const, noticeVersion: '1', givenAt: '2026-01-01T00:00:00.000Z' };

let db: RollcallDb;
let classId: string;
let asha: StudentRow;
let ben: StudentRow;

beforeEach(async () => {
  db = new RollcallDb(`crypto-${crypto.randomUUID()}`);
  classId = (await createClass(db, { name: '7B' })).id;
  [asha, ben] = (await addStudents(db, classId, [
    { rollNo: '1', fullName: 'Asha', guardianName: 'Rosa', guardianPhone: '', email: '', studentEmail: '' },
    { rollNo: '2', fullName: 'Ben', guardianName: '', guardianPhone: '', email: '', studentEmail: '' },
  ])) as [StudentRow, StudentRow];
  await recordConsents(db, [{ ...consent, studentId: asha.id }], 'Ms K');
});
afterEach(async () => {
  await db.delete();
});

const descriptor = Array.from({ length: 128 }, (_, i) => Math.sin(i + 1) / 3);
const sample = (studentId: string) => ({
  studentId, classId, descriptor, descriptorVersion: 'v', augmented: [descriptor.map((x) => x * 0.9)], crop: new Blob([jpeg], { type: 'image/jpeg' }), quality, source: 'upload' as const,
});

/** Every byte a stored row holds, however deep. */
function storedBytes(value: unknown): Uint8Array[] {
  if (value instanceof ArrayBuffer) return [new Uint8Array(value)];
  if (ArrayBuffer.isView(value)) return [new Uint8Array(value.buffer, value.byteOffset, value.byteLength)];
  if (Array.isArray(value)) return value.flatMap(storedBytes);
  if (value && typeof value === 'object') return Object.values(value).flatMap(storedBytes);
  return [];
}

const contains = (hay: Uint8Array, needle: Uint8Array) => hay.some((_, i) => needle.every((b, j) => hay[i + j] === b));

describe('face data at rest', () => {
  it('stores descriptors, augmented copies and crops sealed, and reads them back exactly', async () => {
    const [kept] = await addFaceSamples(db, [sample(asha.id)]);
    const negative = await addNegative(db, { studentId: asha.id, classId, descriptor: [0.25, -0.75], descriptorVersion: 'v' });

    const stored = (await db.faceSamples.get(kept!.id))!;
    for (const field of ['descriptor', 'augmented', 'crop']) expect(stored).not.toHaveProperty(field);
    expect(stored.sealedFace!.iv).toHaveLength(12);
    expect(await db.negatives.get(negative.id)).not.toHaveProperty('descriptor');
    // Neither the descriptor's bytes nor the JPEG's appear anywhere in what is stored.
    const plainDescriptor = new Uint8Array(new Float64Array(descriptor.slice(0, 4)).buffer);
    for (const bytes of storedBytes(stored)) {
      expect(contains(bytes, plainDescriptor)).toBe(false);
      expect(contains(bytes, jpeg.subarray(0, 6))).toBe(false);
    }

    const [read] = await listFaceSamples(db, asha.id);
    expect(read!.descriptor).toEqual(descriptor);
    expect(read!.augmented).toEqual([descriptor.map((x) => x * 0.9)]);
    expect(read!.crop!.type).toBe('image/jpeg');
    expect(new Uint8Array(await read!.crop!.arrayBuffer())).toEqual(jpeg);
    expect((await listClassFaceSamples(db, classId)).map((s) => s.id)).toEqual([kept!.id]);
    expect((await listClassNegatives(db, classId))[0]!.descriptor).toEqual([0.25, -0.75]);
  });

  it('keeps one non-extractable key per device, in IndexedDB, across restarts', async () => {
    const key = await deviceKey(db);
    expect(key.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('raw', key)).rejects.toThrow();
    const [kept] = await addFaceSamples(db, [sample(asha.id)]);

    const name = db.name;
    db.close();
    forgetDeviceKey(db);
    db = new RollcallDb(name);
    expect(await db.deviceKeys.count()).toBe(1);
    expect((await listFaceSamples(db, asha.id)).map((s) => s.id)).toEqual([kept!.id]);
    // Concurrent first uses agree on one key.
    const other = new RollcallDb(`crypto-${crypto.randomUUID()}`);
    const [a, b] = await Promise.all([deviceKey(other), deviceKey(other)]);
    expect(a).toBe(b);
    expect(await other.deviceKeys.count()).toBe(1);
    await other.delete();
  });

  it('a sealed value moved to another row does not open, and rows sealed under another key are found as unreadable', async () => {
    const [first, second] = await addFaceSamples(db, [sample(asha.id), { ...sample(asha.id), descriptor: descriptor.map((x) => -x) }]);
    const a = (await db.faceSamples.get(first!.id))!;
    await db.faceSamples.update(second!.id, { sealedFace: a.sealedFace });
    expect((await listFaceSamples(db, asha.id)).map((s) => s.id)).toEqual([first!.id]);

    const elsewhere = new RollcallDb(`crypto-${crypto.randomUUID()}`);
    await elsewhere.faceSamples.add(a);
    expect(await listFaceSamples(elsewhere, asha.id)).toEqual([]);
    expect(await findUnreadableFaceData(elsewhere)).toEqual({ faceSamples: [first!.id], negatives: [] });
    await elsewhere.delete();
  });

  it('seals rows written before encryption, in batches, once', async () => {
    const at = '2025-01-01T00:00:00.000Z';
    const legacy: FaceSampleRow[] = Array.from({ length: 7 }, (_, i) => ({
      ...sample(asha.id), id: `legacy-${i}`, createdAt: at, updatedAt: at, deletedAt: null, ...(i % 2 ? { crop: null, augmented: undefined } : {}),
    }));
    await db.faceSamples.bulkAdd(legacy);
    await db.negatives.add({ id: 'n-old', studentId: asha.id, classId, descriptor: [0.5], descriptorVersion: 'v', createdAt: at });
    // Readable before sealing…
    expect((await listFaceSamples(db, asha.id)).map((s) => s.descriptor)).toEqual(legacy.map(() => descriptor));

    expect(await sealPlaintextFaceData(db, 3)).toEqual({ faceSamples: 7, negatives: 1 });
    for (const row of await db.faceSamples.toArray()) expect(row).not.toHaveProperty('descriptor');
    expect(await db.negatives.get('n-old')).not.toHaveProperty('descriptor');
    // …and the same after.
    const after = await listFaceSamples(db, asha.id);
    expect(after.map((s) => s.descriptor)).toEqual(legacy.map(() => descriptor));
    expect(after.filter((s) => s.crop).length).toBe(4);
    expect((await listClassNegatives(db, classId))[0]!.descriptor).toEqual([0.5]);
    expect(await sealPlaintextFaceData(db, 3)).toEqual({ faceSamples: 0, negatives: 0 });
  });

  it('packs vectors exactly, and refuses a damaged pack', () => {
    const vectors = [[1e-300, -0, 3.5], [], [Number.MAX_VALUE]];
    expect(unpackVectors(packVectors(vectors))).toEqual(vectors);
    expect(() => unpackVectors(new Uint8Array(new Float64Array([5, 1]).buffer))).toThrow(/bad count/);
  });
});

describe('consent first', () => {
  it('keeps no face photo of a student without consent, naming them', async () => {
    const error = await addFaceSamples(db, [sample(asha.id), sample(ben.id)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConsentRequiredError);
    expect((error as ConsentRequiredError).studentIds).toEqual([ben.id]);
    expect((error as Error).message).toMatch(/No consent is recorded for Ben’s face data/);
    // All or nothing: Asha's photo in the same call was not kept either.
    expect(await db.faceSamples.count()).toBe(0);
  });
});
