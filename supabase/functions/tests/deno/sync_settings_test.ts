/**
 * School settings through sync: every member pulls them, an admin pushes a
 * change, a teacher's push is refused; consents and excuse requests are
 * pulled but not pushed. Priya and Rosa here, to leave the other tests'
 * users their rate limits.
 */
import assert from 'node:assert/strict';
import { callSync, mutation, SCHOOLS, type SyncReply, tokenFor, USERS, withDb } from './stackClient.ts';

Deno.test('schools: members pull the settings, an admin changes them through sync, a teacher cannot', async () => {
  const rosa = await callSync<SyncReply>(await tokenFor(USERS.rosa.id), { pullSince: null, limit: 5 });
  const pulled = rosa.body.changes?.schools ?? [];
  assert.deepEqual(pulled.map((s) => s.id), [SCHOOLS.demo]);
  assert.deepEqual(Object.keys(pulled[0]).sort(), [
    'auto_mark_confidence',
    'created_at',
    'id',
    'keep_face_crops',
    'late_after_minutes',
    'name',
    'present_sms_confidence',
    'retention_days',
    'sync_face_templates',
    'updated_at',
  ]);

  try {
    const teacher = await callSync<SyncReply>(await tokenFor(USERS.priya.id), {
      push: [mutation('schools', { id: SCHOOLS.demo, retention_days: 7 })],
    });
    assert.deepEqual(teacher.body.results?.map((r) => [r.status, r.reason]), [['rejected', 'not allowed']]);
    const other = await callSync<SyncReply>(await tokenFor(USERS.xavier.id), {
      push: [mutation('schools', { id: SCHOOLS.demo, retention_days: 7 })],
    });
    assert.deepEqual(other.body.results?.map((r) => [r.status, r.reason]), [['rejected', 'not allowed']]);

    const admin = await callSync<SyncReply>(await tokenFor(USERS.asha.id), {
      push: [mutation('schools', { id: SCHOOLS.demo, retention_days: 90, present_sms_confidence: 0.9, late_after_minutes: 15 })],
    });
    assert.deepEqual(admin.body.results?.map((r) => r.status), ['applied'], JSON.stringify(admin.body));
    const [row] = await withDb((sql) =>
      sql`select retention_days, present_sms_confidence::text as p, late_after_minutes from public.schools where id = ${SCHOOLS.demo}`
    );
    assert.deepEqual([row.retention_days, row.p, row.late_after_minutes], [90, '0.90', 15]);

    const outOfRange = await callSync<SyncReply>(await tokenFor(USERS.asha.id), { push: [mutation('schools', { id: SCHOOLS.demo, retention_days: 0 })] });
    assert.match(String(outOfRange.body.results?.[0].reason), /^check failed: schools_retention_days_check/);
  } finally {
    await withDb((sql) =>
      sql`update public.schools set retention_days = 365, present_sms_confidence = 0.80, late_after_minutes = 10 where id = ${SCHOOLS.demo}`
    );
  }
});

Deno.test('consents and excuse requests are pulled by whoever may read them, and never pushed', async () => {
  const rosa = await tokenFor(USERS.rosa.id);
  const first = await callSync<SyncReply>(rosa, { pullSince: null, limit: 1000 });
  assert.deepEqual(first.body.changes?.consents?.map((c) => c.student_id), ['40000000-0000-4000-8000-000000000006']);
  assert.ok((first.body.changes?.excuse_requests ?? []).every((e) => e.student_id === '40000000-0000-4000-8000-000000000006'));
  const pushed = await callSync<SyncReply>(rosa, {
    push: [mutation('consents', { id: crypto.randomUUID(), student_id: '40000000-0000-4000-8000-000000000006' })],
  });
  assert.deepEqual(pushed.body.results?.map((r) => r.reason), ['read only: consents']);
});
