/**
 * Trained classifier versions. Exactly one version per scope (a class, or the
 * whole school for the kiosk) is active; the others are kept so a teacher can
 * roll back, and so an automatic rollback can say what it went back to.
 */
import type { RollcallDb } from './db';

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

export async function saveModelVersion(db: RollcallDb, row: ModelVersionRow): Promise<void> {
  await db.modelVersions.put(row);
}

/** Newest first. */
export async function listModelVersions(db: RollcallDb, scope: string): Promise<ModelVersionRow[]> {
  const rows = await db.modelVersions.where('[scope+createdAt]').between([scope, ''], [scope, '\uffff']).toArray();
  return rows.reverse();
}

export async function activeModelVersion(db: RollcallDb, scope: string): Promise<ModelVersionRow | undefined> {
  return (await listModelVersions(db, scope)).find((r) => r.status === 'active');
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
