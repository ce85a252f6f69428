/**
 * Times from a device with a wrong clock, against the running stack:
 * privacy refuses a consent dated in the future or before 2020 with the
 * reason, withdraws a consent stored with a future date (by a parent, a
 * teacher or an admin) and forgets the face data; sync keeps a session
 * started "in two days" with the server's time, and tells the device what
 * the server's clock says.
 */
import assert from 'node:assert/strict';
import { callFunction, callSync, mutation, tokenFor, USERS, withDb } from './stackClient.ts';
import { pupilWithEverything } from './privacyFixtures.ts';

const privacy = async (user: string, body: unknown) => await callFunction<Record<string, unknown>>('privacy', await tokenFor(user), body);
const DAY = 86_400_000;
const CHECK_CLOCK = ": check this phone's date and time";

Deno.test('give-consent: a date ahead of the server or before 2020 is a 400 with the reason, and nothing is recorded', async () => {
  const p = await pupilWithEverything();
  const paper = (givenAt: string) => ({ action: 'give-consent', studentId: p.studentId, noticeVersion: '2026-09', method: 'paper', givenAt });

  const future = await privacy(p.teacherId, paper('2099-01-01T00:00:00Z'));
  assert.equal(future.status, 400, JSON.stringify(future.body));
  assert.match(String(future.body.message), new RegExp(`^givenAt is ahead of the server's clock by \\d+ years${CHECK_CLOCK}$`));

  const old = await privacy(p.teacherId, paper('2001-01-01T00:00:00Z'));
  assert.equal(old.status, 400, JSON.stringify(old.body));
  assert.equal(old.body.message, `givenAt is 2001-01-01, before 2020-01-01${CHECK_CLOCK}`);

  const app = await privacy(p.parentId, {
    action: 'give-consent',
    studentId: p.studentId,
    noticeVersion: '2026-11',
    givenAt: new Date(Date.now() + 3 * DAY + 3_600_000).toISOString(),
  });
  assert.equal(app.status, 400, JSON.stringify(app.body));
  assert.equal(app.body.message, `givenAt is ahead of the server's clock by 3 days${CHECK_CLOCK}`);

  const [{ n }] = await withDb((sql) => sql`select count(*)::int as n from public.consents where student_id = ${p.studentId}`);
  assert.equal(n, 1, 'only the fixture consent');

  // A phone a few minutes ahead is within what the server allows.
  const slightlyAhead = await privacy(p.teacherId, paper(new Date(Date.now() + 3 * 60_000).toISOString()));
  assert.equal(slightlyAhead.status, 201, JSON.stringify(slightlyAhead.body));
});

for (const who of ['parent', 'teacher', 'admin'] as const) {
  Deno.test(`withdraw-consent by ${who === 'admin' ? 'an' : 'a'} ${who}: a consent stored with a given_at in the future is withdrawn and the face data forgotten`, async () => {
    const p = await pupilWithEverything();
    const caller = { parent: p.parentId, teacher: p.teacherId, admin: USERS.asha.id }[who];
    // Recorded before the server bounded consent dates.
    await withDb((sql) =>
      sql`insert into public.consents (school_id, student_id, guardian_id, given_by, method, notice_version, given_at)
          values (${p.schoolId}, ${p.studentId}, ${p.parentGuardianId}, ${p.parentId}, 'app', '2026-09', '2099-01-01')`
    );

    const withdrawn = await privacy(caller, { action: 'withdraw-consent', studentId: p.studentId });
    assert.equal(withdrawn.status, 200, JSON.stringify(withdrawn.body));
    assert.equal((withdrawn.body.withdrawn as string[]).length, 2);
    assert.equal(withdrawn.body.faceDataErased, true);

    await withDb(async (sql) => {
      const consents = await sql`select given_at, withdrawn_at from public.consents where student_id = ${p.studentId}`;
      assert.ok(consents.every((c) => c.withdrawn_at !== null && c.withdrawn_at >= c.given_at), JSON.stringify(consents));
      const models = await sql`select id from public.model_artifacts where class_id = ${p.classId}`;
      assert.equal(models.length, 0);
    });
    const status = await privacy(caller, { action: 'consent-status', studentId: p.studentId });
    assert.equal(status.body.inForce, false);
  });
}

Deno.test("sync: a session started on a phone two days ahead is kept at the server's time; every answer carries the server's clock", async () => {
  // A fresh teacher and class, so the seed teacher's sync rate limit is left to the other tests.
  const p = await pupilWithEverything();
  const token = await tokenFor(p.teacherId);
  const id = crypto.randomUUID();
  const before = Date.now();
  const ahead = new Date(before + 2 * DAY).toISOString();
  const pushed = await callSync<{ results: { status: string }[]; serverTime: string }>(token, {
    push: [mutation('sessions', { id, class_id: p.classId, starts_at: ahead, mode: 'manual', device: 'clock-test' })],
  });
  assert.equal(pushed.status, 200, JSON.stringify(pushed.body));
  assert.deepEqual(pushed.body.results.map((r) => r.status), ['applied']);

  const [row] = await withDb((sql) => sql`select starts_at from public.sessions where id = ${id}`);
  assert.ok(Math.abs(row.starts_at.getTime() - before) < 60_000, `starts_at ${row.starts_at.toISOString()}`);

  const server = Date.parse(pushed.body.serverTime);
  assert.ok(Math.abs(server - Date.now()) < 60_000, `serverTime ${pushed.body.serverTime}`);
  assert.ok(pushed.headers.get('date'), 'and the Date header, for callers that can read it');
});
