/**
 * Consent records. Recording and withdrawing write the record, its outbox
 * mutation (the server's `consents` columns) and a privacy log entry in one
 * transaction. Withdrawing erases the student's face data in that same
 * transaction: there is no moment at which consent is withdrawn and the
 * face data still kept.
 */
import { enqueueMutation } from './outbox/enqueueMutation';
import { consentProblems, isConsentInForce, withdrawalTime, type ConsentInput } from '@/privacy/consent';
import { consentToServer } from '@/privacy/consentServerRow';
import type { RollcallDb } from './db';
import { eraseFaceData, type FaceDataErased } from './faceSamples';
import { addPrivacyLog } from './privacyLog';

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

export class ConsentInputError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join(' '));
    this.name = 'ConsentInputError';
    this.problems = problems;
  }
}

export async function listConsents(db: RollcallDb, studentId: string): Promise<ConsentRow[]> {
  const rows = await db.consents.where('studentId').equals(studentId).toArray();
  return rows.sort((a, b) => b.givenAt.localeCompare(a.givenAt) || b.createdAt.localeCompare(a.createdAt));
}

export async function listClassConsents(db: RollcallDb, classId: string): Promise<ConsentRow[]> {
  return db.consents.where('classId').equals(classId).toArray();
}

export interface ConsentToRecord extends ConsentInput {
  studentId: string;
}

/**
 * Records consents (one per student) in one transaction: all or none.
 * Each is checked first; a student who is not on the roster is refused.
 */
export async function recordConsents(db: RollcallDb, inputs: readonly ConsentToRecord[], recordedBy: string, now = new Date()): Promise<ConsentRow[]> {
  for (const input of inputs) {
    const problems = consentProblems(input, now);
    if (problems.length) throw new ConsentInputError(problems);
  }
  const at = now.toISOString();
  return db.transaction('rw', [db.consents, db.students, db.outbox, db.privacyLog, db.settings], async () => {
    const rows: ConsentRow[] = [];
    for (const input of inputs) {
      const student = await db.students.get(input.studentId);
      if (!student || student.deletedAt) throw new Error('That student is no longer on the roster.');
      const row: ConsentRow = {
        id: crypto.randomUUID(),
        studentId: student.id,
        classId: student.classId,
        givenByName: input.givenByName.trim(),
        relationship: input.relationship,
        method: input.method,
        noticeVersion: input.noticeVersion.trim(),
        givenAt: input.givenAt,
        withdrawnAt: null,
        recordedBy: recordedBy.trim(),
        createdAt: at,
        updatedAt: at,
      };
      await db.consents.add(row);
      await enqueueMutation(db, { table: 'consents', op: 'upsert', row: consentToServer(row) }, now);
      await addPrivacyLog(
        db,
        {
          kind: 'consent-recorded',
          studentId: row.studentId,
          classId: row.classId,
          summary: `Consent recorded: ${row.method} (notice ${row.noticeVersion}), given ${row.givenAt.slice(0, 10)}.`,
          counts: { consents: 1 },
          by: row.recordedBy || 'a teacher',
        },
        now,
      );
      rows.push(row);
    }
    return rows;
  });
}

export async function recordConsent(db: RollcallDb, input: ConsentToRecord, recordedBy: string, now = new Date()): Promise<ConsentRow> {
  return (await recordConsents(db, [input], recordedBy, now))[0]!;
}

export interface ConsentWithdrawn {
  withdrawn: ConsentRow[];
  erased: FaceDataErased;
}

/**
 * Withdraws every consent in force for the student and erases their face
 * data (photos, corrections, every model version naming them), in one
 * transaction. The log entry's `server` is 'pending' until the server's
 * copy is erased too (see stores/privacy.ts).
 */
export async function withdrawConsent(db: RollcallDb, studentId: string, by: string, now = new Date()): Promise<ConsentWithdrawn> {
  return db.transaction('rw', [db.consents, db.students, db.outbox, db.privacyLog, db.settings, db.faceSamples, db.negatives, db.modelVersions], async () => {
    const inForce = (await db.consents.where('studentId').equals(studentId).toArray()).filter(isConsentInForce);
    const withdrawn: ConsentRow[] = [];
    for (const c of inForce) {
      const at = withdrawalTime(c, now);
      const row = { ...c, withdrawnAt: at, updatedAt: now.toISOString() };
      await db.consents.put(row);
      await enqueueMutation(db, { table: 'consents', op: 'upsert', row: consentToServer(row) }, now);
      withdrawn.push(row);
    }
    const student = await db.students.get(studentId);
    const erased = await eraseFaceData(
      db,
      { studentIds: [studentId] },
      {
        kind: 'consent-withdrawn',
        studentId,
        classId: student?.classId ?? null,
        summary: `Consent withdrawn (${withdrawn.length} record${withdrawn.length === 1 ? '' : 's'}); the student's face data on this device was erased with it.`,
        by: by.trim() || 'a teacher',
        server: 'pending',
      },
      now,
    );
    return { withdrawn, erased };
  });
}
