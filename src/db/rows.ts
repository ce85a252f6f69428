/**
 * Row types of the on-device tables. Ids are client-generated UUIDs; times
 * are ISO strings. Rows are plain data (plus Blobs for face crops).
 */
import type { AttendanceStatus, MarkEvidence, MarkSource } from '@/attendance/types';
import type { Box, Quality } from '@/ml/types';

interface Synced {
  id: string;
  createdAt: string;
  updatedAt: string;
  /** Set instead of deleting, so the deletion can reach other devices. */
  deletedAt?: string | null;
}

export interface ClassRow extends Synced {
  name: string;
  /** Minutes after a session starts from which an arrival counts as late. */
  lateAfterMinutes: number;
  /** ISO 3166 country used to read phone numbers written without +country code. */
  defaultCountry: string;
}

export interface StudentRow extends Synced {
  classId: string;
  rollNo: string;
  fullName: string;
  guardianName: string;
  /** E.164, e.g. +919812345678; empty when unknown. */
  guardianPhone: string;
  email: string;
  studentEmail: string;
  /** When the school erased their face data on the server (pulled): this device erases its copy too. */
  biometricsErasedAt?: string | null;
}

export type SampleSource = 'camera' | 'upload' | 'folder' | 'correction';

/** One enrolment photo of a student: the descriptor trains the model, the crop is shown to the teacher. */
export interface FaceSampleRow extends Synced {
  studentId: string;
  classId: string;
  descriptor: number[];
  descriptorVersion: string;
  /** The same face in altered copies of the photo (ml/augment.ts): extra training samples, erased with the photo. */
  augmented?: number[][];
  /** The face cut from the photo (JPEG), kept on this device only. */
  crop: Blob | null;
  quality: Quality;
  source: SampleSource;
  /** Kept although it looked like someone else: the teacher chose to keep it, and the mark stays until it is removed. */
  doubtful?: SampleDoubt;
}

/** Why an enrolment photo was doubtful when it was kept (enrolment/photos.ts decides). */
export interface SampleDoubt {
  /** 'looks-like': nearer another student's photos than this student's own; 'unlike': far from all of this student's photos. */
  kind: 'looks-like' | 'unlike';
  /** The student it looked like, for 'looks-like'. */
  otherStudentId?: string;
  /** How far it was: mean descriptor distance to that student's two nearest photos, or for 'unlike' to this student's nearest. */
  distance: number;
  /** When the teacher chose to keep it anyway. */
  keptAt: string;
}

/** A "not this person" correction: this face must not be recognised as `studentId`. */
export interface NegativeRow {
  id: string;
  studentId: string;
  classId: string;
  descriptor: number[];
  descriptorVersion: string;
  createdAt: string;
}

/**
 * AES-GCM ciphertext under the device key (db/faceCrypto.ts): a fresh
 * 12-byte IV per value, the row's id and field bound in as associated data.
 */
export interface SealedValue {
  iv: Uint8Array<ArrayBuffer>;
  data: ArrayBuffer;
}

/**
 * A faceSamples row as IndexedDB holds it: the descriptor with its
 * augmented copies, and the crop, sealed. Rows written before encryption
 * still hold them in the clear until `sealPlaintextFaceData` has run; the
 * read functions in faceSamples.ts accept both and return a FaceSampleRow.
 */
export interface StoredFaceSampleRow extends Omit<FaceSampleRow, 'descriptor' | 'augmented' | 'crop'> {
  /** Descriptor and augmented copies, sealed together. */
  sealedFace?: SealedValue;
  /** The crop's bytes, sealed; null when no crop was kept. */
  sealedCrop?: SealedValue | null;
  /** The crop's MIME type (not secret), to rebuild the Blob. */
  cropType?: string;
  descriptor?: number[];
  augmented?: number[][];
  crop?: Blob | null;
}

/** A negatives row as IndexedDB holds it: the descriptor sealed (or, before encryption, in the clear). */
export interface StoredNegativeRow extends Omit<NegativeRow, 'descriptor'> {
  sealedFace?: SealedValue;
  descriptor?: number[];
}

/** A key that never leaves this device: a non-extractable CryptoKey, kept by IndexedDB's structured clone. */
export interface DeviceKeyRow {
  id: string;
  key: CryptoKey;
  createdAt: string;
}

/** How consent was given. Only written consent counts for face data (Illinois BIPA asks for a written release). */
export type ConsentMethod = 'paper' | 'app' | 'email' | 'verbal';

/** Who gave consent: a parent or legal guardian, or the student when 18 or over. */
export type ConsentRelationship = 'parent' | 'legal-guardian' | 'self';

/**
 * Consent to keep and use one student's face data. A record is evidence:
 * never edited, only withdrawn; consenting again adds a new record. The
 * server's `consents` table holds the same record (see privacy/consentServerRow.ts);
 * the names stay on this device.
 */
export interface ConsentRow {
  id: string;
  studentId: string;
  classId: string;
  /** The person who consented, by name. */
  givenByName: string;
  relationship: ConsentRelationship;
  method: ConsentMethod;
  /** The version of the privacy notice they were shown. */
  noticeVersion: string;
  /** When they consented (the date on a paper form). */
  givenAt: string;
  withdrawnAt: string | null;
  /** The teacher or admin who recorded it on this device. */
  recordedBy: string;
  createdAt: string;
  updatedAt: string;
}

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

export type SessionMode = 'live' | 'photo' | 'manual';

/** One taking of attendance: a class, a date and time, and who took it. */
export interface SessionRow extends Synced {
  classId: string;
  startsAt: string;
  takenBy: string;
  mode: SessionMode;
  /** Most faces seen in any one photo or frame, summed over photos (a photo's faces count once). */
  facesDetected: number;
  photos: number;
  device: string;
  finalisedAt: string | null;
  /**
   * Set when the close of day finished the session (nobody pressed Finish);
   * it reads as finished automatically while finalisedAt is still this time.
   * Kept on the phone: the server holds when, not how.
   */
  autoFinalisedAt?: string | null;
}

export interface MarkRow {
  id: string;
  sessionId: string;
  studentId: string;
  status: AttendanceStatus;
  source: MarkSource;
  /** Calibrated probability of an automatic mark; null for manual ones. */
  confidence: number | null;
  markedAt: string;
  /** Passive liveness score (0..1) of the sighting that made an automatic mark; absent when none was taken. */
  liveness?: number | null;
  /** The faces an automatic mark rests on (kept on this device; the server holds the mark, not the faces). */
  evidence?: MarkEvidence[];
  /**
   * Set when the mark was taken back (a person cleared it, or rejected the
   * only face it rested on). The row stays, so the student keeps one mark
   * identity in the session on every device and on the server, and the
   * clear itself syncs; status and the other fields say what was cleared.
   */
  clearedAt?: string | null;
  device: string;
  updatedAt: string;
  /** The server's `updated_at` of this mark when it was last pulled; absent while the change is only on this device. */
  serverUpdatedAt?: string;
}

/** Every face the recogniser named or could not name, for audit and review. */
export interface RecognitionEventRow {
  id: string;
  sessionId: string;
  at: string;
  studentId: string | null;
  confidence: number;
  device: string;
  box: Box | null;
  reason: string;
}

export interface SettingRow {
  key: string;
  value: unknown;
}

/** A table the sync function accepts, by its server name. */
export type SyncedTable = 'schools' | 'classes' | 'students' | 'sessions' | 'attendance_marks' | 'recognition_events' | 'disputes' | 'consents';

/**
 * One change waiting to reach the server, written in the same transaction
 * as the change itself. `row` is already in the server's columns.
 */
export interface OutboxRow {
  /** Order of the changes on this device. */
  seq?: number;
  /** The server applies a clientId once, so sending a row twice is harmless. */
  clientId: string;
  table: SyncedTable;
  op: 'upsert' | 'delete';
  rowId: string;
  row: Record<string, unknown>;
  clientUpdatedAt: string;
  createdAt: string;
  /** Pushes that failed on the network. */
  attempts: number;
  lastError?: string;
  /** Set when the server refused the change; the row stays for the teacher to see, and is not sent again. */
  rejectedReason?: string;
}

/** Sync bookkeeping: the pull cursor, when the last sync finished. */
export interface SyncStateRow {
  key: string;
  value: unknown;
}

/** A manual mark replaced by a later manual mark from another device, kept for the record. */
export interface MarkHistoryRow {
  seq?: number;
  markId: string;
  sessionId: string;
  studentId: string;
  mark: MarkRow;
  replacedAt: string;
}

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

export type DisputeStatus = 'open' | 'resolved' | 'rejected';

/** "This mark is wrong", opened by a student or parent; the class's teacher resolves it. */
export interface DisputeRow {
  id: string;
  markId: string;
  /** Who opened it (a user id); null for one opened on this device and not yet synced. */
  openedBy: string | null;
  reason: string;
  requestedStatus: AttendanceStatus | null;
  status: DisputeStatus;
  correctedStatus: AttendanceStatus | null;
  resolution: string | null;
  resolvedBy: string | null;
  resolvedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export type ExcuseStatus = 'pending' | 'approved' | 'rejected';

/** A guardian's reply to an absence SMS ("1 sick"), waiting for the teacher. */
export interface ExcuseRequestRow {
  id: string;
  markId: string;
  studentId: string;
  reason: string;
  message: string;
  status: ExcuseStatus;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  createdAt: string;
  updatedAt: string;
}
