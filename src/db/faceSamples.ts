/** Enrolment photos (descriptor + crop) and "not this person" corrections, per student. */
import type { RollcallDb } from './db';
import type { FaceSampleRow, NegativeRow } from './rows';

export type NewFaceSample = Omit<FaceSampleRow, 'id' | 'createdAt' | 'updatedAt' | 'deletedAt'>;

export async function addFaceSamples(db: RollcallDb, samples: readonly NewFaceSample[], now = new Date()): Promise<FaceSampleRow[]> {
  const at = now.toISOString();
  const rows = samples.map((s) => ({ ...s, id: crypto.randomUUID(), createdAt: at, updatedAt: at, deletedAt: null }));
  await db.faceSamples.bulkAdd(rows);
  return rows;
}

export async function listFaceSamples(db: RollcallDb, studentId: string): Promise<FaceSampleRow[]> {
  const rows = await db.faceSamples.where('studentId').equals(studentId).toArray();
  return rows.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export async function listClassFaceSamples(db: RollcallDb, classId: string): Promise<FaceSampleRow[]> {
  return db.faceSamples.where('classId').equals(classId).toArray();
}

/** Face data is erased outright, not tombstoned: nothing of the face should remain. */
export async function deleteFaceSample(db: RollcallDb, id: string) {
  await db.faceSamples.delete(id);
}

export async function addNegative(db: RollcallDb, input: Omit<NegativeRow, 'id' | 'createdAt'>, now = new Date()): Promise<NegativeRow> {
  const row: NegativeRow = { ...input, id: crypto.randomUUID(), createdAt: now.toISOString() };
  await db.negatives.add(row);
  return row;
}

export async function listClassNegatives(db: RollcallDb, classId: string): Promise<NegativeRow[]> {
  return db.negatives.where('classId').equals(classId).toArray();
}

/** Counts of enrolment photos per student of a class. */
export async function sampleCounts(db: RollcallDb, classId: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  await db.faceSamples.where('classId').equals(classId).each((s) => counts.set(s.studentId, (counts.get(s.studentId) ?? 0) + 1));
  return counts;
}
