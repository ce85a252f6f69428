/**
 * The privacy log: what was done with personal data on this device
 * (consents, erasures, retention purges, access exports), for the school's
 * admin. Entries name students by id only, never by name or face.
 */
import Dexie from 'dexie';
import type { RollcallDb } from './db';

export type PrivacyLogKind =
  | 'consent-recorded'
  | 'consent-withdrawn'
  | 'face-data-erased'
  | 'student-deleted'
  | 'retention-purge'
  | 'access-export'
  | 'face-data-encrypted'
  | 'unreadable-face-data-removed'
  | 'server-erasure';

/**
 * What was done with personal data on this device, for the school's admin.
 * Entries name students by id only, so the log outlives a full deletion
 * without keeping the person.
 */
export interface PrivacyLogRow {
  seq?: number;
  at: string;
  kind: PrivacyLogKind;
  studentId: string | null;
  classId: string | null;
  /** In plain words: what happened and why. Never a name, a face or a descriptor. */
  summary: string;
  /** Rows removed or changed, per table. */
  counts: Record<string, number>;
  /** Who did it: the teacher's name on this device, or 'automatic'. */
  by: string;
  device: string;
  /** For erasures: whether the server's copy (model artifacts, synced templates) is erased yet. */
  server?: 'pending' | 'done' | 'not-needed';
}

export type NewPrivacyLog = Omit<PrivacyLogRow, 'seq' | 'at' | 'device'> & { device?: string };

/** Writes one entry; inside a transaction it must have `privacyLog` in scope (and `settings`, for the device id, unless `device` is given). */
export async function addPrivacyLog(db: RollcallDb, entry: NewPrivacyLog, now = new Date()): Promise<PrivacyLogRow> {
  const tx = Dexie.currentTransaction;
  const canReadSettings = !tx || tx.storeNames.includes(db.settings.name);
  const device = entry.device ?? (canReadSettings ? String((await db.settings.get('deviceId'))?.value ?? '') : '');
  const row: PrivacyLogRow = { ...entry, at: now.toISOString(), device };
  row.seq = await db.privacyLog.add(row);
  return row;
}

/** Newest first. */
export async function listPrivacyLog(db: RollcallDb, options: { studentId?: string; limit?: number } = {}): Promise<PrivacyLogRow[]> {
  const rows = options.studentId ? await db.privacyLog.where('studentId').equals(options.studentId).toArray() : await db.privacyLog.orderBy('seq').toArray();
  rows.sort((a, b) => (b.seq ?? 0) - (a.seq ?? 0));
  return options.limit ? rows.slice(0, options.limit) : rows;
}

/** Erasures whose server half has not been confirmed yet, oldest first. */
export async function pendingServerErasures(db: RollcallDb): Promise<PrivacyLogRow[]> {
  return (await db.privacyLog.orderBy('seq').toArray()).filter((r) => r.server === 'pending');
}

export async function markServerErasureDone(db: RollcallDb, seq: number) {
  await db.privacyLog.update(seq, { server: 'done' });
}
