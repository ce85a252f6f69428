/**
 * The school's settings on this device: pulled from the server; an admin's
 * change is written here with its outbox mutation in one transaction, so it
 * reaches the server with the next sync (also after a spell offline).
 */
import { enqueueMutation } from './outbox/enqueueMutation';
import { schoolToServer } from './outbox/serverRows';
import type { RollcallDb } from './db';

/** The school's settings, as its admin set them on the server (pulled; an admin's changes go back through sync). */
export interface SchoolRow {
  id: string;
  name: string;
  keepFaceCrops: boolean;
  syncFaceTemplates: boolean;
  retentionDays: number;
  autoMarkConfidence: number;
  presentSmsConfidence: number;
  lateAfterMinutes: number;
  updatedAt: string;
}

export type SchoolSettings = Pick<SchoolRow, 'keepFaceCrops' | 'syncFaceTemplates' | 'retentionDays' | 'autoMarkConfidence' | 'presentSmsConfidence' | 'lateAfterMinutes'>;

/** The school this device syncs with (its settings win over the phone's own); none on a phone without a server. */
export async function schoolOfDevice(db: RollcallDb): Promise<SchoolRow | undefined> {
  return db.schools.orderBy('id').first();
}

export async function getSchool(db: RollcallDb, id: string): Promise<SchoolRow | undefined> {
  return db.schools.get(id);
}

export async function saveSchoolSettings(db: RollcallDb, id: string, settings: SchoolSettings, now = new Date()): Promise<SchoolRow> {
  return db.transaction('rw', [db.schools, db.outbox], async () => {
    const current = await db.schools.get(id);
    if (!current) throw new Error('The school’s settings have not reached this device yet. Sync first.');
    const row: SchoolRow = { ...current, ...settings, updatedAt: now.toISOString() };
    await db.schools.put(row);
    await enqueueMutation(db, { table: 'schools', op: 'upsert', row: schoolToServer(row) }, now);
    return row;
  });
}
