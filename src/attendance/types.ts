/** Plain data for the attendance rules. Nothing here touches storage, Vue or tensors. */
import { SCHOOL_SETTING_DEFAULTS } from '@contracts/schoolSettings';
import { LOW_LIVENESS } from '@/ml/liveness/types';

export type AttendanceStatus = 'present' | 'absent' | 'late' | 'excused';

/** 'auto' came from face recognition; 'manual' from a person. Manual always wins. */
export type MarkSource = 'auto' | 'manual';

/**
 * One face a mark rests on: which face of which photo or camera track, how
 * sure the recogniser was, and when it was seen. A correction about a face
 * takes back only what rested on that face.
 */
export interface MarkEvidence {
  /** The face's key: `<photo id>-<index>` for a class photo, `live-<track id>` for a camera track. */
  face: string;
  confidence: number;
  at: string;
}

/** A mark as the rules see it (a MarkRow without storage fields). */
export interface Mark {
  studentId: string;
  status: AttendanceStatus;
  source: MarkSource;
  confidence: number | null;
  markedAt: string;
  /** Passive liveness score (0..1) of the sighting that made an automatic mark, when one was taken. */
  liveness?: number | null;
  /** The faces an automatic mark rests on; absent on manual marks and on marks made before faces were kept. */
  evidence?: MarkEvidence[];
}

/** One face of a photo or frame after recognition. */
export interface FaceVerdict {
  /** Which face this is (see MarkEvidence.face), so the mark it makes can name it. */
  face?: string;
  /** A student id, or null when the face was not accepted as anyone. */
  studentId: string | null;
  /** The best candidate even when rejected (for "low confidence: Priya?"). */
  candidateId: string | null;
  /** Calibrated probability for `candidateId`. */
  confidence: number;
  /** Passive liveness score (0..1) of the face, when it was checked. */
  liveness?: number;
}

export { LOW_LIVENESS } from '@/ml/liveness/types';

/** True when a liveness score was taken and is low. */
export function isLowLiveness(liveness: number | null | undefined): boolean {
  return typeof liveness === 'number' && liveness < LOW_LIVENESS;
}

export interface AttendanceRules {
  /** Minutes after the session start from which a first sighting counts as late. */
  lateAfterMinutes: number;
  /** Below this an accepted face is still shown as "low confidence" and not marked automatically. */
  autoMarkConfidence: number;
}

/** A phone on its own starts where a new school does. */
export const DEFAULT_RULES: AttendanceRules = {
  lateAfterMinutes: SCHOOL_SETTING_DEFAULTS.lateAfterMinutes,
  autoMarkConfidence: SCHOOL_SETTING_DEFAULTS.autoMarkConfidence,
};

/** How a face is shown in review. */
export type FaceLabelKind = 'named' | 'low-confidence' | 'unknown';

/** One row of a class summary over a date range. */
export interface StudentSummary {
  studentId: string;
  rollNo: string;
  fullName: string;
  /** Status per session, in the order of ClassSummary.sessions; null when the student has no mark. */
  statuses: (AttendanceStatus | null)[];
  present: number;
  late: number;
  absent: number;
  excused: number;
  /** (present + late) / (sessions - excused), 0..1; null when there is nothing to count. */
  rate: number | null;
}

export interface ClassSummary {
  className: string;
  from: string;
  to: string;
  sessions: { id: string; startsAt: string }[];
  students: StudentSummary[];
}
