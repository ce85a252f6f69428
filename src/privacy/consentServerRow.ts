/**
 * A consent record in the server's `consents` columns (see
 * supabase/migrations/*_consents.sql). The names stay on this device: the
 * server knows its guardians by id, and `given_by` is always the signed-in
 * caller who recorded it. Pure.
 */
import type { ConsentRow } from '@/db/rows';

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
