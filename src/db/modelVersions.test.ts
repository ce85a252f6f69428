import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RollcallDb } from './db';
import { activateModelVersion, activeModelVersion, getModelVersion, listModelVersions, modelStudents, rejectModelVersion, saveModelVersion, sealPlaintextModels, type ModelVersionRow } from './modelVersions';

let db: RollcallDb;

function row(id: string, createdAt: string, status: ModelVersionRow['status'] = 'inactive', scope = 'class-a'): ModelVersionRow {
  return {
    id, scope, createdAt, updatedAt: createdAt, status, statusReason: 'trained', classes: 3, samples: 15, trainingMs: 12,
    backend: 'wasm', accuracy: 0.98, far: 0.01, frr: 0.02, descriptorVersion: 'v1', artifact: new Uint8Array([1, 2, 3]),
  };
}

beforeEach(() => {
  db = new RollcallDb(`test-${crypto.randomUUID()}`);
});
afterEach(async () => {
  await db.delete();
});

describe('model versions', () => {
  it('lists a class’s versions newest first, and not another class’s', async () => {
    await saveModelVersion(db, row('v1', '2026-01-01T08:00:00Z'));
    await saveModelVersion(db, row('v2', '2026-01-02T08:00:00Z'));
    await saveModelVersion(db, row('x1', '2026-01-03T08:00:00Z', 'active', 'class-b'));
    expect((await listModelVersions(db, 'class-a')).map((r) => r.id)).toEqual(['v2', 'v1']);
    expect(await activeModelVersion(db, 'class-a')).toBeUndefined();
  });

  it('keeps exactly one active version per class, with the reason recorded', async () => {
    await saveModelVersion(db, row('v1', '2026-01-01T08:00:00Z', 'active'));
    await saveModelVersion(db, row('v2', '2026-01-02T08:00:00Z'));
    await saveModelVersion(db, row('b1', '2026-01-02T09:00:00Z', 'active', 'class-b'));
    await activateModelVersion(db, 'v2', 'better accuracy');
    const versions = await listModelVersions(db, 'class-a');
    expect(versions.filter((v) => v.status === 'active').map((v) => v.id)).toEqual(['v2']);
    expect(versions.find((v) => v.id === 'v1')!.statusReason).toContain('replaced by v2');
    expect((await activeModelVersion(db, 'class-b'))!.id).toBe('b1');

    await activateModelVersion(db, 'v1', 'rolled back by the teacher');
    expect((await activeModelVersion(db, 'class-a'))!).toMatchObject({ id: 'v1', statusReason: 'rolled back by the teacher' });
  });

  it('records a rejected version and refuses to activate one that does not exist', async () => {
    await saveModelVersion(db, row('v1', '2026-01-01T08:00:00Z'));
    await rejectModelVersion(db, 'v1', 'rolled back: accuracy fell');
    expect((await listModelVersions(db, 'class-a'))[0]).toMatchObject({ status: 'rejected', statusReason: 'rolled back: accuracy fell' });
    await expect(activateModelVersion(db, 'nope', 'x')).rejects.toThrow('does not exist');
  });

  it('keeps the model file sealed under the device key (its gallery holds descriptors), readable through the db functions', async () => {
    const artifact = new Uint8Array(Array.from({ length: 64 }, (_, i) => (i * 37) % 256));
    await saveModelVersion(db, { ...row('s1', '2026-01-01T08:00:00Z', 'active'), artifact });
    const stored = (await db.modelVersions.get('s1'))!;
    expect(stored.artifact).not.toBeInstanceOf(Uint8Array);
    const raw = new Uint8Array((stored.artifact as { data: ArrayBuffer }).data);
    expect(Buffer.from(raw).includes(Buffer.from(artifact.subarray(8, 24)))).toBe(false);
    expect((await getModelVersion(db, 's1'))!.artifact).toEqual(artifact);
    expect((await activeModelVersion(db, 'class-a'))!.artifact).toEqual(artifact);
    // Not a real classifier, so no class list can be read from it: recorded as empty.
    expect(modelStudents(stored)).toEqual([]);

    // A version saved before sealing is sealed by upkeep, status untouched.
    await db.modelVersions.put({ ...row('old', '2025-12-01T08:00:00Z'), artifact: new Uint8Array([9, 9, 9]) });
    expect(await sealPlaintextModels(db)).toBe(1);
    expect((await db.modelVersions.get('old'))!.artifact).not.toBeInstanceOf(Uint8Array);
    expect((await getModelVersion(db, 'old'))!).toMatchObject({ status: 'inactive', artifact: new Uint8Array([9, 9, 9]) });
    expect(await sealPlaintextModels(db)).toBe(0);
  });
});
