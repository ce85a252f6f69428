/**
 * A folder import's refusals as a teacher reads them. Pure. Photos refused
 * for want of consent are one line per import, not one per photo: the cause
 * is the student, and the fix (record consent) is the same for every photo.
 */
import type { EnrolmentRefusalKind } from './photos';

export interface FolderRefusal {
  file: string;
  reason: string;
  kind?: EnrolmentRefusalKind;
  /** The student the folder names, when it names one. */
  studentId?: string;
  studentName?: string;
}

export interface NoConsentGroup {
  photos: number;
  students: { id: string; name: string }[];
  /** "30 photos not kept: no consent recorded for 6 students." */
  text: string;
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function groupFolderRefusals(refused: readonly FolderRefusal[]): { noConsent: NoConsentGroup | null; others: FolderRefusal[] } {
  const withoutConsent = refused.filter((r) => r.kind === 'no-consent' && r.studentId);
  const others = refused.filter((r) => !withoutConsent.includes(r));
  if (!withoutConsent.length) return { noConsent: null, others };
  const students = new Map<string, string>();
  for (const r of withoutConsent) students.set(r.studentId!, r.studentName ?? '');
  const text = `${count(withoutConsent.length, 'photo', 'photos')} not kept: no consent recorded for ${
    students.size === 1 ? [...students.values()][0] || '1 student' : `${students.size} students`
  }.`;
  return { noConsent: { photos: withoutConsent.length, students: [...students].map(([id, name]) => ({ id, name })), text }, others };
}
