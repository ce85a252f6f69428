/**
 * The device's rows in the sync function's columns and back. Only columns
 * the function accepts go out; guardians' details, the teacher's name and
 * every piece of face data stay on the device. Pure.
 */
import { SCHOOL_SETTING_DEFAULTS } from '@contracts/schoolSettings';
import type { ClassRow, StudentRow } from '@/db/classes';
import type { DisputeRow, ExcuseRequestRow } from '@/db/disputes';
import type { SchoolRow } from '@/db/schools';
import type { MarkRow, RecognitionEventRow, SessionRow } from '@/db/sessions';

export type ServerRow = Record<string, unknown>;

/** School comes at push time (see pushOutbox): a class made before sign-in has none yet. */
export function classToServer(c: ClassRow): ServerRow {
  return { id: c.id, name: c.name, late_after_minutes: c.lateAfterMinutes, default_country: c.defaultCountry };
}

export function studentToServer(s: StudentRow): ServerRow {
  // The server's `email` is the student's own; the roster's `email` is the guardian's.
  return { id: s.id, class_id: s.classId, roll_no: s.rollNo, full_name: s.fullName, email: s.studentEmail.trim() || null };
}

/** `taken_by` is always the caller on the server, so the device's name for the teacher is not sent. */
export function sessionToServer(s: SessionRow): ServerRow {
  return {
    id: s.id,
    class_id: s.classId,
    starts_at: s.startsAt,
    mode: s.mode,
    faces_detected: s.facesDetected,
    photos: s.photos,
    device: s.device,
    finalised_at: s.finalisedAt,
  };
}

export function markToServer(m: MarkRow): ServerRow {
  return {
    id: m.id,
    session_id: m.sessionId,
    student_id: m.studentId,
    status: m.status,
    source: m.source,
    confidence: m.confidence,
    marked_at: m.markedAt,
    device: m.device,
    cleared_at: m.clearedAt ?? null,
  };
}

export function recognitionEventToServer(e: RecognitionEventRow): ServerRow {
  return { id: e.id, session_id: e.sessionId, at: e.at, student_id: e.studentId, confidence: e.confidence, device: e.device, box: e.box, reason: e.reason };
}

/** Server times carry microseconds and an offset; the device compares ISO strings made by Date. */
function iso(value: unknown): string {
  return new Date(String(value)).toISOString();
}

function isoOrNull(value: unknown): string | null {
  return value == null ? null : iso(value);
}

function num(value: unknown): number {
  return Number(value);
}

/** `local` supplies what only the device knows (guardians, the teacher's name). */
export function classFromServer(r: ServerRow, local?: ClassRow): ClassRow {
  return {
    ...local,
    id: String(r.id),
    name: String(r.name),
    lateAfterMinutes: num(r.late_after_minutes),
    defaultCountry: String(r.default_country),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    deletedAt: isoOrNull(r.deleted_at),
  };
}

export function studentFromServer(r: ServerRow, local?: StudentRow): StudentRow {
  return {
    guardianName: '',
    guardianPhone: '',
    email: '',
    ...local,
    id: String(r.id),
    classId: String(r.class_id),
    rollNo: String(r.roll_no),
    fullName: String(r.full_name),
    studentEmail: r.email == null ? '' : String(r.email),
    biometricsErasedAt: isoOrNull(r.biometrics_erased_at),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    deletedAt: isoOrNull(r.deleted_at),
  };
}

export function sessionFromServer(r: ServerRow, local?: SessionRow): SessionRow {
  return {
    takenBy: String(r.taken_by ?? ''),
    ...local,
    id: String(r.id),
    classId: String(r.class_id),
    startsAt: iso(r.starts_at),
    mode: r.mode as SessionRow['mode'],
    facesDetected: num(r.faces_detected),
    photos: num(r.photos),
    device: String(r.device ?? ''),
    finalisedAt: isoOrNull(r.finalised_at),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    deletedAt: isoOrNull(r.deleted_at),
  };
}

export function markFromServer(r: ServerRow): MarkRow {
  return {
    id: String(r.id),
    sessionId: String(r.session_id),
    studentId: String(r.student_id),
    status: r.status as MarkRow['status'],
    source: r.source as MarkRow['source'],
    confidence: r.confidence == null ? null : num(r.confidence),
    markedAt: iso(r.marked_at),
    device: String(r.device ?? ''),
    clearedAt: isoOrNull(r.cleared_at),
    updatedAt: iso(r.updated_at),
    serverUpdatedAt: String(r.updated_at),
  };
}

export function recognitionEventFromServer(r: ServerRow): RecognitionEventRow {
  return {
    id: String(r.id),
    sessionId: String(r.session_id),
    at: iso(r.at),
    studentId: r.student_id == null ? null : String(r.student_id),
    confidence: num(r.confidence),
    device: String(r.device ?? ''),
    box: (r.box ?? null) as RecognitionEventRow['box'],
    reason: String(r.reason ?? ''),
  };
}

export function schoolFromServer(r: ServerRow): SchoolRow {
  return {
    id: String(r.id),
    name: String(r.name ?? ''),
    keepFaceCrops: r.keep_face_crops === true,
    syncFaceTemplates: r.sync_face_templates === true,
    retentionDays: Number(r.retention_days ?? SCHOOL_SETTING_DEFAULTS.retentionDays),
    autoMarkConfidence: Number(r.auto_mark_confidence ?? SCHOOL_SETTING_DEFAULTS.autoMarkConfidence),
    presentSmsConfidence: Number(r.present_sms_confidence ?? SCHOOL_SETTING_DEFAULTS.presentSmsConfidence),
    lateAfterMinutes: Number(r.late_after_minutes ?? SCHOOL_SETTING_DEFAULTS.lateAfterMinutes),
    updatedAt: iso(r.updated_at),
  };
}

/** An admin's change of the school's settings; the name is not changed from a phone. */
export function schoolToServer(s: SchoolRow): ServerRow {
  return {
    id: s.id,
    keep_face_crops: s.keepFaceCrops,
    sync_face_templates: s.syncFaceTemplates,
    retention_days: s.retentionDays,
    auto_mark_confidence: s.autoMarkConfidence,
    present_sms_confidence: s.presentSmsConfidence,
    late_after_minutes: s.lateAfterMinutes,
  };
}

/** Opening a dispute is all a device sends; the teacher's decision goes through the reviews function. */
export function disputeToServer(d: DisputeRow): ServerRow {
  return { id: d.id, mark_id: d.markId, reason: d.reason, requested_status: d.requestedStatus };
}

export function disputeFromServer(r: ServerRow): DisputeRow {
  return {
    id: String(r.id),
    markId: String(r.mark_id),
    openedBy: r.opened_by == null ? null : String(r.opened_by),
    reason: String(r.reason ?? ''),
    requestedStatus: (r.requested_status ?? null) as DisputeRow['requestedStatus'],
    status: String(r.status ?? 'open') as DisputeRow['status'],
    correctedStatus: (r.corrected_status ?? null) as DisputeRow['correctedStatus'],
    resolution: r.resolution == null ? null : String(r.resolution),
    resolvedBy: r.resolved_by == null ? null : String(r.resolved_by),
    resolvedAt: isoOrNull(r.resolved_at),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export function excuseRequestFromServer(r: ServerRow): ExcuseRequestRow {
  return {
    id: String(r.id),
    markId: String(r.mark_id),
    studentId: String(r.student_id),
    reason: String(r.reason ?? ''),
    message: String(r.message ?? ''),
    status: String(r.status ?? 'pending') as ExcuseRequestRow['status'],
    decidedBy: r.decided_by == null ? null : String(r.decided_by),
    decidedAt: isoOrNull(r.decided_at),
    decisionNote: r.decision_note == null ? null : String(r.decision_note),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}
