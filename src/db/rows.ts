/**
 * Row types of the on-device tables. Ids are client-generated UUIDs; times
 * are ISO strings. Rows are plain data (plus Blobs for face crops).
 */
import type { AttendanceStatus, MarkSource } from '@/attendance/types';
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
