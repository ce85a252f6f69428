/**
 * The privacy function against the running stack: erasing a student's face
 * data (and, for admins, the rest), purging models past retention or of
 * leavers, an access request, and consent given and withdrawn.
 */
import assert from 'node:assert/strict';
import { callFunction, pullAll, STUDENTS, tokenFor, USERS, withDb } from './stackClient.ts';
import { insertModel, pupilWithEverything } from './privacyFixtures.ts';

const privacy = async (user: string | null, body: unknown, role?: string) =>
  await callFunction<Record<string, unknown>>('privacy', await tokenFor(user, role ? { role } : {}), body);
const models = (classId: string) => withDb((sql) => sql`select id from public.model_artifacts where class_id = ${classId}`);

Deno.test("erase: a teacher of the class deletes the class's stored models and the erasure is stamped and logged; others cannot", async () => {
  const p = await pupilWithEverything();
  for (const user of [USERS.priya.id, p.parentId, USERS.aarav.id]) {
    const refused = await privacy(user, { action: 'erase', studentId: p.studentId });
    assert.ok(refused.status === 403 || refused.status === 404, `${user}: ${refused.status}`);
  }
  assert.equal((await privacy(p.teacherId, { action: 'erase', studentId: p.studentId, full: true })).status, 403);
  assert.equal((await models(p.classId)).length, 1);

  const erased = await privacy(p.teacherId, { action: 'erase', studentId: p.studentId });
  assert.equal(erased.status, 200, JSON.stringify(erased.body));
  assert.deepEqual(erased.body, { studentId: p.studentId, full: false, modelsDeleted: 1 });
  assert.equal((await models(p.classId)).length, 0);
  const [student] = await withDb((sql) => sql`select full_name, biometrics_erased_at from public.students where id = ${p.studentId}`);
  assert.equal(student.full_name, 'Kiran Test');
  assert.ok(student.biometrics_erased_at, 'stamped for the devices');
  const [entry] = await withDb((sql) =>
    sql`select actor, details from public.audit_log where action = 'privacy.biometrics_erased' and entity_id = ${p.studentId}`
  );
  assert.equal(entry.actor, p.teacherId);
  assert.equal(entry.details.modelsDeleted, 1);

  // Devices learn it from the student row they pull.
  const { rows: pulled } = await pullAll(await tokenFor(p.teacherId), 1000);
  const row = pulled.students?.find((s) => s.id === p.studentId);
  assert.ok(row?.biometrics_erased_at, JSON.stringify(row));
});

Deno.test('erase with full: true (an admin) keeps the register (marks, anonymised) and deletes the rest', async () => {
  const p = await pupilWithEverything();
  const erased = await privacy(USERS.asha.id, { action: 'erase', studentId: p.studentId, full: true });
  assert.equal(erased.status, 200, JSON.stringify(erased.body));
  assert.equal(erased.body.modelsDeleted, 1);
  assert.deepEqual(erased.body.deleted, {
    consents: 1,
    excuseRequests: 0,
    disputes: 0,
    notifications: 1,
    recognitionEvents: 1,
    notificationPreferences: 1,
    guardianLinks: 2,
    guardians: 2,
  });
  await withDb(async (sql) => {
    const [student] = await sql`select full_name, roll_no, email, user_id, deleted_at from public.students where id = ${p.studentId}`;
    assert.deepEqual([student.full_name, student.roll_no, student.email, student.user_id], ['Erased student', `erased-${p.studentId.slice(0, 8)}`, null, null]);
    assert.ok(student.deleted_at);
    const marks = await sql`select status::text as status, confidence from public.attendance_marks where student_id = ${p.studentId}`;
    assert.deepEqual(marks.map((m) => [m.status, m.confidence]), [['absent', null]]);
    for (const table of ['recognition_events', 'notifications', 'consents', 'student_guardians', 'guardian_notification_preferences']) {
      const [{ n }] = await sql.unsafe(`select count(*)::int as n from public.${table} where student_id = $1`, [p.studentId]);
      assert.equal(n, 0, table);
    }
    const guardians = await sql`select id from public.guardians where id in (${p.guardianId}, ${p.parentGuardianId})`;
    assert.equal(guardians.length, 0, 'guardians who had only this child');
    const [entry] = await sql`select actor from public.audit_log where action = 'privacy.student_erased' and entity_id = ${p.studentId}`;
    assert.equal(entry.actor, USERS.asha.id);
  });
});

Deno.test("purge-expired: models past the school's retention and of classes a student left are purged, with an audit entry; fresh ones stay", async () => {
  const ids = await withDb(async (sql) => {
    const school = crypto.randomUUID();
    const [kept, old, left, gone] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    await sql`insert into public.schools (id, name, sync_face_templates, retention_days) values (${school}, 'Retention School', true, 30)`;
    for (const c of [kept, old, left, gone]) await sql`insert into public.classes (id, school_id, name) values (${c}, ${school}, ${c.slice(0, 6)})`;
    const leaver = crypto.randomUUID();
    await sql`insert into public.students (id, school_id, class_id, roll_no, full_name) values (${leaver}, ${school}, ${left}, '1', 'Lee Ver')`;
    const keptModel = await insertModel(sql, school, kept, 29);
    await insertModel(sql, school, old, 31);
    await insertModel(sql, school, left, 1);
    await insertModel(sql, school, gone, 1);
    await sql`update public.students set deleted_at = now() where id = ${leaver}`;
    await sql`update public.classes set deleted_at = now() where id = ${gone}`;
    return { school, keptModel };
  });

  assert.equal((await privacy(USERS.asha.id, { action: 'purge-expired', schoolId: ids.school })).status, 403, 'not her school');
  assert.equal((await privacy(USERS.tomas.id, { action: 'purge-expired' })).status, 403);

  const purged = await privacy(null, { action: 'purge-expired', schoolId: ids.school }, 'service_role');
  assert.equal(purged.status, 200, JSON.stringify(purged.body));
  assert.deepEqual(purged.body, { modelsDeleted: 3, schools: { [ids.school]: { expired: 1, 'student-left': 1, 'class-deleted': 1 } } });
  const left = await withDb((sql) => sql`select id from public.model_artifacts where school_id = ${ids.school}`);
  assert.deepEqual(left.map((r) => r.id), [ids.keptModel]);
  const [entry] = await withDb((sql) =>
    sql`select actor, details from public.audit_log where action = 'privacy.retention_purge' and school_id = ${ids.school}`
  );
  assert.deepEqual([entry.actor, entry.details.modelsDeleted], [null, 3]);

  const again = await privacy(null, { action: 'purge-expired', schoolId: ids.school }, 'service_role');
  assert.deepEqual(again.body, { modelsDeleted: 0, schools: {} });
});

Deno.test('access-request: everything about one student; phone numbers masked for a teacher, not for an admin; nobody else', async () => {
  const p = await pupilWithEverything();
  const teacher = await privacy(p.teacherId, { action: 'access-request', studentId: p.studentId });
  assert.equal(teacher.status, 200, JSON.stringify(teacher.body));
  const t = teacher.body as Record<string, Record<string, unknown>[]> & { student: Record<string, unknown>; contactDetailsMasked: boolean };
  assert.equal(t.student.full_name, 'Kiran Test');
  assert.equal(t.contactDetailsMasked, true);
  const masked = `+44******${p.phone.slice(-4)}`;
  assert.equal(t.guardians.length, 2);
  assert.ok(t.guardians.some((g) => g.phone === masked));
  assert.ok(t.guardians.every((g) => String(g.phone).includes('******')));
  assert.ok(t.guardians.every((g) => g.email === null || String(g.email).includes('***@')));
  assert.deepEqual(t.notifications.map((n) => n.recipient), [masked]);
  assert.deepEqual(t.marks.map((m) => m.id), [p.markId]);
  assert.deepEqual(t.recognitionEvents.map((e) => e.id), [p.eventId]);
  assert.deepEqual(t.consents.map((c) => c.id), [p.consentId]);
  assert.deepEqual(t.models.map((m) => m.id), [p.modelId]);
  assert.ok(!JSON.stringify(teacher.body).includes(p.phone), 'no full number anywhere');

  const admin = await privacy(USERS.asha.id, { action: 'access-request', studentId: p.studentId });
  assert.equal(admin.status, 200);
  assert.ok((admin.body.guardians as Record<string, unknown>[]).some((g) => g.phone === p.phone));
  assert.equal((admin.body.notifications as Record<string, unknown>[])[0].recipient, p.phone);

  assert.equal((await privacy(USERS.priya.id, { action: 'access-request', studentId: p.studentId })).status, 404);
  assert.equal((await privacy(p.parentId, { action: 'access-request', studentId: p.studentId })).status, 403);
  assert.equal((await privacy(USERS.xavier.id, { action: 'access-request', studentId: p.studentId })).status, 404);
  const [entry] = await withDb((sql) =>
    sql`select count(*)::int as n from public.audit_log where action = 'privacy.access_request' and entity_id = ${p.studentId}`
  );
  assert.equal(entry.n, 2);
});

Deno.test('consent: a parent gives it in the app, a teacher files paper; withdrawing erases the face data and devices pull the withdrawal', async () => {
  const p = await pupilWithEverything();
  const given = await privacy(p.parentId, { action: 'give-consent', studentId: p.studentId, noticeVersion: '2026-11' });
  assert.equal(given.status, 201, JSON.stringify(given.body));
  const consent = given.body.consent as Record<string, unknown>;
  assert.deepEqual([consent.method, consent.given_by, consent.guardian_id], ['app', p.parentId, p.parentGuardianId]);
  assert.equal((await privacy(p.parentId, { action: 'give-consent', studentId: p.studentId, noticeVersion: '2026-11', method: 'paper' })).status, 403);
  assert.equal((await privacy(p.parentId, { action: 'give-consent', studentId: STUDENTS.farah, noticeVersion: '2026-11' })).status, 404);
  const paper = await privacy(p.teacherId, {
    action: 'give-consent',
    studentId: p.studentId,
    noticeVersion: '2026-09',
    method: 'paper',
    givenAt: '2026-09-01T09:00:00Z',
  });
  assert.equal(paper.status, 201, JSON.stringify(paper.body));
  // A device sends its own record's id; sent again after a lost reply, it is recorded once.
  const id = crypto.randomUUID();
  const fromDevice = { action: 'give-consent', id, studentId: p.studentId, noticeVersion: '2026-09', method: 'email', givenAt: '2026-09-02T09:00:00Z' };
  assert.equal((await privacy(p.teacherId, fromDevice)).status, 201);
  const again = await privacy(p.teacherId, fromDevice);
  assert.equal(again.status, 200);
  assert.equal((again.body.consent as Record<string, unknown>).id, id);

  const status = await privacy(p.parentId, { action: 'consent-status', studentId: p.studentId });
  assert.equal(status.status, 200);
  assert.equal(status.body.inForce, true);
  assert.equal((status.body.consents as unknown[]).length, 4);

  assert.equal((await privacy(USERS.rosa.id, { action: 'withdraw-consent', studentId: p.studentId })).status, 404);
  const withdrawn = await privacy(p.parentId, { action: 'withdraw-consent', studentId: p.studentId });
  assert.equal(withdrawn.status, 200, JSON.stringify(withdrawn.body));
  assert.equal((withdrawn.body.withdrawn as string[]).length, 4);
  assert.equal(withdrawn.body.faceDataErased, true);
  assert.equal((await models(p.classId)).length, 0);
  assert.equal((await privacy(p.parentId, { action: 'withdraw-consent', studentId: p.studentId })).status, 409);

  const { rows: pulled } = await pullAll(await tokenFor(p.teacherId), 1000);
  const consents = pulled.consents?.filter((c) => c.student_id === p.studentId) ?? [];
  assert.equal(consents.length, 4);
  assert.ok(consents.every((c) => c.withdrawn_at !== null));
  const student = pulled.students?.find((s) => s.id === p.studentId);
  assert.ok(student?.biometrics_erased_at);
});

Deno.test("privacy refuses: no token 401, the service key for a person's action 403, a bad body 400 naming the field", async () => {
  assert.equal((await callFunction('privacy', null, { action: 'erase', studentId: STUDENTS.aarav })).status, 401);
  assert.equal((await privacy(null, { action: 'erase', studentId: STUDENTS.aarav }, 'service_role')).status, 403);
  const bad = await privacy(USERS.tomas.id, { action: 'erase', studentId: 'nope' });
  assert.equal(bad.status, 400);
  assert.match(String(bad.body.message), /^studentId: /);
});
