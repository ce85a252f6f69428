/**
 * The on-device database (IndexedDB through Dexie). Every row has a
 * client-generated UUID and an `updatedAt` so it can later be synced without
 * renumbering; deletions of synced entities are tombstones (`deletedAt`).
 * New tables arrive as new `version()` blocks; old ones stay.
 */
import Dexie, { type EntityTable } from 'dexie';
import type { StoredModelVersionRow } from './modelVersions';
import type { ClassRow, StudentRow } from './classes';
import type { ConsentRow } from './consents';
import type { DisputeRow, ExcuseRequestRow } from './disputes';
import type { DeviceKeyRow } from './faceCrypto';
import type { StoredFaceSampleRow, StoredNegativeRow } from './faceSamples';
import type { OutboxRow } from './outbox/enqueueMutation';
import type { PrivacyLogRow } from './privacyLog';
import type { StoredReviewPhotoRow } from './reviewPhotos';
import type { SchoolRow } from './schools';
import type { MarkHistoryRow, MarkRow, RecognitionEventRow, SessionRow } from './sessions';
import type { SettingRow } from './settings';

export interface Synced {
  id: string;
  createdAt: string;
  updatedAt: string;
  /** Set instead of deleting, so the deletion can reach other devices. */
  deletedAt?: string | null;
}

/** Sync bookkeeping: the pull cursor, when the last sync finished. */
export interface SyncStateRow {
  key: string;
  value: unknown;
}

export class RollcallDb extends Dexie {
  modelVersions!: EntityTable<StoredModelVersionRow, 'id'>;
  classes!: EntityTable<ClassRow, 'id'>;
  students!: EntityTable<StudentRow, 'id'>;
  /** Read and write through faceSamples.ts: the face is sealed under the device key. */
  faceSamples!: EntityTable<StoredFaceSampleRow, 'id'>;
  negatives!: EntityTable<StoredNegativeRow, 'id'>;
  sessions!: EntityTable<SessionRow, 'id'>;
  marks!: EntityTable<MarkRow, 'id'>;
  recognitionEvents!: EntityTable<RecognitionEventRow, 'id'>;
  settings!: EntityTable<SettingRow, 'key'>;
  outbox!: EntityTable<OutboxRow, 'seq'>;
  syncState!: EntityTable<SyncStateRow, 'key'>;
  markHistory!: EntityTable<MarkHistoryRow, 'seq'>;
  schools!: EntityTable<SchoolRow, 'id'>;
  disputes!: EntityTable<DisputeRow, 'id'>;
  excuseRequests!: EntityTable<ExcuseRequestRow, 'id'>;
  consents!: EntityTable<ConsentRow, 'id'>;
  privacyLog!: EntityTable<PrivacyLogRow, 'seq'>;
  deviceKeys!: EntityTable<DeviceKeyRow, 'id'>;
  /** Class photos waiting for review, sealed: read and write through reviewPhotos.ts. */
  reviewPhotos!: EntityTable<StoredReviewPhotoRow, 'id'>;

  constructor(name = 'rollcall') {
    super(name);
    this.version(1).stores({
      modelVersions: 'id, scope, [scope+createdAt], status',
    });
    this.version(2).stores({
      classes: 'id, name, updatedAt',
      students: 'id, classId, [classId+rollNo], updatedAt',
      faceSamples: 'id, studentId, classId, updatedAt',
      negatives: 'id, studentId, classId',
      sessions: 'id, classId, [classId+startsAt], updatedAt',
      // One mark per student per session: the compound index is unique.
      marks: 'id, sessionId, studentId, &[sessionId+studentId], updatedAt',
      recognitionEvents: 'id, sessionId, at',
      settings: 'key',
    });
    // Changes waiting for the server (see sync/), written with the change itself.
    this.version(3).stores({
      outbox: '++seq, table, rowId, createdAt',
      syncState: 'key',
      markHistory: '++seq, markId, sessionId',
    });
    // Consent records, the privacy log, and the key face data is encrypted
    // under. Rows written before encryption are sealed after opening
    // (faceSamples.ts, sealPlaintextFaceData): WebCrypto's promises are not
    // Dexie's, and awaiting one inside an upgrade would end its transaction.
    this.version(4).stores({
      consents: 'id, studentId, classId, updatedAt',
      privacyLog: '++seq, at, kind, studentId',
      deviceKeys: 'id',
    });
    // Pulled from the school's server: its settings, disputes and excuse requests.
    this.version(5).stores({
      schools: 'id',
      disputes: 'id, markId, status, updatedAt',
      excuseRequests: 'id, markId, studentId, status, updatedAt',
    });
    // Class photos kept until their faces are reviewed (reviewPhotos.ts).
    this.version(6).stores({
      reviewPhotos: 'id, sessionId, classId, createdAt',
    });
  }
}

let shared: RollcallDb | null = null;

/** The app's database; tests make their own with a unique name. */
export function getDb(): RollcallDb {
  shared ??= new RollcallDb();
  return shared;
}
