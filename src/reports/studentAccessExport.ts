/**
 * An access request: everything the device holds about one student, as a
 * JSON file (complete: face templates and photos included) and an Excel
 * sheet (readable: the same records, with the face data summarised).
 * Pure: the caller gathers the data and turns crops into base64 first.
 * The Excel builder loads sheetjs-style, so import it lazily
 * (`exportStudentAccessWorkbook`).
 */
import { markOriginLabel, type MarkFacts } from '@/attendance/origin';

export interface AccessRecord {
  [key: string]: unknown;
}

export interface AccessPhoto {
  id: string;
  createdAt: string;
  source: string;
  descriptorVersion: string;
  quality: { ok: boolean; issues: readonly string[] } & AccessRecord;
  descriptor: readonly number[];
  augmented: readonly (readonly number[])[];
  /** The face cut from the photo, as base64, or null when none was kept. */
  crop: { type: string; base64: string } | null;
}

export interface StudentAccessInput {
  exportedAt: string;
  student: { id: string; rollNo: string; fullName: string; guardianName: string; guardianPhone: string; email: string; studentEmail: string; createdAt: string; deletedAt?: string | null } & AccessRecord;
  className: string | null;
  consents: ({ givenByName: string; relationship: string; method: string; noticeVersion: string; givenAt: string; withdrawnAt: string | null; recordedBy: string; createdAt: string } & AccessRecord)[];
  photos: AccessPhoto[];
  corrections: ({ id: string; createdAt: string; descriptor: readonly number[] } & AccessRecord)[];
  models: { id: string; createdAt: string; status: string }[];
  marks: ({ sessionStartsAt: string | null; takenBy: string | null; status: string; source: string; confidence: number | null; markedAt: string; clearedAt?: string | null } & AccessRecord)[];
  recognitionEvents: ({ at: string; confidence: number; reason: string } & AccessRecord)[];
  replacedMarks: AccessRecord[];
  pendingChanges: AccessRecord[];
  privacyLog: ({ at: string; kind: string; summary: string; by: string } & AccessRecord)[];
}

/** The facts of an exported mark that say how it came about; its device travels with the rest of the stored row. */
export const accessMarkFacts = (m: StudentAccessInput['marks'][number]): MarkFacts => ({
  status: m.status,
  source: m.source,
  confidence: m.confidence,
  device: typeof m.device === 'string' ? m.device : null,
});

export const ACCESS_FORMAT = 'rollcall-access-request';

/** "access-request-1-ana-lima-2026-03-04", without an extension. */
export function accessFileName(student: { rollNo: string; fullName: string }, exportedAt: string): string {
  const slug = `${student.rollNo} ${student.fullName}`
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `access-request-${slug || 'student'}-${exportedAt.slice(0, 10)}`;
}

/** Everything, as JSON text, with a note on what each part is. */
export function studentAccessJson(input: StudentAccessInput): string {
  return JSON.stringify(
    {
      format: ACCESS_FORMAT,
      version: 1,
      exportedAt: input.exportedAt,
      about:
        'Everything this Rollcall device holds about one student. faceData holds face templates (128 numbers each, computed from each photo) and the face cut from each enrolment photo, as base64 JPEG. Attendance is what the teacher and the recogniser recorded. The privacy log lists consents, erasures and exports.',
      student: input.student,
      class: input.className,
      consents: input.consents,
      faceData: { photos: input.photos, corrections: input.corrections, trainedModelsNamingTheStudent: input.models },
      // `how` puts what the stored fields mean in the words of the Excel sheet and the session exports.
      attendance: { marks: input.marks.map((m) => ({ ...m, how: markOriginLabel(accessMarkFacts(m)) })), recognitionEvents: input.recognitionEvents, replacedMarks: input.replacedMarks },
      changesNotYetSentToTheServer: input.pendingChanges,
      privacyLog: input.privacyLog,
    },
    null,
    2,
  );
}

export async function exportStudentAccessWorkbook(input: StudentAccessInput): Promise<Uint8Array<ArrayBuffer>> {
  const { buildStudentAccessWorkbook } = await import('./studentAccessWorkbook');
  return buildStudentAccessWorkbook(input);
}
