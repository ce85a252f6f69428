/**
 * roles against the running local stack: invites claimed into memberships
 * and class assignments, and what admins of other schools and teachers
 * may not do.
 */
import assert from 'node:assert/strict';
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
