/**
 * Sign-in warnings end to end: wrong passwords at the local auth stand-in
 * are recorded, trip the rules in the database, and send-due (the
 * scheduler's call) texts the school's admins once, through the Twilio
 * recorder; the admins read them with notify's `sign-in-alerts`. Each test
 * makes a school of its own, so no other test's sign-ins count here.
 */
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { DEMO_PASSWORD } from '../../../local/seed-ids.ts';
import { env, USERS, withDb } from './stackClient.ts';
import { notify, randomPhone, serviceKey, smsTo } from './notifyFixtures.ts';

const authUrl = env.functionsUrl.replace(/\/functions\/v1$/, '/auth/v1');

interface School {
  schoolId: string;
  adminId: string;
  adminPhone: string;
  teachers: { id: string; email: string }[];
}

/** A school with one admin (reached by SMS) and three teachers, whose password is the demo one. */
async function freshSchool(): Promise<School> {
  return await withDb(async (sql) => {
    const schoolId = crypto.randomUUID();
    const adminId = crypto.randomUUID();
    const adminPhone = randomPhone();
    const tag = schoolId.slice(0, 8);
    await sql`insert into public.schools (id, name) values (${schoolId}, ${`Warned ${tag}`})`;
    // Stored as Supabase Auth stores phones: without the +.
    await sql`insert into auth.users (id, aud, role, email, phone) values (${adminId}, 'authenticated', 'authenticated', ${`head-${tag}@test.rollcall.example`}, ${
      adminPhone.slice(1)
    })`;
    await sql`insert into public.memberships (user_id, school_id, role) values (${adminId}, ${schoolId}, 'admin')`;
    const teachers = [];
    for (let i = 1; i <= 3; i++) {
      const id = crypto.randomUUID();
      const email = `teacher${i}-${tag}@test.rollcall.example`;
      await sql`insert into auth.users (id, aud, role, email, encrypted_password, raw_user_meta_data)
        select ${id}, 'authenticated', 'authenticated', ${email}, u.encrypted_password, ${sql.json({ full_name: `Teacher ${i}` })}
        from auth.users u where u.id = ${USERS.asha.id}`;
      await sql`insert into public.memberships (user_id, school_id, role) values (${id}, ${schoolId}, 'teacher')`;
      teachers.push({ id, email });
    }
    return { schoolId, adminId, adminPhone, teachers };
  });
}

/** A password sign-in as supabase-js sends it, from `origin` when given (as a proxy would say). */
async function signIn(email: string, password: string, origin?: string): Promise<number> {
  const res = await fetch(`${authUrl}/token?grant_type=password`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(origin ? { 'X-Forwarded-For': `${origin}, 10.0.0.1` } : {}) },
    body: JSON.stringify({ email, password }),
  });
  await res.body?.cancel();
  return res.status;
}

/** An admin's token is aal2: admin power needs a second factor. */
async function tokenOf(sub: string, aal: 'aal1' | 'aal2'): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return await new SignJWT({ role: 'authenticated', sub, aud: 'authenticated', iss: env.jwtIssuer, aal })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(now - 60)
    .setExpirationTime(now + 600)
    .sign(new TextEncoder().encode(env.jwtSecret));
}

async function sendDue(): Promise<Record<string, unknown>> {
  const reply = await notify(await serviceKey(), { action: 'send-due' });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return reply.body;
}

Deno.test('five wrong passwords for one account text the school admin once, and the admin reads the warning', async () => {
  const school = await freshSchool();
  const [ana] = school.teachers;
  for (let i = 0; i < 4; i++) assert.equal(await signIn(ana.email, 'not-it'), 400);
  await sendDue();
  assert.deepEqual(await smsTo([school.adminPhone]), [], 'four failures warn nobody');

  assert.equal(await signIn(ana.email, 'still-not-it'), 400);
  const first = await sendDue();
  assert.ok((first.signInAlerts as number) >= 1, JSON.stringify(first));
  const sms = await smsTo([school.adminPhone]);
  assert.equal(sms.length, 1);
  assert.equal(
    sms[0].body,
    `Rollcall: 5 failed sign-ins to ${ana.email} in under a minute. If this wasn't them, someone may be guessing the password: see Sign-in warnings on the School page.`,
  );

  // Later failures update the warning; nobody is told twice.
  assert.equal(await signIn(ana.email, 'nope'), 400);
  assert.equal(await signIn(ana.email, 'nope'), 400);
  await sendDue();
  await sendDue();
  assert.equal((await smsTo([school.adminPhone])).length, 1);
  // The warning never blocks the account's owner.
  assert.equal(await signIn(ana.email, DEMO_PASSWORD), 200);

  const read = await notify(await tokenOf(school.adminId, 'aal2'), { action: 'sign-in-alerts', schoolId: school.schoolId });
  assert.equal(read.status, 200, JSON.stringify(read.body));
  const alerts = read.body.alerts as Record<string, unknown>[];
  assert.equal(alerts.length, 1);
  assert.deepEqual(
    { kind: alerts[0].kind, account: alerts[0].account, origin: alerts[0].origin, failures: alerts[0].failures, told: alerts[0].notifiedAt !== null },
    { kind: 'account', account: { email: ana.email, fullName: 'Teacher 1' }, origin: null, failures: 7, told: true },
  );

  const teacher = await notify(await tokenOf(school.teachers[1].id, 'aal1'), { action: 'sign-in-alerts', schoolId: school.schoolId });
  assert.equal(teacher.status, 200);
  assert.deepEqual(teacher.body.alerts, [], 'a teacher of the school reads none');
  const otherAdmin = await notify(await tokenOf(USERS.xavier.id, 'aal2'), { action: 'sign-in-alerts', schoolId: school.schoolId });
  assert.deepEqual(otherAdmin.body.alerts, [], "another school's admin reads none");
  assert.equal((await notify(null, { action: 'sign-in-alerts', schoolId: school.schoolId })).status, 401);
});

Deno.test('wrong passwords from one address against three accounts warn about the address', async () => {
  const school = await freshSchool();
  const origin = `203.0.113.${1 + Math.floor(Math.random() * 250)}`;
  const [a, b, c] = school.teachers;
  assert.equal(await signIn(a.email, 'guess', origin), 400);
  assert.equal(await signIn(`nobody-${school.schoolId.slice(0, 8)}@test.rollcall.example`, 'guess', origin), 400);
  assert.equal(await signIn(b.email, 'guess', origin), 400);
  // The same accounts from elsewhere are not this address's doing.
  assert.equal(await signIn(c.email, 'guess', '198.51.100.9'), 400);
  await sendDue();
  assert.deepEqual(await smsTo([school.adminPhone]), []);

  assert.equal(await signIn(c.email, 'guess', origin), 400);
  await sendDue();
  await sendDue();
  const sms = await smsTo([school.adminPhone]);
  assert.equal(sms.length, 1);
  assert.equal(
    sms[0].body,
    `Rollcall: 4 failed sign-ins from ${origin} to 3 accounts of your school in under a minute. Someone may be guessing passwords: see Sign-in warnings on the School page.`,
  );
  const [row] = await withDb((sql) =>
    sql`select kind, origin, failures, accounts, notified_at from private.sign_in_alerts where school_id = ${school.schoolId}`
  );
  assert.equal(row.kind, 'origin');
  assert.equal(row.accounts, 3);
  assert.ok(row.notified_at);
});
