/** What makes an enrolment photo acceptable, whether it is of the right student, and which student a folder belongs to. Pure. */
import { DEFAULT_LOOKALIKE_THRESHOLD } from '@/ml/classifier/enrolmentCheck';
import type { SampleDoubt } from '@/db/faceSamples';
import { meanOfSmallest, OPEN_SET_DEFAULTS } from '@/ml/classifier/openSetRules';
import { euclidean } from '@/ml/geometry';
import type { Face, QualityIssue } from '@/ml/types';
import { noConsentMessage, type ConsentState } from '@/privacy/consent';

export type EnrolmentRefusalKind = 'no-consent' | 'no-face' | 'several-faces' | 'poor-quality';

export interface EnrolmentRefusal {
  kind: EnrolmentRefusalKind;
  message: string;
}

export const QUALITY_ADVICE: Record<QualityIssue, string> = {
  'too-small': 'the face is too small: move closer or crop the photo',
  blurry: 'the photo is blurred: hold still',
  'too-dark': 'it is too dark: face the light',
  'too-bright': 'it is too bright: move out of direct light',
  turned: 'the head is turned: look at the camera',
  tilted: 'the head is tilted: keep it level',
};

/** Face photos are kept only with consent in force for the student (see privacy/consent.ts). */
export function checkEnrolmentConsent(student: { fullName: string }, consent: ConsentState): EnrolmentRefusal | null {
  return consent === 'given' ? null : { kind: 'no-consent', message: noConsentMessage(student.fullName, consent) };
}

export function checkEnrolmentFace(faces: readonly Face[]): EnrolmentRefusal | null {
  if (faces.length === 0) return { kind: 'no-face', message: 'No face was found in this photo.' };
  if (faces.length > 1) return { kind: 'several-faces', message: `This photo has ${faces.length} faces; use a photo of this student alone.` };
  const face = faces[0]!;
  if (!face.descriptor) return { kind: 'no-face', message: 'The face could not be described; try another photo.' };
  if (!face.quality.ok) {
    const why = face.quality.issues.map((i) => QUALITY_ADVICE[i]).join('; ');
    return { kind: 'poor-quality', message: `Not good enough to enrol: ${why}.` };
  }
  return null;
}

const normalise = (s: string) => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

/**
 * A folder named by roll number ("12", "Roll-12", "12 - Priya Shah") or by
 * full name. A roll-number match wins; an ambiguous name matches nobody.
 */
export function matchFolderToStudent<T extends { rollNo: string; fullName: string }>(folder: string, students: readonly T[]): T | null {
  const name = normalise(folder);
  if (!name) return null;
  const byRoll = students.filter((s) => normalise(s.rollNo) === name);
  if (byRoll.length === 1) return byRoll[0]!;
  const leadingRoll = /^(?:roll\s*)?([a-z0-9]+)\b/.exec(name)?.[1];
  const byPrefix = leadingRoll ? students.filter((s) => normalise(s.rollNo) === leadingRoll) : [];
  if (byPrefix.length === 1) return byPrefix[0]!;
  const byName = students.filter((s) => normalise(s.fullName) === name);
  if (byName.length === 1) return byName[0]!;
  const rest = leadingRoll ? name.slice(leadingRoll.length).trim() : '';
  const byTrailingName = rest ? students.filter((s) => normalise(s.fullName) === rest) : [];
  return byTrailingName.length === 1 ? byTrailingName[0]! : null;
}

/** Why a new photo is held back until the teacher says it is of this student. */
export type PhotoDoubt = Omit<SampleDoubt, 'keptAt'>;

/** A face descriptor and whose it is, stored or new. */
export interface LabelledDescriptor {
  studentId: string;
  descriptor: ArrayLike<number>;
}

const usable = (d: ArrayLike<number>, dimension: number) => {
  if (d.length !== dimension) return false;
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) return false;
  return true;
};

/**
 * Is this new photo of the student it is being added to? It is doubtful when
 * a classmate scores within the look-alike distance and nearer than the
 * student's own photos, or when the student already has photos and none is
 * within that distance. A classmate scores as the recogniser would name them:
 * the mean distance to their two nearest photos, so one stray photo filed
 * under them does not make their look-alikes doubtful too. The student's own
 * photos score by the nearest one, so an odd photo of theirs does not make
 * the good ones look odd. A look-alike classmate alone does not make a photo
 * doubtful, or every photo of a twin would be.
 */
export function doubtAboutPhoto(
  descriptor: ArrayLike<number>,
  own: readonly ArrayLike<number>[],
  classmates: readonly LabelledDescriptor[],
  threshold = DEFAULT_LOOKALIKE_THRESHOLD,
): PhotoDoubt | null {
  const dimension = descriptor.length;
  const ownDistances = own.filter((d) => usable(d, dimension)).map((d) => euclidean(descriptor, d));
  const ownNearest = ownDistances.length ? Math.min(...ownDistances) : Infinity;
  const byClassmate = new Map<string, number[]>();
  for (const c of classmates) {
    if (usable(c.descriptor, dimension)) byClassmate.set(c.studentId, [...(byClassmate.get(c.studentId) ?? []), euclidean(descriptor, c.descriptor)]);
  }
  let nearest: { studentId: string; distance: number } | null = null;
  for (const [studentId, distances] of byClassmate) {
    const distance = meanOfSmallest(distances, OPEN_SET_DEFAULTS.k);
    if (!nearest || distance < nearest.distance) nearest = { studentId, distance };
  }
  if (nearest && nearest.distance <= threshold && nearest.distance < ownNearest) {
    return { kind: 'looks-like', otherStudentId: nearest.studentId, distance: nearest.distance };
  }
  if (ownDistances.length && ownNearest > threshold) return { kind: 'unlike', distance: ownNearest };
  return null;
}

/**
 * New photos of several students at once (a folder), judged together with the
 * ones already stored: each photo against its student's other photos, old and
 * new, and everybody else's. So a classmate's photo in the wrong folder is
 * caught whichever folder is read first.
 */
export function judgeNewPhotos(newPhotos: readonly LabelledDescriptor[], stored: readonly LabelledDescriptor[], threshold = DEFAULT_LOOKALIKE_THRESHOLD): (PhotoDoubt | null)[] {
  const all = [...stored, ...newPhotos];
  return newPhotos.map((photo) => {
    const rest = all.filter((p) => p !== photo);
    const own = rest.filter((p) => p.studentId === photo.studentId).map((p) => p.descriptor);
    return doubtAboutPhoto(photo.descriptor, own, rest.filter((p) => p.studentId !== photo.studentId), threshold);
  });
}

/** What is wrong with a doubtful photo, naming both students. */
export function doubtStatement(doubt: PhotoDoubt, studentName: string, otherName: string | null): string {
  return doubt.kind === 'looks-like' ? `This looks like ${otherName ?? 'another student'}, not ${studentName}.` : `This looks unlike ${studentName}’s other photos.`;
}

/** The question a doubtful photo waits on. */
export function doubtQuestion(doubt: PhotoDoubt, studentName: string, otherName: string | null): string {
  return `${doubtStatement(doubt, studentName, otherName)} Keep it anyway?`;
}

/** The mark a photo kept anyway carries on the student's page. */
export function doubtBadge(doubt: PhotoDoubt, studentName: string, otherName: string | null): string {
  return doubt.kind === 'looks-like' ? `Doubtful: looks like ${otherName ?? 'another student'}` : `Doubtful: unlike ${studentName}’s other photos`;
}

/** One line for all the doubtful photos of a folder import. */
export function doubtSummary(kinds: readonly PhotoDoubt['kind'][]): string {
  if (!kinds.length) return '';
  const like = kinds.filter((k) => k === 'looks-like').length;
  const unlike = kinds.length - like;
  const parts: string[] = [];
  if (like) parts.push(like === 1 ? '1 photo looks like another student' : `${like} photos look like other students`);
  if (unlike) {
    const looks = unlike === 1 ? 'looks unlike its' : 'look unlike their';
    parts.push(like ? `${unlike} ${looks} student’s other photos` : `${unlike} ${unlike === 1 ? 'photo' : 'photos'} ${looks} student’s other photos`);
  }
  return `${parts.join(' and ')}: not kept — review ${kinds.length === 1 ? 'it' : 'them'} below.`;
}
