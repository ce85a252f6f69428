/**
 * How a mark came about, and who took a session, in the words every export
 * and screen uses. Pure. A mark's `source` alone can't tell the camera from
 * the absence Finish gives a student nobody saw (both are 'auto'), nor a
 * teacher's tap from a reviewer's decision (both 'manual'), so the rest of
 * the mark decides too.
 */
import type { AttendanceStatus, MarkSource } from './types';

export type MarkOrigin = 'camera' | 'teacher' | 'not-seen' | 'dispute' | 'excuse' | 'review';

export const ORIGIN_LABELS: Readonly<Record<MarkOrigin, string>> = {
  camera: 'Camera',
  teacher: 'Teacher',
  'not-seen': 'Finish: not seen',
  dispute: 'Dispute',
  excuse: 'Excuse',
  review: 'Review',
};

/** The device the server writes on a reviewer's correction: 'server', or 'server:dispute' / 'server:excuse' since reviews say why. */
export const REVIEW_DEVICE = 'server';

export interface MarkFacts {
  status: AttendanceStatus | string;
  source: MarkSource | string;
  confidence: number | null;
  device?: string | null;
}

export function markOrigin(mark: MarkFacts): MarkOrigin {
  if (mark.source === 'manual') return reviewOrigin(mark.device) ?? 'teacher';
  // Recognition always records how sure it was and never marks anyone absent;
  // an automatic mark without either is the absence Finish gave.
  if (mark.confidence === null || mark.status === 'absent') return 'not-seen';
  return 'camera';
}

export const markOriginLabel = (mark: MarkFacts): string => ORIGIN_LABELS[markOrigin(mark)];

/** The same, as a sentence for a student or a parent: who decided the mark. */
export const ORIGIN_WORDS: Readonly<Record<MarkOrigin, string>> = {
  camera: 'Recognised by the camera',
  teacher: 'Marked by the teacher',
  'not-seen': 'Not seen when the teacher finished the register',
  dispute: 'Corrected by the teacher after a dispute',
  excuse: 'Excused by the teacher after a message',
  review: 'Corrected by the teacher after a review',
};

export const markOriginWords = (mark: MarkFacts): string => ORIGIN_WORDS[markOrigin(mark)];

function reviewOrigin(device: string | null | undefined): MarkOrigin | null {
  if (!device || (device !== REVIEW_DEVICE && !device.startsWith(`${REVIEW_DEVICE}:`))) return null;
  const why = device.slice(REVIEW_DEVICE.length + 1);
  return why === 'dispute' ? 'dispute' : why === 'excuse' ? 'excuse' : 'review';
}

/** True when a reviewer's decision on the server made the mark. */
export const isReviewMark = (mark: MarkFacts): boolean => mark.source === 'manual' && reviewOrigin(mark.device) !== null;

export const NAME_NOT_RECORDED = 'Name not recorded';
export const SOMEONE_AT_SCHOOL = 'A teacher at the school';
export const KIOSK_TAKER = 'Kiosk';

const USER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The name to show for a session's `takenBy`. Sessions taken on this phone
 * hold the teacher's name; one pulled from the school's server holds the
 * account id of whoever took it, shown as the signed-in teacher's name when
 * it is theirs, or "You" when their account has no name (the phone knows no
 * one else's: sync pulls no names of other staff). Sessions from before names
 * were asked for hold the word 'Teacher' or nothing.
 */
export function takenByName(takenBy: string | null | undefined, signedIn?: { id: string; name: string } | null): string {
  const value = (takenBy ?? '').trim();
  if (USER_ID.test(value)) return signedIn && signedIn.id.toLowerCase() === value.toLowerCase() ? signedIn.name.trim() || 'You' : SOMEONE_AT_SCHOOL;
  if (value === KIOSK_TAKER) return 'Self check-in kiosk';
  if (!value || value === 'Teacher') return NAME_NOT_RECORDED;
  return value;
}

/** The name a new session is taken under: the signed-in account's, else the one kept on the phone; '' means ask. */
export function teacherNameFor(accountName: string | null | undefined, phoneName: string | null | undefined): string {
  return (accountName ?? '').trim() || (phoneName ?? '').trim();
}
