/**
 * Trained classifier versions. Exactly one version per scope (a class, or the
 * whole school for the kiosk) is active; the others are kept so a teacher can
 * roll back, and so an automatic rollback can say what it went back to.
 */
import { studentsInArtifact } from '@/privacy/modelArtifact';
import type { RollcallDb } from './db';
import { openBytes, sealBytes, type SealedValue } from './faceCrypto';

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
  /** Enrolment photos it holds per student, when the saver read them from the model (stored beside it, for the list). */
  photos?: Record<string, number>;
}

/**
 * What the list of versions shows, read without opening one: the row's
 * figures, and the students and photos stored beside the sealed artifact.
 * `photos` is undefined on versions stored before it was recorded (or taken
 * from another phone) until `recordModelFacts` fills it, null where the
 * model could not be read.
 */
export interface ModelVersionSummary extends Omit<ModelVersionRow, 'artifact' | 'photos'> {
  students: string[] | null;
  photos: Record<string, number> | null | undefined;
}

/**
 * As stored: the artifact sealed under the device key, like the face data
 * it is made from (its gallery holds the students' enrolment descriptors);
 * versions saved before sealing hold it plain until sealPlaintextModels runs.
 * The class list stays readable, so an erasure can find the versions that
 * name a student inside a transaction, where WebCrypto can't be awaited.
 */
export interface StoredModelVersionRow extends Omit<ModelVersionRow, 'artifact' | 'photos'> {
  artifact: Uint8Array | SealedValue;
  students?: string[];
  photos?: Record<string, number> | null;
}

const context = (id: string) => `modelVersions:${id}:artifact`;

/** The row as stored: its artifact sealed under this device's key, its class list (and photos, when given) beside it. */
export async function sealModelVersion(db: RollcallDb, row: ModelVersionRow): Promise<StoredModelVersionRow> {
  const { photos, ...rest } = row;
  const bytes = new Uint8Array(row.artifact) as Uint8Array<ArrayBuffer>;
  return { ...rest, artifact: await sealBytes(db, bytes, context(row.id)), students: studentsInArtifact(row.artifact) ?? [], ...(photos ? { photos } : {}) };
}

/** The version with its artifact readable. */
export async function openModelVersion(db: RollcallDb, row: StoredModelVersionRow): Promise<ModelVersionRow> {
  const { students: _students, photos: _photos, ...rest } = row;
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

function summaryOf(row: StoredModelVersionRow): ModelVersionSummary {
  const { artifact: _artifact, students: _students, photos, ...rest } = row;
  return { ...rest, students: modelStudents(row), photos };
}

/** Newest first, without opening any artifact. */
export async function listModelVersions(db: RollcallDb, scope: string): Promise<ModelVersionSummary[]> {
  const rows = await db.modelVersions.where('[scope+createdAt]').between([scope, ''], [scope, '\uffff']).toArray();
  return rows.reverse().map(summaryOf);
}

async function newestActive(db: RollcallDb, scope: string): Promise<StoredModelVersionRow | undefined> {
  const rows = await db.modelVersions.where({ scope, status: 'active' }).toArray();
  return rows.sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
}

export async function activeModelVersion(db: RollcallDb, scope: string): Promise<ModelVersionRow | undefined> {
  const newest = await newestActive(db, scope);
  return newest ? openModelVersion(db, newest) : undefined;
}

/** The scope's version in use, without opening its artifact. */
export async function activeModelSummary(db: RollcallDb, scope: string): Promise<ModelVersionSummary | undefined> {
  const newest = await newestActive(db, scope);
  return newest && summaryOf(newest);
}

/** Fills the list facts of a version stored without them, once it has been opened; null photos: it could not be read. */
export async function recordModelFacts(db: RollcallDb, id: string, facts: { students: string[] | null; photos: Record<string, number> | null }): Promise<void> {
  await db.modelVersions.update(id, { photos: facts.photos, ...(facts.students ? { students: facts.students } : {}) });
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
