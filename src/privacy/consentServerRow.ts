/**
 * A consent record in the server's `consents` columns (see
 * supabase/migrations/*_consents.sql). The names stay on this device: the
 * server knows its guardians by id, and `given_by` is always the signed-in
 * caller who recorded it. Pure.
 */
import type { ConsentRow } from '@/db/consents';

export function consentToServer(c: ConsentRow): Record<string, unknown> {
  return {
    id: c.id,
    student_id: c.studentId,
    method: c.method,
    notice_version: c.noticeVersion,
    given_at: c.givenAt,
    withdrawn_at: c.withdrawnAt,
  };
}

/** A row as the sync function's pull returns it. */
export type ServerConsentRow = Record<string, unknown>;

const iso = (v: unknown) => new Date(String(v)).toISOString();

/**
 * A pulled consent, for the device's table. The server does not know the
 * names: a record this device made keeps its own (`local`); one given
 * elsewhere (a parent in the app) is shown as given by the guardian. The
 * class comes from the roster (`classId`), since the server row has none.
 */
export function consentFromServer(r: ServerConsentRow, classId: string, local?: ConsentRow): ConsentRow {
  const method = String(r.method) as ConsentRow['method'];
  return {
    givenByName: method === 'app' ? 'A guardian, in the app' : '',
    relationship: 'parent',
    recordedBy: '',
    ...local,
    id: String(r.id),
    studentId: String(r.student_id),
    classId: local?.classId ?? classId,
    method,
    noticeVersion: String(r.notice_version),
    givenAt: iso(r.given_at),
    withdrawnAt: r.withdrawn_at == null ? null : iso(r.withdrawn_at),
    createdAt: local?.createdAt ?? iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}
