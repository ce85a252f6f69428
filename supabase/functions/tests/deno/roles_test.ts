/**
 * roles against the running local stack: invites claimed into memberships
 * and class assignments, and what admins of other schools and teachers
 * may not do.
 */
import assert from 'node:assert/strict';
import { metricsPeriod } from '../../roles/logic.ts';
import { callFunction, CLASSES, SCHOOLS, STUDENTS, tokenFor, USERS, withDb } from './stackClient.ts';

const roles = async (token: string, body: unknown) => await callFunction<Record<string, unknown>>('roles', token, body);

/** A new account with a confirmed e-mail, as Supabase Auth would have after a magic link. */
async function newUser(): Promise<{ id: string; email: string }> {
  const id = crypto.randomUUID();
  const email = `new-${id.slice(0, 8)}@demo.rollcall.example`;
  await withDb((sql) => sql`insert into auth.users (id, aud, role, email, email_confirmed_at) values (${id}, 'authenticated', 'authenticated', ${email}, now())`);
  return { id, email };
}

Deno.test('an admin invites a teacher by e-mail; they claim it and teach the class; claiming again changes nothing', async () => {
  const asha = await tokenFor(USERS.asha.id);
  const user = await newUser();
  const invited = await roles(asha, { action: 'invite', schoolId: SCHOOLS.demo, role: 'teacher', email: user.email.toUpperCase(), classIds: [CLASSES['7B']] });
  assert.equal(invited.status, 201, JSON.stringify(invited.body));

  const listed = await roles(asha, { action: 'list', schoolId: SCHOOLS.demo });
  assert.ok((listed.body.invites as { email: string }[]).some((i) => i.email.toLowerCase() === user.email));

  const token = await tokenFor(user.id);
  const first = await roles(token, { action: 'claim' });
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.equal((first.body.claimed as unknown[]).length, 1);
  const state = () =>
    withDb(async (sql) => ({
      memberships: (await sql`select role::text from public.memberships where user_id = ${user.id}`).map((r) => r.role),
      classes: (await sql`select class_id from public.class_teachers where user_id = ${user.id}`).map((r) => r.class_id),
      audit: (await sql`select count(*)::int as n from public.audit_log where actor = ${user.id} and action = 'invite.claimed'`)[0].n,
    }));
  assert.deepEqual(await state(), { memberships: ['teacher'], classes: [CLASSES['7B']], audit: 1 });

  const again = await roles(token, { action: 'claim' });
  assert.deepEqual(again.body.claimed, []);
  assert.deepEqual(await state(), { memberships: ['teacher'], classes: [CLASSES['7B']], audit: 1 });

  // Now a teacher of the school, they can be given another class.
  const assigned = await roles(asha, { action: 'assign-teacher', classId: CLASSES['8A'], userId: user.id });
  assert.equal(assigned.status, 201, JSON.stringify(assigned.body));
  assert.deepEqual((await state()).classes.sort(), [CLASSES['7B'], CLASSES['8A']].sort());
  const members = (await roles(asha, { action: 'list', schoolId: SCHOOLS.demo })).body.members as { user_id: string; roles: string[] }[];
  assert.deepEqual(members.find((m) => m.user_id === user.id)?.roles, ['teacher']);
});

Deno.test('someone else cannot claim an invite addressed to another e-mail', async () => {
  const asha = await tokenFor(USERS.asha.id);
  const invitee = await newUser();
  const other = await newUser();
  await roles(asha, { action: 'invite', schoolId: SCHOOLS.demo, role: 'admin', email: invitee.email });
  const reply = await roles(await tokenFor(other.id), { action: 'claim' });
  assert.deepEqual(reply.body.claimed, []);
  const rows = await withDb((sql) => sql`select 1 from public.memberships where user_id = ${other.id}`);
  assert.equal(rows.length, 0);
});

Deno.test('a teacher cannot invite, assign or list; bad bodies name the field', async () => {
  const tomas = await tokenFor(USERS.tomas.id);
  const invite = await roles(tomas, { action: 'invite', schoolId: SCHOOLS.demo, role: 'admin', email: 'me@example.org' });
  assert.equal(invite.status, 403);
  assert.equal((await roles(tomas, { action: 'assign-teacher', classId: CLASSES['7B'], userId: USERS.priya.id })).status, 403);
  assert.equal((await roles(tomas, { action: 'assign-teacher', classId: CLASSES['8A'], userId: USERS.tomas.id })).status, 404, 'a class he cannot see');
  assert.equal((await roles(tomas, { action: 'list', schoolId: SCHOOLS.demo })).status, 403);
  const both = await roles(tomas, { action: 'invite', schoolId: SCHOOLS.demo, role: 'teacher', email: 'a@example.org', phone: '+447700900999' });
  assert.equal(both.status, 400);
  assert.match(String(both.body.message), /^email: give exactly one of email and phone/);
  assert.equal((await roles('nope', { action: 'claim' })).status, 401);
});

Deno.test("another school's admin cannot link to this school's students, nor invite into it", async () => {
  const xavier = await tokenFor(USERS.xavier.id);
  const leo = '50000000-0000-4000-8000-000000000011';
  const link = await roles(xavier, { action: 'link-guardian', guardianId: leo, studentId: STUDENTS.aarav });
  assert.ok(link.status === 403 || link.status === 404, String(link.status));
  const links = await withDb((sql) => sql`select 1 from public.student_guardians where guardian_id = ${leo} and student_id = ${STUDENTS.aarav}`);
  assert.equal(links.length, 0);
  assert.equal((await roles(xavier, { action: 'invite', schoolId: SCHOOLS.demo, role: 'teacher', email: 'x@example.org' })).status, 403);
  const foreign = await roles(xavier, { action: 'invite', schoolId: SCHOOLS.northside, role: 'parent', email: 'x@example.org', studentIds: [STUDENTS.aarav] });
  assert.equal(foreign.status, 400);
  assert.match(String(foreign.body.message), /^studentIds: /);
});

Deno.test("an admin links a guardian to a student in their school, once", async () => {
  const asha = await tokenFor(USERS.asha.id);
  const marta = '50000000-0000-4000-8000-000000000003';
  const first = await roles(asha, { action: 'link-guardian', guardianId: marta, studentId: STUDENTS.chen, relationship: 'aunt' });
  assert.equal(first.status, 201, JSON.stringify(first.body));
  const second = await roles(asha, { action: 'link-guardian', guardianId: marta, studentId: STUDENTS.chen });
  assert.deepEqual([second.status, second.body.linked], [200, false]);
  await withDb((sql) => sql`delete from public.student_guardians where guardian_id = ${marta} and student_id = ${STUDENTS.chen}`);
});

Deno.test('metrics: the period defaults to the last 30 days and must not end before it starts', () => {
  const now = new Date('2026-11-22T12:00:00Z');
  assert.deepEqual(metricsPeriod(undefined, undefined, now), { from: '2026-10-23T12:00:00.000Z', to: '2026-11-22T12:00:00.000Z' });
  assert.deepEqual(metricsPeriod('2026-11-01T00:00:00Z', undefined, now), { from: '2026-11-01T00:00:00.000Z', to: '2026-11-22T12:00:00.000Z' });
  assert.throws(() => metricsPeriod('2026-11-10T00:00:00Z', '2026-11-01T00:00:00Z', now), /from: must not be after to/);
});

Deno.test("an admin reads the school's figures per class; teachers and other schools' admins may not", async () => {
  const asha = await tokenFor(USERS.asha.id);
  const period = { from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z' };
  const reply = await roles(asha, { action: 'metrics', schoolId: SCHOOLS.demo, ...period });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  const classes = reply.body.classes as { class_id: string; name: string; recognition: { events: number }; marks: { total: number }; notifications: { sms: { delivered: number } } }[];
  const b7 = classes.find((c) => c.class_id === CLASSES['7B']);
  assert.ok(b7, JSON.stringify(classes));
  assert.equal(b7.name, '7B');
  assert.ok(b7.recognition.events >= 2);
  assert.ok(b7.marks.total >= 5);
  assert.ok(b7.notifications.sms.delivered >= 1);
  assert.ok(!classes.some((c) => c.class_id === CLASSES['9C']), "another school's class");
  assert.equal(reply.body.school_id, SCHOOLS.demo);

  const tomas = await tokenFor(USERS.tomas.id);
  assert.equal((await roles(tomas, { action: 'metrics', schoolId: SCHOOLS.demo })).status, 403);
  const xavier = await tokenFor(USERS.xavier.id);
  assert.equal((await roles(xavier, { action: 'metrics', schoolId: SCHOOLS.demo })).status, 403);
  const backwards = await roles(asha, { action: 'metrics', schoolId: SCHOOLS.demo, from: period.to, to: period.from });
  assert.equal(backwards.status, 400);
  assert.match(String(backwards.body.message), /^from: /);
  const bad = await roles(asha, { action: 'metrics', schoolId: SCHOOLS.demo, from: 'yesterday' });
  assert.equal(bad.status, 400);
  assert.match(String(bad.body.message), /^from: /);
});

Deno.test("an admin's list names the members and shows classes with their teachers and guardians with their children", async () => {
  const asha = await tokenFor(USERS.asha.id);
  const reply = await roles(asha, { action: 'list', schoolId: SCHOOLS.demo });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  const members = reply.body.members as { user_id: string; full_name: string; email: string | null }[];
  assert.deepEqual(
    { name: members.find((m) => m.user_id === USERS.tomas.id)?.full_name, email: members.find((m) => m.user_id === USERS.tomas.id)?.email },
    { name: 'Tomas Silva', email: USERS.tomas.email },
  );
  assert.ok(!members.some((m) => m.user_id === USERS.nadia.id), "another school's teacher");
  const classes = reply.body.classes as { id: string; teacher_ids: string[] }[];
  assert.ok(classes.find((c) => c.id === CLASSES['7B'])?.teacher_ids.includes(USERS.tomas.id));
  const guardians = reply.body.guardians as { full_name: string; children: string[] }[];
  assert.deepEqual(guardians.find((g) => g.full_name === 'Pat Shah')?.children, [STUDENTS.aarav]);
  assert.ok(!guardians.some((g) => g.full_name === 'Leo Martin'));
});

Deno.test('an admin signed in without a second factor (aal1) can do none of it, and gets it all back with one (aal2)', async () => {
  const aal1 = await tokenFor(USERS.asha.id, { aal: 'aal1' });
  const invitee = await newUser();
  const refused = [
    await roles(aal1, { action: 'invite', schoolId: SCHOOLS.demo, role: 'teacher', email: invitee.email }),
    await roles(aal1, { action: 'list', schoolId: SCHOOLS.demo }),
    await roles(aal1, { action: 'metrics', schoolId: SCHOOLS.demo }),
    await roles(aal1, { action: 'assign-teacher', classId: CLASSES['7B'], userId: USERS.priya.id }),
    await roles(aal1, { action: 'link-guardian', guardianId: '50000000-0000-4000-8000-000000000003', studentId: STUDENTS.chen }),
  ];
  // A class or student she cannot see reads as not found; every other answer is a refusal.
  assert.deepEqual(refused.map((r) => r.status), [403, 403, 403, 404, 404], JSON.stringify(refused.map((r) => r.body)));
  const written = await withDb(async (sql) => ({
    invites: (await sql`select count(*)::int as n from private.invites where email = ${invitee.email}`)[0].n,
    assigned: (await sql`select count(*)::int as n from public.class_teachers where class_id = ${CLASSES['7B']} and user_id = ${USERS.priya.id}`)[0].n,
    linked: (await sql`select count(*)::int as n from public.student_guardians where guardian_id = '50000000-0000-4000-8000-000000000003' and student_id = ${STUDENTS.chen}`)[0].n,
  }));
  assert.deepEqual(written, { invites: 0, assigned: 0, linked: 0 });

  const aal2 = await tokenFor(USERS.asha.id, { aal: 'aal2' });
  assert.equal((await roles(aal2, { action: 'list', schoolId: SCHOOLS.demo })).status, 200);
  const invited = await roles(aal2, { action: 'invite', schoolId: SCHOOLS.demo, role: 'teacher', email: invitee.email });
  assert.equal(invited.status, 201, JSON.stringify(invited.body));
});
