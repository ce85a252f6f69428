/**
 * Disputes from the student's or parent's word to the teacher's decision:
 * opened through sync, resolved through reviews, read back through sync.
 */
import assert from 'node:assert/strict';
import { callFunction, callSync, CLASSES, mutation, pullAll, SCHOOLS, STUDENTS, type SyncReply, tokenFor, USERS, withDb } from './stackClient.ts';

/** A fresh finalised 7B session with an automatic late mark for Aarav. */
async function aaravLate(): Promise<string> {
  const sessionId = crypto.randomUUID();
  const markId = crypto.randomUUID();
  await withDb(async (sql) => {
    await sql`insert into public.sessions (id, school_id, class_id, starts_at, taken_by, finalised_at)
      values (${sessionId}, ${SCHOOLS.demo}, ${CLASSES['7B']}, now() - interval '1 day', ${USERS.tomas.id}, now())`;
    await sql`insert into public.attendance_marks (id, school_id, session_id, student_id, status, source, confidence)
      values (${markId}, ${SCHOOLS.demo}, ${sessionId}, ${STUDENTS.aarav}, 'late', 'auto', 0.9)`;
  });
  return markId;
}

const reviews = async (user: string, body: unknown) => await callFunction<Record<string, unknown>>('reviews', await tokenFor(user), body);
const markOf = async (id: string) =>
  (await withDb((sql) => sql`select status::text as status, source::text as source from public.attendance_marks where id = ${id}`))[0];

Deno.test('a student disputes a mark through sync, the class teacher accepts it: the mark is corrected and the student reads the outcome', async () => {
  const markId = await aaravLate();
  const disputeId = crypto.randomUUID();
  const aarav = await tokenFor(USERS.aarav.id);
  const opened = await callSync<SyncReply>(aarav, {
    push: [mutation('disputes', { id: disputeId, mark_id: markId, reason: 'I was in by 08:31', requested_status: 'present' })],
  });
  assert.deepEqual(opened.body.results?.map((r) => r.status), ['applied'], JSON.stringify(opened.body));

  for (const user of [USERS.priya.id, USERS.pat.id, USERS.aarav.id]) {
    const refused = await reviews(user, { action: 'resolve-dispute', disputeId, outcome: 'accept' });
    assert.ok(refused.status === 403 || refused.status === 404, `${user}: ${refused.status}`);
  }
  assert.equal((await markOf(markId)).status, 'late');

  const accepted = await reviews(USERS.tomas.id, { action: 'resolve-dispute', disputeId, outcome: 'accept', resolution: 'On the 08:31 photo' });
  assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
  assert.deepEqual(await markOf(markId), { status: 'present', source: 'manual' });
  assert.equal((accepted.body.mark as Record<string, unknown>).status, 'present');

  const { rows: pulled } = await pullAll(aarav, 1000);
  const seen = pulled.disputes?.find((d) => d.id === disputeId);
  assert.deepEqual(seen && [seen.status, seen.corrected_status, seen.resolution, seen.resolved_by], [
    'resolved',
    'present',
    'On the 08:31 photo',
    USERS.tomas.id,
  ]);
  const mark = pulled.attendance_marks?.find((m) => m.id === markId);
  assert.deepEqual(mark && [mark.status, mark.source], ['present', 'manual']);

  assert.equal((await reviews(USERS.tomas.id, { action: 'resolve-dispute', disputeId, outcome: 'reject', resolution: 'No' })).status, 409);
});

Deno.test("a parent disputes their child's mark; a rejection needs a reason and keeps the mark", async () => {
  const markId = await aaravLate();
  const disputeId = crypto.randomUUID();
  const opened = await callSync<SyncReply>(await tokenFor(USERS.pat.id), {
    push: [mutation('disputes', { id: disputeId, mark_id: markId, reason: 'The bus was late, not him' })],
  });
  assert.deepEqual(opened.body.results?.map((r) => r.status), ['applied'], JSON.stringify(opened.body));
  const rosa = await callSync<SyncReply>(await tokenFor(USERS.rosa.id), {
    push: [mutation('disputes', { id: crypto.randomUUID(), mark_id: markId, reason: 'Not mine' })],
  });
  assert.deepEqual(rosa.body.results?.map((r) => r.reason), ['not allowed']);

  const noReason = await reviews(USERS.tomas.id, { action: 'resolve-dispute', disputeId, outcome: 'reject' });
  assert.equal(noReason.status, 400);
  assert.match(String(noReason.body.message), /^resolution: /);
  // It asked for no status, so accepting must name one.
  const noStatus = await reviews(USERS.tomas.id, { action: 'resolve-dispute', disputeId, outcome: 'accept' });
  assert.equal(noStatus.status, 400);
  assert.match(String(noStatus.body.message), /^correctedStatus: /);

  const rejected = await reviews(USERS.tomas.id, { action: 'resolve-dispute', disputeId, outcome: 'reject', resolution: 'Late on the register too' });
  assert.equal(rejected.status, 200, JSON.stringify(rejected.body));
  assert.deepEqual(await markOf(markId), { status: 'late', source: 'auto' });
  const [logged] = await withDb((sql) => sql`select actor from public.audit_log where action = 'dispute.rejected' and entity_id = ${disputeId}`);
  assert.equal(logged.actor, USERS.tomas.id);
});
