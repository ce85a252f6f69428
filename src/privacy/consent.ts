/**
 * Consent to keep a student's face data: what a valid record needs, and
 * where a student stands given their records. Pure.
 */
import type { ConsentMethod, ConsentRelationship, ConsentRow } from '@/db/consents';

/** Methods that leave a written record. Illinois BIPA asks for a written release, so a spoken "yes" is not enough. */
export const WRITTEN_METHODS: readonly ConsentMethod[] = ['paper', 'app', 'email'];

export const METHOD_LABELS: Record<ConsentMethod, string> = {
  paper: 'Signed paper form',
  app: 'In the app',
  email: 'By email',
  verbal: 'Spoken (not enough for face data)',
};

export const RELATIONSHIP_LABELS: Record<ConsentRelationship, string> = {
  parent: 'Parent',
  'legal-guardian': 'Legal guardian',
  self: 'The student (18 or over)',
};

export const MAX_NOTICE_VERSION = 50;
export const MAX_NAME = 200;

export interface ConsentInput {
  givenByName: string;
  relationship: ConsentRelationship;
  method: ConsentMethod;
  noticeVersion: string;
  /** ISO time; a form's date is local midnight of that day. */
  givenAt: string;
}

/** What is wrong with a consent about to be recorded, in words for the form; empty when it can be recorded. */
export function consentProblems(input: ConsentInput, now: Date): string[] {
  const problems: string[] = [];
  const name = input.givenByName.trim();
  if (!name) problems.push(input.relationship === 'self' ? 'Enter the student’s name.' : 'Enter the name of the parent or guardian who consented.');
  else if (name.length > MAX_NAME) problems.push(`The name is longer than ${MAX_NAME} characters.`);
  if (!(input.relationship in RELATIONSHIP_LABELS)) problems.push('Choose who gave consent.');
  if (!WRITTEN_METHODS.includes(input.method)) problems.push('Face data needs written consent: a signed form, the app, or an email.');
  const version = input.noticeVersion.trim();
  if (!version) problems.push('Enter the version of the privacy notice they were shown (it is printed on the notice).');
  else if (version.length > MAX_NOTICE_VERSION) problems.push(`The notice version is longer than ${MAX_NOTICE_VERSION} characters.`);
  const given = Date.parse(input.givenAt);
  if (Number.isNaN(given)) problems.push('Enter the date consent was given.');
  else if (given > now.getTime()) problems.push('The date consent was given cannot be in the future.');
  // The school's server refuses consents dated before 2020 (no record here can be older).
  else if (given < Date.UTC(2020, 0, 1)) problems.push('Check the date consent was given: it is before 2020.');
  return problems;
}

export type ConsentState = 'given' | 'withdrawn' | 'none';

export interface ConsentStatus {
  state: ConsentState;
  /** The consent in force ('given'), or the latest withdrawn one ('withdrawn'). */
  current: ConsentRow | null;
}

/** A record that lets face data be kept: written, and not withdrawn. */
export function isConsentInForce(c: Pick<ConsentRow, 'method' | 'withdrawnAt'>): boolean {
  return c.withdrawnAt === null && WRITTEN_METHODS.includes(c.method);
}

/**
 * Where one student stands. Any record in force is enough (withdrawing
 * withdraws them all); otherwise the latest withdrawal is what to show.
 */
export function consentStatus(records: readonly ConsentRow[]): ConsentStatus {
  const newestFirst = [...records].sort((a, b) => b.givenAt.localeCompare(a.givenAt) || b.createdAt.localeCompare(a.createdAt));
  const inForce = newestFirst.find(isConsentInForce);
  if (inForce) return { state: 'given', current: inForce };
  const withdrawn = [...records].filter((c) => c.withdrawnAt).sort((a, b) => b.withdrawnAt!.localeCompare(a.withdrawnAt!))[0];
  return withdrawn ? { state: 'withdrawn', current: withdrawn } : { state: 'none', current: null };
}

/** A withdrawal is never dated before the consent, here as on the server (withdrawn_at >= given_at). */
export function withdrawalTime(c: Pick<ConsentRow, 'givenAt'>, now: Date): string {
  const at = now.toISOString();
  return at < c.givenAt ? c.givenAt : at;
}

/** A form's yyyy-mm-dd as local midnight, in ISO; null when it is not a date. */
export function dateInputToIso(value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (d.getFullYear() !== Number(m[1]) || d.getMonth() !== Number(m[2]) - 1 || d.getDate() !== Number(m[3])) return null;
  return d.toISOString();
}

/** Today's local date as yyyy-mm-dd, for a date input's default and max. */
export function todayInput(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Why enrolment is refused, in words for the teacher. */
export function noConsentMessage(fullName: string, state: ConsentState): string {
  return state === 'withdrawn'
    ? `Consent for ${fullName}’s face data was withdrawn, so no photos can be kept. Record a new consent first if the family has agreed again.`
    : `No consent is recorded for ${fullName}’s face data, so no photos can be kept. Record the guardian’s consent first (or the student’s own, if 18 or over).`;
}
