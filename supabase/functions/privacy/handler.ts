/**
 * POST /functions/v1/privacy — what the school does with a student's
 * personal data, and the family's say in it.
 *
 *   erase            a teacher of the class or an admin deletes the student's face data on the server
 *                    (the class's stored models); with full: true (admins) their personal data too
 *   purge-expired    the scheduler (service key) or an admin purges models past retention or of leavers
 *   access-request   a teacher of the class or an admin: everything the server holds about the student
 *   consent-status   the student's consent records and whether one is in force
 *   give-consent     a parent in the app, or a teacher/admin filing a paper, e-mail or verbal consent
 *   withdraw-consent a parent, or a teacher/admin recording a withdrawal; the server forgets the face data
 *
 * Everything a person asks for runs as them, under row-level security. The
 * parts no teacher may do with their own rights (deleting a class's models,
 * stamping the student row) go through public.erase_student_biometrics(),
 * a security definer function that checks the caller first. Every action
 * that changes something is in audit_log.
 */
import type { Claims } from '../_shared/auth.ts';
import { recordAudit } from '../_shared/audit.ts';
import { asCaller, asService, type Tx } from '../_shared/db.ts';
import { httpErrorFor } from '../_shared/dbErrors.ts';
import { type Outcome, userEndpoint } from '../_shared/endpoint.ts';
import { HttpError } from '../_shared/http.ts';
import { log } from '../_shared/log.ts';
import {
  clientTimeProblem,
  clientTimeRefusal,
  ERASED_NAME,
  erasedRollNo,
  maskGuardian,
  maskNotification,
  type PrivacyRequest,
  RequestSchema,
} from './logic.ts';

export const handler = userEndpoint({
  name: 'privacy',
  rateLimitPerMinute: Number(Deno.env.get('PRIVACY_RATE_LIMIT_PER_MINUTE') ?? 30),
  schema: RequestSchema,
  allowServiceRole: true,
  mapError: (err) => clientTimeRefusal(err) ?? httpErrorFor(err),
  run: ({ claims, body }) => {
    if (body.action === 'purge-expired') return purgeExpired(claims, body.schoolId);
    if (claims.role !== 'authenticated') throw new HttpError(403, 'forbidden', `${body.action} is asked by a person, not a key`);
    return asCaller(claims, (tx) => perform(tx, body));
  },
});

function perform(tx: Tx, body: Exclude<PrivacyRequest, { action: 'purge-expired' }>): Promise<Outcome> {
  switch (body.action) {
    case 'erase':
      return erase(tx, body.studentId, body.full);
    case 'access-request':
      return accessRequest(tx, body.studentId);
    case 'consent-status':
      return consentStatus(tx, body.studentId);
    case 'give-consent':
      return giveConsent(tx, body);
    case 'withdraw-consent':
      return withdrawConsent(tx, body.studentId);
  }
}

interface StudentFacts {
  id: string;
  school_id: string;
  class_id: string;
  is_admin: boolean;
  is_teacher: boolean;
}

/** The student as the caller sees them (404 when they cannot), and who the caller is to them. */
async function studentFor(tx: Tx, studentId: string): Promise<StudentFacts> {
  const [s] = await tx`
    select id, school_id, class_id, public.is_admin_of(school_id) as is_admin, public.is_teacher_of(class_id) as is_teacher
    from public.students where id = ${studentId}`;
  if (!s) throw new HttpError(404, 'not_found', 'studentId: no such student');
  return s as unknown as StudentFacts;
}

function requireStaff(s: StudentFacts, what: string): void {
  if (!s.is_admin && !s.is_teacher) throw new HttpError(403, 'forbidden', `${what} is for a teacher of the class or an admin`);
}

async function erase(tx: Tx, studentId: string, full: boolean): Promise<Outcome> {
  const student = await studentFor(tx, studentId);
  requireStaff(student, 'erase');
  if (full && !student.is_admin) throw new HttpError(403, 'forbidden', 'full erasure is for an admin of the school');
  const [{ result }] = await tx`select public.erase_student_biometrics(${studentId}) as result`;
  const modelsDeleted = Number(result.modelsDeleted);
  if (!full) {
    log.info('biometrics erased', { studentId, modelsDeleted });
    return { status: 200, payload: { studentId, full: false, modelsDeleted } };
  }

  // Everything below is the admin's own write, under their row-level security.
  const count = async (q: PromiseLike<{ length: number }>) => (await q).length;
  const deleted = {
    consents: await count(tx`delete from public.consents where student_id = ${studentId} returning id`),
    excuseRequests: await count(tx`delete from public.excuse_requests where student_id = ${studentId} returning id`),
    disputes: await count(tx`
      delete from public.disputes where mark_id in (select id from public.attendance_marks where student_id = ${studentId}) returning id`),
    notifications: await count(tx`delete from public.notifications where student_id = ${studentId} returning id`),
    recognitionEvents: await count(tx`delete from public.recognition_events where student_id = ${studentId} returning id`),
    notificationPreferences: await count(tx`delete from public.guardian_notification_preferences where student_id = ${studentId} returning student_id`),
    guardianLinks: 0,
    guardians: 0,
  };
  const links = await tx`delete from public.student_guardians where student_id = ${studentId} returning guardian_id`;
  deleted.guardianLinks = links.length;
  // Guardians who were here only for this student go too; those with other children stay.
  deleted.guardians = await count(tx`
    delete from public.guardians g
    where g.id = any (${links.map((l) => l.guardian_id as string)}::uuid[])
      and not exists (select 1 from public.student_guardians sg where sg.guardian_id = g.id)
    returning g.id`);
  // The register keeps each mark's status; the recogniser's score goes.
  const marksKept = await count(tx`
    update public.attendance_marks set confidence = null where student_id = ${studentId} returning id`);
  await tx`
    update public.students
       set full_name = ${ERASED_NAME}, roll_no = ${erasedRollNo(studentId)}, email = null, user_id = null,
           deleted_at = coalesce(deleted_at, now())
     where id = ${studentId}`;
  const details = { full: true, modelsDeleted, deleted, marksKept };
  await recordAudit(tx, { schoolId: student.school_id, action: 'privacy.student_erased', entity: 'students', entityId: studentId, details });
  log.info('student erased', { studentId, ...details });
  return { status: 200, payload: { studentId, ...details } };
}

/** The scheduler's key purges every school (or the one named); an admin, their own schools. */
async function purgeExpired(claims: Claims, schoolId: string | undefined): Promise<Outcome> {
  let schools: string[] | null = schoolId ? [schoolId] : null;
  if (claims.role !== 'service_role') {
    const rows = await asCaller(claims, (tx) => tx`select school_id from public.memberships where user_id = ${claims.sub} and role = 'admin'`);
    const mine = rows.map((r) => r.school_id as string);
    schools = schoolId ? mine.filter((s) => s === schoolId) : mine;
    if (schools.length === 0) throw new HttpError(403, 'forbidden', 'purge-expired is for the scheduler or an admin of the school');
  }
  const result = await asService(async (tx) => {
    // An admin's purge is logged in their name (auth.uid() reads these claims); the scheduler's in nobody's.
    if (claims.role !== 'service_role') await tx`select set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
    const [{ purged }] = await tx`select private.purge_expired_models(${schools}::uuid[]) as purged`;
    return purged;
  });
  log.info('models purged', { by: claims.sub ?? claims.role, ...result });
  return { status: 200, payload: result };
}

const MARK_COLUMNS = `m.id, m.session_id, se.starts_at as session_starts_at, c.name as class_name, m.status::text as status,
  m.source::text as source, m.confidence, m.marked_at, m.cleared_at, m.device, m.created_at, m.updated_at`;

async function accessRequest(tx: Tx, studentId: string): Promise<Outcome> {
  const s = await studentFor(tx, studentId);
  requireStaff(s, 'access-request');
  const admin = s.is_admin;
  const [student] = await tx`
    select id, school_id, class_id, roll_no, full_name, email::text as email, user_id, created_at, updated_at, deleted_at, biometrics_erased_at
    from public.students where id = ${studentId}`;
  const [klass] = await tx`select id, name from public.classes where id = ${s.class_id}`;
  const guardians = await tx`
    select g.id, g.full_name, g.phone, g.email::text as email, g.user_id, sg.relationship, g.created_at
    from public.student_guardians sg join public.guardians g on g.id = sg.guardian_id
    where sg.student_id = ${studentId} order by g.full_name`;
  const preferences = await tx`
    select guardian_id, notify_on::text as notify_on, quiet_hours_start::text as quiet_hours_start, quiet_hours_end::text as quiet_hours_end, updated_at
    from public.guardian_notification_preferences where student_id = ${studentId} order by guardian_id`;
  const marks = await tx.unsafe(
    `select ${MARK_COLUMNS} from public.attendance_marks m
     join public.sessions se on se.id = m.session_id join public.classes c on c.id = se.class_id
     where m.student_id = $1 order by se.starts_at, m.id`,
    [studentId],
  );
  const recognitionEvents = await tx`
    select id, session_id, at, confidence, device, box, reason, recognition_ms from public.recognition_events
    where student_id = ${studentId} order by at, id`;
  const disputes = await tx`
    select d.id, d.mark_id, d.opened_by, d.reason, d.requested_status::text as requested_status, d.status::text as status,
           d.corrected_status::text as corrected_status, d.resolution, d.resolved_by, d.resolved_at, d.created_at
    from public.disputes d join public.attendance_marks m on m.id = d.mark_id
    where m.student_id = ${studentId} order by d.created_at, d.id`;
  const excuseRequests = await tx`
    select id, mark_id, guardian_id, reason::text as reason, message, status::text as status, decided_by, decided_at, decision_note, created_at
    from public.excuse_requests where student_id = ${studentId} order by created_at, id`;
  const consents = await tx`
    select id, guardian_id, given_by, method, notice_version, given_at, withdrawn_at
    from public.consents where student_id = ${studentId} order by given_at, id`;
  const notifications = await tx`
    select id, session_id, channel::text as channel, recipient, template, body, status::text as status, attempts, created_at, updated_at
    from public.notifications where student_id = ${studentId} order by created_at, id`;
  const models = await tx`
    select id, version, descriptor_version, status::text as status, size_bytes, created_at
    from public.model_artifacts where class_id = ${s.class_id} order by created_at, id`;
  // Admins only, by row-level security: entries about the student or naming them.
  const auditLog = await tx`
    select id, actor, action, entity, entity_id, at, details from public.audit_log
    where entity_id = ${studentId} or details ->> 'student_id' = ${studentId} or details ->> 'studentId' = ${studentId}
    order by at, id`;
  await recordAudit(tx, { schoolId: s.school_id, action: 'privacy.access_request', entity: 'students', entityId: studentId, details: { masked: !admin } });
  return {
    status: 200,
    payload: {
      generatedAt: new Date().toISOString(),
      contactDetailsMasked: !admin,
      student,
      class: klass ?? null,
      guardians: guardians.map((g) => maskGuardian(g as { phone: string | null; email: string | null }, admin)),
      notificationPreferences: preferences,
      marks,
      recognitionEvents,
      disputes,
      excuseRequests,
      consents,
      notifications: notifications.map((n) => maskNotification(n as unknown as { recipient: string }, admin)),
      // The class models carry the student's enrolment descriptors; listed without their bytes.
      models,
      auditLog,
    },
  };
}

const CONSENT_COLUMNS = 'id, student_id, guardian_id, given_by, method, notice_version, given_at, withdrawn_at';

async function consentStatus(tx: Tx, studentId: string): Promise<Outcome> {
  await studentFor(tx, studentId);
  const consents = await tx.unsafe(`select ${CONSENT_COLUMNS} from public.consents where student_id = $1 order by given_at, id`, [studentId]);
  const [{ erased }] = await tx`select biometrics_erased_at as erased from public.students where id = ${studentId}`;
  return {
    status: 200,
    payload: { studentId, inForce: consents.some((c) => c.withdrawn_at === null), biometricsErasedAt: erased, consents },
  };
}

async function giveConsent(tx: Tx, body: Extract<PrivacyRequest, { action: 'give-consent' }>): Promise<Outcome> {
  const student = await studentFor(tx, body.studentId);
  let guardianId = body.guardianId ?? null;
  if (!guardianId && body.method === 'app') {
    const [own] = await tx`
      select guardian_id from public.student_guardians where student_id = ${body.studentId} and public.is_guardian(guardian_id)
      order by guardian_id limit 1`;
    guardianId = (own?.guardian_id as string | undefined) ?? null;
  }
  if (body.id) {
    // A device sending its record again (a lost reply): the first one stands.
    const [known] = await tx.unsafe(`select ${CONSENT_COLUMNS} from public.consents where id = $1 and student_id = $2`, [body.id, body.studentId]);
    if (known) return { status: 200, payload: { consent: known } };
  }
  const problem = body.givenAt ? clientTimeProblem('givenAt', body.givenAt, new Date()) : null;
  if (problem) throw new HttpError(400, 'bad_request', problem);
  const [consent] = await tx.unsafe(
    `insert into public.consents (id, school_id, student_id, guardian_id, method, notice_version, given_at)
     values (coalesce($7::uuid, gen_random_uuid()), $1, $2, $3, $4, $5, coalesce($6::timestamptz, now()))
     returning ${CONSENT_COLUMNS}`,
    [student.school_id, body.studentId, guardianId, body.method, body.noticeVersion, body.givenAt ?? null, body.id ?? null],
  );
  await recordAudit(tx, {
    schoolId: student.school_id,
    action: 'consent.given',
    entity: 'consents',
    entityId: consent.id,
    details: { studentId: body.studentId, method: body.method, noticeVersion: body.noticeVersion },
  });
  return { status: 201, payload: { consent } };
}

async function withdrawConsent(tx: Tx, studentId: string): Promise<Outcome> {
  const student = await studentFor(tx, studentId);
  // Never before the consent: one stored with a given_at ahead of the clock is withdrawn too, and the face data forgotten.
  const withdrawn = await tx`
    update public.consents set withdrawn_at = greatest(now(), given_at)
    where student_id = ${studentId} and withdrawn_at is null
    returning id`;
  if (withdrawn.length === 0) {
    const [open] = await tx`select count(*)::int as n from public.consents where student_id = ${studentId} and withdrawn_at is null`;
    if (open.n > 0) throw new HttpError(403, 'forbidden', 'only a parent of the student, a teacher of the class or an admin may withdraw consent');
    throw new HttpError(409, 'conflict', 'studentId: no consent in force to withdraw');
  }
  // The consents trigger forgot the face data when none was left in force; the student row says when.
  const [after] = await tx`select biometrics_erased_at is not null and biometrics_erased_at >= now() as erased from public.students where id = ${studentId}`;
  const ids = withdrawn.map((w) => w.id as string);
  await recordAudit(tx, { schoolId: student.school_id, action: 'consent.withdrawn', entity: 'students', entityId: studentId, details: { consents: ids } });
  return { status: 200, payload: { studentId, withdrawn: ids, faceDataErased: Boolean(after?.erased) } };
}
