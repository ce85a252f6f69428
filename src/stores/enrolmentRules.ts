/** What makes an enrolment photo acceptable, and which student a folder belongs to. Pure. */
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
