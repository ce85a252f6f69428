/**
 * A whole-device backup: every table's rows in one JSON file, so a school
 * with no server can keep a copy and a teacher can move to a new phone.
 *
 * Values JSON cannot hold (Blobs such as face crops, typed arrays such as
 * model artifacts, Dates, NaN) are written as tagged objects
 * `{ "$rollcall": kind, ... }` with base64 bytes, and read back exactly.
 * A restore runs in one transaction over all tables: if anything fails,
 * storage full included, the database stays as it was.
 *
 * Face data is sealed on the device under a key that cannot leave it
 * (faceCrypto.ts), so a file sealed under it could be restored nowhere else.
 * The file therefore holds face data decrypted, and whoever saves one must
 * be told so (BACKUP_FACE_DATA_WARNING); a restore seals it again under the
 * restoring device's key before writing. The device key itself is never
 * written to a file nor replaced by a restore.
 */
import { indexValue, rowsMissingFrom, type AnyTable } from './backupMerge';
import { decodeValue, encodeValue, readBlobs } from './backupValues';
import { getDb, type RollcallDb } from './db';
import { isStorageFull } from './storageErrors';
import { openFaceRowsForExport, sealFaceRowsForImport } from './faceSamples';
import { openModelVersion, sealModelVersion, type ModelVersionRow, type StoredModelVersionRow } from './modelVersions';

/** What a backup file holds in the clear; shown beside the button that saves one. */
export const BACKUP_FACE_DATA_WARNING =
  'The backup file holds the students’ face photos and face templates unencrypted, so anyone with the file can see them. Keep it only where the school keeps other confidential records, and delete old copies.';

/** Tables that belong to this device, not its data: never backed up, never replaced (class photos under review are sealed with its key and short-lived). */
const DEVICE_ONLY_TABLES = new Set(['deviceKeys', 'reviewPhotos']);
const FACE_TABLES = ['faceSamples', 'negatives'] as const;

const backedUpTables = (db: RollcallDb) => db.tables.filter((t) => !DEVICE_ONLY_TABLES.has(t.name));

export const BACKUP_FORMAT = 'rollcall-backup';
/** Bump when the file's layout changes, and add a step to UPGRADES that reads the older layout. */
export const BACKUP_FORMAT_VERSION = 1;

/** Rows encoded per string part: big enough to be quick, small enough not to hold a whole table as one string. */
const ROWS_PER_PART = 500;

export type BackupErrorCode = 'not-a-backup' | 'corrupt' | 'newer-version' | 'unknown-table' | 'count-mismatch' | 'storage-full' | 'restore-failed';

export class BackupError extends Error {
  readonly code: BackupErrorCode;
  constructor(code: BackupErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackupError';
    this.code = code;
  }
}

export interface BackupSummary {
  createdAt: string;
  /** The app build that wrote the file, when it was known. */
  appVersion: string | null;
  formatVersion: number;
  /** The Dexie schema version of the database it was taken from. */
  schemaVersion: number;
  /** Rows per table, as the file holds them. */
  counts: Record<string, number>;
  totalRows: number;
}

/** A checked backup, rows decoded, ready to restore; nothing has been written yet. */
export interface ParsedBackup {
  summary: BackupSummary;
  tables: Record<string, Record<string, unknown>[]>;
}

export type RestoreMode = 'replace' | 'merge';

export interface RestoreResult {
  mode: RestoreMode;
  /** Rows written per table. */
  added: Record<string, number>;
  /** Rows of the backup left out per table: already on this device (merge), or this device's own id. */
  skipped: Record<string, number>;
}

interface BackupFile {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  schemaVersion: number;
  appVersion: string | null;
  createdAt: string;
  counts: Record<string, number>;
  tables: Record<string, unknown[]>;
}

/**
 * Steps that turn a file of format version n into n + 1, applied in order.
 * None yet: version 1 is the first.
 */
const UPGRADES: Record<number, (file: BackupFile) => BackupFile> = {};

/** `rollcall-backup-2026-03-04.json`, by the local date. */
export function backupFileName(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${BACKUP_FORMAT}-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}.json`;
}

const appBuild = (): string | null => (typeof __APP_BUILD__ === 'string' ? __APP_BUILD__ : null);

/**
 * Every table's rows as one JSON Blob. The rows are read in one transaction,
 * so the file is a consistent snapshot; the text is then built table by
 * table into Blob parts rather than as one string.
 */
export async function exportBackup(db: RollcallDb, options: { now?: Date; appVersion?: string | null } = {}): Promise<Blob> {
  const tables = backedUpTables(db);
  const snapshot: Record<string, unknown>[][] = await db.transaction('r', tables, () => Promise.all(tables.map((t) => t.toArray())));
  // Opened after the read transaction: a WebCrypto promise inside it would end it.
  for (const [i, table] of tables.entries()) {
    const name = FACE_TABLES.find((f) => f === table.name);
    if (name) snapshot[i] = await openFaceRowsForExport(db, name, snapshot[i]!);
    // Model files carry descriptors too, sealed under this device's key: written readable, like the face data.
    if (table.name === 'modelVersions') snapshot[i] = (await Promise.all(snapshot[i]!.map((r) => openModelVersion(db, r as unknown as StoredModelVersionRow)))) as unknown as Record<string, unknown>[];
  }
  const counts = Object.fromEntries(tables.map((t, i) => [t.name, snapshot[i]!.length]));
  const header: Omit<BackupFile, 'tables'> = {
    format: BACKUP_FORMAT,
    formatVersion: BACKUP_FORMAT_VERSION,
    schemaVersion: db.verno,
    appVersion: options.appVersion === undefined ? appBuild() : options.appVersion,
    createdAt: (options.now ?? new Date()).toISOString(),
    counts,
  };
  const headerText = JSON.stringify(header);
  let out = new Blob([`${headerText.slice(0, -1)},"tables":{`]);
  for (const [i, table] of tables.entries()) {
    const rows = snapshot[i]!;
    const parts: string[] = [`${i ? ',' : ''}${JSON.stringify(table.name)}:[`];
    for (let start = 0; start < rows.length; start += ROWS_PER_PART) {
      const chunk = rows.slice(start, start + ROWS_PER_PART);
      const bytes = await readBlobs(chunk);
      parts.push((start ? ',' : '') + chunk.map((row) => JSON.stringify(encodeValue(row, bytes))).join(','));
    }
    parts.push(']');
    // A Blob made from a Blob keeps a reference to it, so each table's text can be freed once added.
    out = new Blob([out, ...parts]);
  }
  return new Blob([out, '}}'], { type: 'application/json' });
}

/**
 * Reads and checks a backup file without writing anything: it must be a
 * Rollcall backup, complete, from this version of the app or an older one,
 * and name only tables this app has.
 */
export async function readBackup(file: Blob, db: RollcallDb = getDb()): Promise<ParsedBackup> {
  const text = await file.text();
  if (!text.trim()) throw notABackup();
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    // A file that starts like a backup but does not parse was cut short or damaged.
    if (text.slice(0, 200).includes(`"${BACKUP_FORMAT}"`)) {
      throw new BackupError('corrupt', 'This backup file is damaged or incomplete (it may have been cut short while being copied). Nothing was changed. Try another copy of the file.', { cause: err });
    }
    throw notABackup();
  }
  if (!isRecord(raw) || raw.format !== BACKUP_FORMAT) throw notABackup();

  const formatVersion = raw.formatVersion;
  const schemaVersion = raw.schemaVersion;
  if (!isPositiveInteger(formatVersion) || !isPositiveInteger(schemaVersion)) throw corrupt('its version is missing');
  if (formatVersion > BACKUP_FORMAT_VERSION || schemaVersion > db.verno) {
    throw new BackupError('newer-version', 'This backup was made by a newer version of Rollcall than the one on this phone. Update the app (reload it while online), then restore again. Nothing was changed.');
  }
  if (!isRecord(raw.tables) || !isRecord(raw.counts)) throw corrupt('its list of tables is missing');
  if (typeof raw.createdAt !== 'string' || Number.isNaN(Date.parse(raw.createdAt))) throw corrupt('its date is missing');

  let file_ = raw as unknown as BackupFile;
  for (let v = formatVersion; v < BACKUP_FORMAT_VERSION; v++) {
    const step = UPGRADES[v];
    if (!step) throw corrupt(`format version ${v} is unknown`);
    file_ = step(file_);
  }

  const known = new Map(backedUpTables(db).map((t) => [t.name, t]));
  const unknown = [...new Set([...Object.keys(file_.tables), ...Object.keys(file_.counts)])].filter((name) => !known.has(name));
  if (unknown.length) {
    throw new BackupError('unknown-table', `This backup holds data this version of Rollcall does not know (${unknown.join(', ')}). Update the app, then restore again. Nothing was changed.`);
  }
  const tables: ParsedBackup['tables'] = {};
  const counts: Record<string, number> = {};
  for (const name of new Set([...Object.keys(file_.tables), ...Object.keys(file_.counts)])) {
    const rows = file_.tables[name];
    const expected = file_.counts[name];
    if (!Array.isArray(rows) || rows.length !== expected) {
      throw new BackupError(
        'count-mismatch',
        `This backup file is incomplete: it should hold ${String(expected ?? 0)} rows of ${name} but holds ${Array.isArray(rows) ? rows.length : 0}. Nothing was changed. Try another copy of the file.`,
      );
    }
    const table = known.get(name)!;
    tables[name] = rows.map((row) => decodeRow(row, table));
    counts[name] = rows.length;
  }
  return {
    summary: {
      createdAt: file_.createdAt,
      appVersion: typeof file_.appVersion === 'string' ? file_.appVersion : null,
      formatVersion,
      schemaVersion,
      counts,
      totalRows: Object.values(counts).reduce((a, b) => a + b, 0),
    },
    tables,
  };
}

/**
 * Writes a checked backup into the database, in one transaction over every
 * table. 'replace' clears each table and loads the backup's rows; 'merge'
 * adds only rows this device does not have (same id, or the same value of a
 * unique index such as one mark per student per session) and keeps the rest.
 *
 * The device id setting is never taken from a backup: it names this phone,
 * not the data, and two phones sharing one would be confused with each other.
 * No outbox rows are written: the backup's own outbox carries its unsent changes.
 */
export async function restoreBackup(db: RollcallDb, parsed: ParsedBackup, options: { mode: RestoreMode }): Promise<RestoreResult> {
  const { mode } = options;
  const added: Record<string, number> = {};
  const skipped: Record<string, number> = {};
  const tables = backedUpTables(db);
  const incoming = { ...parsed.tables };
  try {
    // Sealed before the write transaction, which a WebCrypto promise would end.
    for (const name of FACE_TABLES) if (incoming[name]) incoming[name] = await sealFaceRowsForImport(db, name, incoming[name]);
    if (incoming.modelVersions) incoming.modelVersions = await Promise.all(incoming.modelVersions.map(async (r) => (await sealModelVersion(db, r as unknown as ModelVersionRow)) as unknown as Record<string, unknown>));
    await db.transaction('rw', tables, async () => {
      for (const table of tables) {
        const all = incoming[table.name] ?? [];
        let rows = table.name === 'settings' ? all.filter((r) => r.key !== DEVICE_ID_KEY) : all;
        if (mode === 'replace') {
          const ownId = table.name === 'settings' ? await table.get(DEVICE_ID_KEY) : undefined;
          await table.clear();
          if (ownId) await table.add(ownId);
        } else {
          rows = await rowsMissingFrom(table, rows);
        }
        await table.bulkAdd(rows);
        added[table.name] = rows.length;
        skipped[table.name] = all.length - rows.length;
      }
    });
  } catch (err) {
    if (isStorageFull(err)) {
      throw new BackupError('storage-full', 'This phone ran out of storage while restoring, so nothing was changed: everything on it is as it was. Free some space (old photos, apps), then try again.', { cause: err });
    }
    const detail = err instanceof Error ? err.message : String(err);
    throw new BackupError('restore-failed', `The backup could not be restored, so nothing was changed: everything on this phone is as it was. (${detail})`, { cause: err });
  }
  return { mode, added, skipped };
}

const DEVICE_ID_KEY = 'deviceId';


function notABackup() {
  return new BackupError('not-a-backup', 'This file is not a Rollcall backup. Choose the file that “Back up this device” saved (its name starts with rollcall-backup).');
}

function corrupt(why: string) {
  return new BackupError('corrupt', `This backup file is damaged (${why}). Nothing was changed. Try another copy of the file.`);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPositiveInteger = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

function decodeRow(raw: unknown, table: AnyTable): Record<string, unknown> {
  let row: unknown;
  try {
    row = decodeValue(raw);
  } catch (err) {
    throw new BackupError('corrupt', `This backup file is damaged (a row of ${table.name} cannot be read). Nothing was changed. Try another copy of the file.`, { cause: err });
  }
  const primKey = table.schema.primKey;
  const key = isRecord(row) ? indexValue(row, primKey) : undefined;
  const keyOk = typeof key === 'string' || typeof key === 'number' || (key === undefined && primKey.auto);
  if (!isRecord(row) || !keyOk) throw corrupt(`a row of ${table.name} has no id`);
  return row;
}
