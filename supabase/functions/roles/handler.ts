/**
 * POST /functions/v1/roles — who is who in a school.
 *
 *   invite          an admin invites someone by e-mail or phone with a role (and classes or children to link)
 *   claim           any signed-in user turns invites to their confirmed e-mail or phone into memberships
 *   link-guardian   an admin links a guardian to a student
 *   assign-teacher  an admin makes a teacher of the school a teacher of a class
 *   list            an admin's view of the school's people (with names), roles, classes, guardians and open invites
 *   metrics         an admin's figures for the school and each class over a period (public.admin_metrics)
 *
 * Everything runs as the caller, so row-level security decides. The one
 * write no caller may make under their own rights, giving themselves a
 * membership, goes through public.claim_invites(), a security definer
 * function that acts only on invites addressed to the caller.
 */
import { recordAudit } from '../_shared/audit.ts';
import { asCaller, asService, type Tx } from '../_shared/db.ts';
import { type Outcome, userEndpoint } from '../_shared/endpoint.ts';
import { HttpError } from '../_shared/http.ts';
import { httpErrorFor, maskAddress, metricsPeriod, RequestSchema, type RolesRequest } from './logic.ts';

export const handler = userEndpoint({
  name: 'roles',
  rateLimitPerMinute: Number(Deno.env.get('ROLES_RATE_LIMIT_PER_MINUTE') ?? 30),
  schema: RequestSchema,
  mapError: httpErrorFor,
  run: async ({ claims, body }) => {
    const outcome = await asCaller(claims, (tx) => perform(tx, body));
    return body.action === 'list' ? await withNames(outcome) : outcome;
  },
});

function perform(tx: Tx, body: RolesRequest): Promise<Outcome> {
  switch (body.action) {
    case 'invite':
      return invite(tx, body);
    case 'claim':
      return claim(tx);
    case 'link-guardian':
      return linkGuardian(tx, body.guardianId, body.studentId, body.relationship ?? 'guardian');
    case 'assign-teacher':
      return assignTeacher(tx, body.classId, body.userId);
    case 'list':
      return list(tx, body.schoolId);
    case 'metrics':
      return metrics(tx, body.schoolId, metricsPeriod(body.from, body.to, new Date()));
  }
}

async function requireAdmin(tx: Tx, schoolId: string): Promise<void> {
  const [{ admin }] = await tx`select public.is_admin_of(${schoolId}) as admin`;
  if (!admin) throw new HttpError(403, 'forbidden', 'only an admin of the school may do this');
}

/** Ids that are not rows of this school that the caller can see. */
async function foreignIds(tx: Tx, table: 'classes' | 'students', ids: string[], schoolId: string): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await tx.unsafe(`select id from public.${table} where id = any ($1::uuid[]) and school_id = $2 and deleted_at is null`, [ids, schoolId]);
  const found = new Set(rows.map((r) => r.id as string));
  return ids.filter((id) => !found.has(id));
}

async function invite(tx: Tx, body: Extract<RolesRequest, { action: 'invite' }>): Promise<Outcome> {
  await requireAdmin(tx, body.schoolId);
  const badClasses = await foreignIds(tx, 'classes', body.classIds, body.schoolId);
  if (badClasses.length > 0) throw new HttpError(400, 'bad_request', `classIds: not classes of this school: ${badClasses.join(', ')}`);
  const badStudents = await foreignIds(tx, 'students', body.studentIds, body.schoolId);
  if (badStudents.length > 0) throw new HttpError(400, 'bad_request', `studentIds: not students of this school: ${badStudents.join(', ')}`);
  const [row] = await tx`
    insert into private.invites (school_id, email, phone, role, class_ids, student_ids, expires_at)
    values (${body.schoolId}, ${body.email ?? null}, ${body.phone ?? null}, ${body.role}, ${body.classIds}::uuid[], ${body.studentIds}::uuid[],
            now() + make_interval(days => ${body.expiresInDays}))
    returning id, school_id, email::text as email, phone, role::text as role, class_ids, student_ids, created_at, expires_at`;
  await recordAudit(tx, {
    schoolId: body.schoolId,
    action: 'invite.created',
    entity: 'invites',
    entityId: row.id,
    details: { role: body.role, to: maskAddress(body.email, body.phone), classIds: body.classIds, studentIds: body.studentIds },
  });
  return { status: 201, payload: { invite: row } };
}

async function claim(tx: Tx): Promise<Outcome> {
  const [{ claimed }] = await tx`select public.claim_invites() as claimed`;
  return { status: 200, payload: { claimed } };
}

async function linkGuardian(tx: Tx, guardianId: string, studentId: string, relationship: string): Promise<Outcome> {
  const [student] = await tx`select school_id from public.students where id = ${studentId} and deleted_at is null`;
  if (!student) throw new HttpError(404, 'not_found', 'studentId: no such student');
  await requireAdmin(tx, student.school_id);
  const [guardian] = await tx`select school_id from public.guardians where id = ${guardianId} and deleted_at is null`;
  if (!guardian || guardian.school_id !== student.school_id) throw new HttpError(404, 'not_found', 'guardianId: no such guardian in this school');
  const linked = await tx`
    insert into public.student_guardians (student_id, guardian_id, school_id, relationship)
    values (${studentId}, ${guardianId}, ${student.school_id}, ${relationship})
    on conflict (student_id, guardian_id) do nothing
    returning student_id`;
  if (linked.length > 0) {
    await recordAudit(tx, { schoolId: student.school_id, action: 'guardian.linked', entity: 'student_guardians', entityId: studentId, details: { guardianId, relationship } });
  }
  return { status: linked.length > 0 ? 201 : 200, payload: { linked: linked.length > 0 } };
}

async function assignTeacher(tx: Tx, classId: string, userId: string): Promise<Outcome> {
  const [klass] = await tx`select school_id from public.classes where id = ${classId} and deleted_at is null`;
  if (!klass) throw new HttpError(404, 'not_found', 'classId: no such class');
  await requireAdmin(tx, klass.school_id);
  const [teacher] = await tx`select 1 from public.memberships where user_id = ${userId} and school_id = ${klass.school_id} and role = 'teacher'`;
  if (!teacher) throw new HttpError(400, 'bad_request', 'userId: not a teacher of this school (invite them first)');
  const assigned = await tx`
    insert into public.class_teachers (class_id, user_id) values (${classId}, ${userId})
    on conflict do nothing returning class_id`;
  if (assigned.length > 0) {
    await recordAudit(tx, { schoolId: klass.school_id, action: 'teacher.assigned', entity: 'class_teachers', entityId: classId, details: { userId } });
  }
  return { status: assigned.length > 0 ? 201 : 200, payload: { assigned: assigned.length > 0 } };
}

async function list(tx: Tx, schoolId: string): Promise<Outcome> {
  await requireAdmin(tx, schoolId);
  const members = await tx`
    select m.user_id, array_agg(distinct m.role::text order by m.role::text) as roles,
           coalesce((select array_agg(ct.class_id order by ct.class_id) from public.class_teachers ct
                     join public.classes c on c.id = ct.class_id and c.school_id = ${schoolId}
                     where ct.user_id = m.user_id), '{}') as class_ids,
           coalesce((select array_agg(s.id order by s.id) from public.students s
                     where s.user_id = m.user_id and s.school_id = ${schoolId}), '{}') as student_ids,
           coalesce((select array_agg(sg.student_id order by sg.student_id) from public.student_guardians sg
                     join public.guardians g on g.id = sg.guardian_id
                     where g.user_id = m.user_id and g.school_id = ${schoolId}), '{}') as children
    from public.memberships m where m.school_id = ${schoolId}
    group by m.user_id order by m.user_id`;
  const invites = await tx`
    select id, email::text as email, phone, role::text as role, class_ids, student_ids, created_at, expires_at
    from private.invites where school_id = ${schoolId} and claimed_at is null and expires_at > now()
    order by created_at`;
  const classes = await tx`
    select c.id, c.name,
           coalesce((select array_agg(ct.user_id order by ct.user_id) from public.class_teachers ct where ct.class_id = c.id), '{}') as teacher_ids
    from public.classes c where c.school_id = ${schoolId} and c.deleted_at is null order by c.name, c.id`;
  const guardians = await tx`
    select g.id, g.full_name, g.phone, g.user_id,
           coalesce((select array_agg(sg.student_id order by sg.student_id) from public.student_guardians sg where sg.guardian_id = g.id), '{}') as children
    from public.guardians g where g.school_id = ${schoolId} and g.deleted_at is null order by g.full_name, g.id`;
  return { status: 200, payload: { members, invites, classes, guardians } };
}

/**
 * Names and addresses of the members an admin just listed. auth.users is
 * not readable by any caller, so this one read is the service's, after the
 * caller's transaction has shown they are an admin of the school, and only
 * of the user ids that listing returned.
 */
async function withNames(outcome: Outcome): Promise<Outcome> {
  const payload = outcome.payload as { members: { user_id: string }[] };
  const ids = payload.members.map((m) => m.user_id);
  if (ids.length === 0) return outcome;
  const rows = await asService(
    (tx) =>
      tx`select id, email::text as email, phone, coalesce(raw_user_meta_data->>'full_name', '') as full_name
         from auth.users where id = any (${ids}::uuid[])`,
    { readOnly: true },
  );
  const byId = new Map(rows.map((r) => [r.id as string, r]));
  const members = payload.members.map((m) => {
    const u = byId.get(m.user_id);
    return { ...m, full_name: u?.full_name ?? '', email: u?.email ?? null, phone: u?.phone ? `+${String(u.phone).replace(/^\+/, '')}` : null };
  });
  return { ...outcome, payload: { ...payload, members } };
}

/** public.admin_metrics answers admins of the school only (42501 → 403 otherwise). */
async function metrics(tx: Tx, schoolId: string, period: { from: string; to: string }): Promise<Outcome> {
  await requireAdmin(tx, schoolId);
  const [{ figures }] = await tx`select public.admin_metrics(${schoolId}, ${period.from}::timestamptz, ${period.to}::timestamptz) as figures`;
  return { status: 200, payload: figures };
}
