/**
 * Trained classifier versions. Exactly one version per scope (a class, or the
 * whole school for the kiosk) is active; the others are kept so a teacher can
 * roll back, and so an automatic rollback can say what it went back to.
 */
import { studentsInArtifact } from '@/privacy/modelArtifact';
import type { RollcallDb } from './db';
import { openBytes, sealBytes } from './faceCrypto';
import type { SealedValue } from './rows';

export type ModelStatus = 'active' | 'inactive' | 'rejected';

export interface ModelVersionRow {
  id: string;
  /** What the model recognises: a class id, or 'school'. */
  scope: string;
  createdAt: string;
  updatedAt: string;
  status: ModelStatus;
  /** Why the status last changed, in words a teacher can read. */
  statusReason: string;
  classes: number;
  samples: number;
  trainingMs: number;
  backend: string;
  /** Held-out figures from training (cross-validation of the enrolment photos). */
  accuracy: number | null;
  /** Macro precision and recall on the held-out photos (absent on versions saved before they were recorded). */
  precision?: number | null;
  recall?: number | null;
  far: number | null;
  frr: number | null;
  descriptorVersion: string;
  /** The serialised, checksummed classifier (see ml/classifier/serialize.ts). */
  artifact: Uint8Array;
}

/**
 * As stored: the artifact sealed under the device key, like the face data
 * it is made from (its gallery holds the students' enrolment descriptors);
 * versions saved before sealing hold it plain until sealPlaintextModels runs.
 * The class list stays readable, so an erasure can find the versions that
 * name a student inside a transaction, where WebCrypto can't be awaited.
 */
export interface StoredModelVersionRow extends Omit<ModelVersionRow, 'artifact'> {
  artifact: Uint8Array | SealedValue;
  students?: string[];
}

const context = (id: string) => `modelVersions:${id}:artifact`;

/** The row as stored: its artifact sealed under this device's key, its class list beside it. */
export async function sealModelVersion(db: RollcallDb, row: ModelVersionRow): Promise<StoredModelVersionRow> {
  const bytes = new Uint8Array(row.artifact) as Uint8Array<ArrayBuffer>;
  return { ...row, artifact: await sealBytes(db, bytes, context(row.id)), students: studentsInArtifact(row.artifact) ?? [] };
}

/** The version with its artifact readable. */
export async function openModelVersion(db: RollcallDb, row: StoredModelVersionRow): Promise<ModelVersionRow> {
  const { students: _students, ...rest } = row;
  const artifact = row.artifact instanceof Uint8Array ? row.artifact : await openBytes(db, row.artifact, context(row.id));
  return { ...rest, artifact };
}

/** The students a stored version recognises (null when it can't be told: an unreadable, unlabelled row). */
export function modelStudents(row: StoredModelVersionRow): string[] | null {
  return row.students ?? studentsInArtifact(row.artifact instanceof Uint8Array ? row.artifact : null);
}

export async function saveModelVersion(db: RollcallDb, row: ModelVersionRow): Promise<void> {
  await db.modelVersions.put(await sealModelVersion(db, row));
}

export async function getModelVersion(db: RollcallDb, id: string): Promise<ModelVersionRow | undefined> {
  const row = await db.modelVersions.get(id);
  return row ? openModelVersion(db, row) : undefined;
}

/** Newest first. */
export async function listModelVersions(db: RollcallDb, scope: string): Promise<ModelVersionRow[]> {
  const rows = await db.modelVersions.where('[scope+createdAt]').between([scope, ''], [scope, '\uffff']).toArray();
  return Promise.all(rows.reverse().map((r) => openModelVersion(db, r)));
}

export async function activeModelVersion(db: RollcallDb, scope: string): Promise<ModelVersionRow | undefined> {
  const rows = await db.modelVersions.where({ scope, status: 'active' }).toArray();
  const newest = rows.sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  return newest ? openModelVersion(db, newest) : undefined;
}

/** Seals versions saved before artifacts were sealed, a few at a time, outside any transaction. */
export async function sealPlaintextModels(db: RollcallDb): Promise<number> {
  let done = 0;
  for (const row of await db.modelVersions.filter((r) => r.artifact instanceof Uint8Array).toArray()) {
    const sealed = await sealModelVersion(db, row as ModelVersionRow);
    await db.transaction('rw', db.modelVersions, async () => {
      const current = await db.modelVersions.get(row.id);
      if (current && current.artifact instanceof Uint8Array) {
        await db.modelVersions.put({ ...sealed, status: current.status, statusReason: current.statusReason, updatedAt: current.updatedAt });
        done += 1;
      }
    });
  }
  return done;
}

/** Makes `id` the scope's active version and the previous active one inactive, in one transaction. */
export async function activateModelVersion(db: RollcallDb, id: string, reason: string, now = new Date()): Promise<void> {
  await db.transaction('rw', db.modelVersions, async () => {
    const row = await db.modelVersions.get(id);
    if (!row) throw new Error(`Model version ${id} does not exist.`);
    const at = now.toISOString();
    const current = await db.modelVersions.where({ scope: row.scope, status: 'active' }).toArray();
    for (const c of current) {
      if (c.id !== id) await db.modelVersions.update(c.id, { status: 'inactive', statusReason: `replaced by ${id.slice(0, 8)}: ${reason}`, updatedAt: at });
    }
    await db.modelVersions.update(id, { status: 'active', statusReason: reason, updatedAt: at });
  });
}

export async function rejectModelVersion(db: RollcallDb, id: string, reason: string, now = new Date()): Promise<void> {
  await db.modelVersions.update(id, { status: 'rejected', statusReason: reason, updatedAt: now.toISOString() });
}
