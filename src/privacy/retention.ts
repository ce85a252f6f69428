/**
 * Which face data must go: that of students who left, whose consent was
 * withdrawn, or that is older than the school's retention period; and which
 * trained models must go with it. Pure.
 */
import type { ConsentState } from './consent';

/** A school year; the school can choose between a month and three years (BIPA's longest). */
export const DEFAULT_RETENTION_DAYS = 365;
export const MIN_RETENTION_DAYS = 30;
export const MAX_RETENTION_DAYS = 1095;

const DAY_MS = 24 * 60 * 60 * 1000;

export function retentionDaysProblem(days: number): string | null {
  if (!Number.isInteger(days) || days < MIN_RETENTION_DAYS || days > MAX_RETENTION_DAYS) {
    return `Choose a whole number of days between ${MIN_RETENTION_DAYS} and ${MAX_RETENTION_DAYS} (three years).`;
  }
  return null;
}

/** One enrolment photo or one correction, as far as retention cares. */
export interface FaceDataItem {
  table: 'faceSamples' | 'negatives';
  id: string;
  studentId: string;
  classId: string;
  createdAt: string;
}

export interface StudentStanding {
  /** Removed from the roster, or their class deleted. */
  left: boolean;
  consent: ConsentState;
}

export type PurgeReason = 'student-left' | 'consent-withdrawn' | 'expired';

export const PURGE_REASON_TEXT: Record<PurgeReason, string> = {
  'student-left': 'the student left the class',
  'consent-withdrawn': 'consent was withdrawn',
  expired: 'older than the retention period',
};

export interface PurgeDecision {
  item: FaceDataItem;
  reason: PurgeReason;
}

/**
 * The items to erase and why. A student the roster does not know counts as
 * left. Face data with no consent on record at all is kept: it predates
 * consent records, and the Students tab asks the school to record consent or
 * erase it, rather than wiping a class's enrolment on the first start.
 */
export function retentionPurges(
  items: readonly FaceDataItem[],
  standing: (studentId: string) => StudentStanding | undefined,
  policy: { retentionDays: number },
  now: Date,
): PurgeDecision[] {
  const cutoff = now.getTime() - policy.retentionDays * DAY_MS;
  const out: PurgeDecision[] = [];
  for (const item of items) {
    const s = standing(item.studentId);
    if (!s || s.left) out.push({ item, reason: 'student-left' });
    else if (s.consent === 'withdrawn') out.push({ item, reason: 'consent-withdrawn' });
    else if (Date.parse(item.createdAt) < cutoff) out.push({ item, reason: 'expired' });
  }
  return out;
}

/** A trained model version and the students its artifact names (null: the artifact cannot be read). */
export interface ModelVersionNames {
  id: string;
  scope: string;
  students: readonly string[] | null;
}

/**
 * Model versions to delete once `erased` students' face data is gone: every
 * version that names one of them (its gallery holds their descriptors, its
 * weights were fitted to them), old and rejected ones included. A version
 * whose artifact cannot be read is deleted when it belongs to one of their
 * classes (or the school-wide scope), since nobody can show it does not
 * hold them.
 */
export function modelVersionsToDelete(versions: readonly ModelVersionNames[], erased: ReadonlySet<string>, classesOfErased: ReadonlySet<string>): string[] {
  if (erased.size === 0) return [];
  return versions
    .filter((v) => (v.students ? v.students.some((id) => erased.has(id)) : classesOfErased.has(v.scope) || v.scope === 'school'))
    .map((v) => v.id);
}

/**
 * A class photo is kept (sealed, db/reviewPhotos.ts) only so the teacher can
 * correct its faces after a reload: it shows every student in the room,
 * consented or not. Its session's finish ends that, and so does a week.
 */
export const REVIEW_PHOTO_DAYS = 7;

export function reviewPhotosToDelete(
  photos: readonly { id: string; sessionId: string; createdAt: string }[],
  session: (id: string) => { finalisedAt: string | null; deletedAt?: string | null } | undefined,
  now: Date,
): string[] {
  const cutoff = now.getTime() - REVIEW_PHOTO_DAYS * DAY_MS;
  return photos
    .filter((p) => {
      const s = session(p.sessionId);
      return !s || !!s.finalisedAt || !!s.deletedAt || !(Date.parse(p.createdAt) >= cutoff);
    })
    .map((p) => p.id);
}

/** Once a day; the first call after the app starts always runs. */
export function upkeepDue(lastRunAt: string | null, now: Date, startedThisSession: boolean): boolean {
  if (!startedThisSession) return true;
  if (!lastRunAt) return true;
  return now.getTime() - Date.parse(lastRunAt) >= DAY_MS;
}
