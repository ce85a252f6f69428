/**
 * Whose setting decides. A phone that syncs with a school follows the
 * school's settings: its admin chose them for every phone and every class.
 * A phone on its own follows what was set on it (and each class's own late
 * cut-off). This is the one place that rule is written; stores read the
 * values and ask here. Pure.
 */
import type { AttendanceRules } from './types';

/** The school's settings that decide a phone's rules (a SchoolRow has them). */
export interface SchoolPolicy {
  autoMarkConfidence: number;
  lateAfterMinutes: number;
  retentionDays: number;
}

/** What was set on this phone, used when it has no school. */
export interface PhonePolicy {
  autoMarkConfidence: number;
  retentionDays: number;
}

/** A class's own cut-off (a ClassRow has it), used when the phone has no school. */
export interface ClassPolicy {
  lateAfterMinutes: number;
}

export interface PolicyInput {
  /** The school this phone syncs with; none for a phone without a server. */
  school?: SchoolPolicy | null;
  phone: PhonePolicy;
}

export type DecidedBy = 'school' | 'phone';

export function decidedBy(input: Pick<PolicyInput, 'school'>): DecidedBy {
  return input.school ? 'school' : 'phone';
}

/** Least confidence to name a face and mark it automatically; below it the face is a stranger. */
export function confidenceThreshold(input: PolicyInput): number {
  return input.school?.autoMarkConfidence ?? input.phone.autoMarkConfidence;
}

/** Days face data is kept. */
export function retentionPeriod(input: PolicyInput): number {
  return input.school?.retentionDays ?? input.phone.retentionDays;
}

/**
 * Minutes after a session starts from which an arrival is late: the
 * school's, for every class of the school, else the class's own.
 */
export function lateCutOff(input: Pick<PolicyInput, 'school'> & { klass: ClassPolicy }): number {
  return input.school?.lateAfterMinutes ?? input.klass.lateAfterMinutes;
}

/** The rules a session of `klass` is marked by on this phone. */
export function attendanceRules(input: PolicyInput & { klass: ClassPolicy }): AttendanceRules {
  return { lateAfterMinutes: lateCutOff(input), autoMarkConfidence: confidenceThreshold(input) };
}

/** The class screen's words for its cut-off, and whose setting it is. */
export function lateCutOffWords(minutes: number, schoolName: string | null): string {
  const when = minutes === 0 ? 'Anyone first seen after the start is late' : `Anyone first seen more than ${minutes} minute${minutes === 1 ? '' : 's'} after the start is late`;
  return schoolName ? `${when}: ${schoolName}’s setting, the same for every class.` : `${when}.`;
}
