import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RollcallDb } from './db';
import { activateModelVersion, activeModelVersion, listModelVersions, rejectModelVersion, saveModelVersion, type ModelVersionRow } from './modelVersions';

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
});
