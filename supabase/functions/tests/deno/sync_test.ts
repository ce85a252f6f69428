/**
 * The sync function against the running local stack: real JWTs, the real
 * schema with its row-level security, and the database checked directly.
 */
import assert from 'node:assert/strict';
import { callSync, CLASSES, env, mutation, pullAll, SESSIONS, STUDENTS, type SyncReply, tokenFor, USERS, withDb } from './stackClient.ts';

const now = () => new Date().toISOString();

function session(classId: string, extra: Record<string, unknown> = {}) {
  return { id: crypto.randomUUID(), class_id: classId, starts_at: now(), mode: 'photo', device: 'test-device', ...extra };
}

function mark(sessionId: string, studentId: string, extra: Record<string, unknown> = {}) {
  return {
    id: crypto.randomUUID(),
    session_id: sessionId,
    student_id: studentId,
    status: 'present',
    source: 'auto',
    confidence: 0.9,
    marked_at: now(),
    device: 'test-device',
    ...extra,
  };
}

Deno.test('the same batch twice: applied, then all duplicate, and the rows do not change', async () => {
  const token = await tokenFor(USERS.tomas.id);
  const s = session(CLASSES['7B']);
  const marks = [mark(s.id, STUDENTS.aarav), mark(s.id, STUDENTS.bela, { status: 'late' })];
  const batch = { push: [mutation('sessions', s), ...marks.map((m) => mutation('attendance_marks', m))] };

  const first = await callSync<SyncReply>(token, batch);
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.deepEqual(first.body.results!.map((r) => r.status), ['applied', 'applied', 'applied']);

  const snapshot = () =>
    withDb((sql) =>
      sql`
      select id, status::text, updated_at::text from public.attendance_marks where session_id = ${s.id}
      union all
      select id, mode, updated_at::text from public.sessions where id = ${s.id}
      order by id`
    );
  const before = await snapshot();
  assert.equal(before.length, 3);

  const second = await callSync<SyncReply>(token, batch);
  assert.equal(second.status, 200);
  assert.deepEqual(second.body.results!.map((r) => r.status), ['duplicate', 'duplicate', 'duplicate']);
  assert.deepEqual(second.body.results!.map((r) => r.clientId), batch.push.map((m) => m.clientId));
  assert.deepEqual(await snapshot(), before);
});

Deno.test("a mark in another class's session is refused as 'not allowed'; the rest of the batch applies", async () => {
  const token = await tokenFor(USERS.tomas.id);
  const s = session(CLASSES['7B']);
  const foreign = mark(SESSIONS.open8A, STUDENTS.gus);
  const own = mark(s.id, STUDENTS.chen);
  const batch = {
    push: [mutation('sessions', s), mutation('attendance_marks', foreign), mutation('attendance_marks', own), mutation('grades', { id: crypto.randomUUID() })],
  };

  const reply = await callSync<SyncReply>(token, batch);
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  const [r0, r1, r2, r3] = reply.body.results!;
  assert.equal(r0.status, 'applied');
  assert.deepEqual({ status: r1.status, reason: r1.reason }, { status: 'rejected', reason: 'not allowed' });
  assert.equal(r2.status, 'applied');
  assert.deepEqual({ status: r3.status, reason: r3.reason }, { status: 'rejected', reason: 'unknown table' });

  await withDb(async (sql) => {
    const stored = await sql`select id from public.attendance_marks where id in ${sql([foreign.id, own.id])}`;
    assert.deepEqual(stored.map((r) => r.id), [own.id]);
    // A refused row leaves no trace in the ledger, so a retry is judged afresh.
    const ledger = await sql`select client_id from private.sync_mutations where client_id = ${batch.push[1].clientId}`;
    assert.equal(ledger.length, 0);
  });
});

Deno.test('each refused row says why: check, value, column', async () => {
  const token = await tokenFor(USERS.tomas.id);
  const s = session(CLASSES['7B']);
  const reply = await callSync<SyncReply>(token, {
    push: [
      mutation('sessions', s),
      mutation('attendance_marks', mark(s.id, STUDENTS.aarav, { confidence: 1.5 })),
      mutation('attendance_marks', mark(s.id, STUDENTS.bela, { status: 'asleep' })),
      mutation('attendance_marks', { ...mark(s.id, STUDENTS.chen), secret_column: 1 }),
      mutation('attendance_marks', { id: crypto.randomUUID() }, 'delete'),
    ],
  });
  assert.equal(reply.status, 200);
  const reasons = reply.body.results!.map((r) => r.reason ?? r.status);
  assert.deepEqual(reasons, [
    'applied',
    'check failed: attendance_marks_confidence_check',
    reasons[2],
    'unknown column: secret_column',
    'delete not supported for attendance_marks',
  ]);
  assert.match(reasons[2], /^invalid value: .*attendance_status/);
});

Deno.test('a manual mark is not overwritten by an automatic one; a later manual one replaces it', async () => {
  const token = await tokenFor(USERS.tomas.id);
  const s = session(CLASSES['7B']);
  const manual = mark(s.id, STUDENTS.aarav, { status: 'excused', source: 'manual', confidence: null });
  const first = await callSync<SyncReply>(token, { push: [mutation('sessions', s), mutation('attendance_marks', manual)] });
  assert.deepEqual(first.body.results!.map((r) => r.status), ['applied', 'applied']);

  const auto = { ...manual, status: 'present', source: 'auto', confidence: 0.97, marked_at: new Date(Date.now() + 60_000).toISOString() };
  const second = await callSync<SyncReply>(token, { push: [mutation('attendance_marks', auto)] });
  const { current, ...refusal } = second.body.results![0] as { current?: Record<string, unknown> };
  assert.deepEqual(refusal, {
    clientId: second.body.results![0].clientId,
    status: 'rejected',
    reason: 'kept: a manual mark wins over an automatic one',
  });
  assert.deepEqual([current?.id, current?.status, current?.source], [manual.id, 'excused', 'manual']);

  const later = { ...manual, status: 'late', marked_at: new Date(Date.now() + 120_000).toISOString() };
  const third = await callSync<SyncReply>(token, { push: [mutation('attendance_marks', later)] });
  assert.equal(third.body.results![0].status, 'applied');

  const [stored] = await withDb((sql) => sql`select status::text, source::text from public.attendance_marks where id = ${manual.id}`);
  assert.deepEqual({ ...stored }, { status: 'late', source: 'manual' });
});

Deno.test('a deleted session comes back from pull as a tombstone', async () => {
  const token = await tokenFor(USERS.tomas.id);
  const s = session(CLASSES['7B']);
  await callSync(token, { push: [mutation('sessions', s)] });
  const del = await callSync<SyncReply>(token, { push: [mutation('sessions', { id: s.id }, 'delete')] });
  assert.equal(del.body.results![0].status, 'applied');
  const { rows } = await pullAll(token, 1000);
  const pulled = rows.sessions.find((r) => r.id === s.id);
  assert.ok(pulled, 'the deleted session is in the pull');
  assert.notEqual(pulled.deleted_at, null);
});

Deno.test("pull gives a parent their own child's marks and nothing else", async () => {
  // Marks for Pat's child and for another child in the same class.
  const teacher = await tokenFor(USERS.tomas.id);
  const s = session(CLASSES['7B']);
  const childMark = mark(s.id, STUDENTS.aarav);
  const otherMark = mark(s.id, STUDENTS.bela);
  const push = await callSync<SyncReply>(teacher, {
    push: [mutation('sessions', s), mutation('attendance_marks', childMark), mutation('attendance_marks', otherMark)],
  });
  assert.deepEqual(push.body.results!.map((r) => r.status), ['applied', 'applied', 'applied']);

  const parent = await tokenFor(USERS.pat.id);
  const { rows } = await pullAll(parent, 1000);
  const marks = rows.attendance_marks ?? [];
  const markIds = marks.map((m) => m.id);
  assert.ok(markIds.includes(childMark.id), "the child's new mark is there");
  assert.ok(!markIds.includes(otherMark.id), "the classmate's mark is not");
  assert.deepEqual([...new Set(marks.map((m) => m.student_id))], [STUDENTS.aarav]);

  // Exactly what the database holds for that child, no more, no less.
  const truth = await withDb((sql) => sql`select id from public.attendance_marks where student_id = ${STUDENTS.aarav} order by id`);
  assert.deepEqual([...markIds].sort(), truth.map((r) => r.id));
  // Nothing from a class the parent has no child in, and no recognition log.
  assert.ok((rows.classes ?? []).every((c) => c.id === CLASSES['7B']));
  assert.equal((rows.recognition_events ?? []).length, 0);
});

Deno.test('pull in small pages returns the same rows as one big page, each once', async () => {
  const token = await tokenFor(USERS.tomas.id);
  const big = await pullAll(token, 1000);
  const small = await pullAll(token, 3);
  assert.equal(big.pages, 1);
  assert.ok(small.pages > 1, `paged (${small.pages} pages)`);
  for (const table of Object.keys(big.rows)) {
    const ids = small.rows[table].map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length, `${table}: no row twice`);
    assert.deepEqual([...ids].sort(), big.rows[table].map((r) => r.id).sort(), table);
  }
  // A teacher of 7B sees nothing of 8A.
  assert.ok(big.rows.sessions.every((r) => r.class_id === CLASSES['7B']));
});

Deno.test('a pull from the last cursor returns only what changed since', async () => {
  const token = await tokenFor(USERS.tomas.id);
  const first = await callSync<SyncReply>(token, { pullSince: null, limit: 1000 });
  assert.equal(first.body.hasMore, false);
  const s = session(CLASSES['7B']);
  await callSync(token, { push: [mutation('sessions', s)] });
  const next = await callSync<SyncReply>(token, { pullSince: first.body.cursor });
  assert.deepEqual(next.body.changes!.sessions.map((r) => r.id), [s.id]);
  assert.equal(next.body.changes!.attendance_marks, undefined);
});

Deno.test('a pull after the caller may see more starts over, so rows older than the cursor arrive too', async () => {
  // Priya teaches 8A; her cursor is past every row of 7B, which she may not read.
  const token = await tokenFor(USERS.priya.id);
  const before = await pullAll(token, 1000);
  assert.ok(!(before.rows.students ?? []).some((r) => r.class_id === CLASSES['7B']));
  try {
    await withDb((sql) => sql`insert into public.class_teachers (class_id, user_id) values (${CLASSES['7B']}, ${USERS.priya.id})`);
    const after = await callSync<SyncReply>(token, { pullSince: before.cursor, limit: 1000 });
    assert.ok((after.body.changes!.students ?? []).some((r) => r.id === STUDENTS.aarav), "7B's students, changed long before the cursor");
    // And once caught up, the same scope pulls only what changed.
    const again = await callSync<SyncReply>(token, { pullSince: after.body.cursor, limit: 1000 });
    assert.equal(again.body.changes!.students, undefined);
  } finally {
    await withDb((sql) => sql`delete from public.class_teachers where class_id = ${CLASSES['7B']} and user_id = ${USERS.priya.id}`);
  }

  // An admin's password-only session reads nothing an admin may; the second factor opens the school from the start.
  const aal1 = await pullAll(await tokenFor(USERS.asha.id, { aal: 'aal1' }), 1000);
  assert.equal((aal1.rows.classes ?? []).length, 0);
  const aal2 = await callSync<SyncReply>(await tokenFor(USERS.asha.id, { aal: 'aal2' }), { pullSince: aal1.cursor, limit: 1000 });
  assert.ok((aal2.body.changes!.classes ?? []).length >= 2, "the demo school's classes");
});

Deno.test('every push batch leaves one audit entry', async () => {
  const token = await tokenFor(USERS.tomas.id);
  const count = () =>
    withDb(async (sql) => (await sql`select count(*)::int as n from public.audit_log where action = 'sync.push' and actor = ${USERS.tomas.id}`)[0].n as number);
  const before = await count();
  const s = session(CLASSES['7B']);
  await callSync(token, { push: [mutation('sessions', s), mutation('attendance_marks', mark(s.id, STUDENTS.chen))] });
  assert.equal(await count(), before + 1);
});

Deno.test('a missing, forged or expired token is a 401', async () => {
  const body = { pullSince: null };
  const missing = await callSync(null, body);
  assert.equal(missing.status, 401);
  assert.equal(missing.body.error, 'unauthorized');

  const forged = await callSync(await tokenFor(USERS.tomas.id, { secret: 'not-the-secret-not-the-secret-not-the-secret' }), body);
  assert.equal(forged.status, 401);
  assert.equal(forged.body.message, 'Invalid token.');

  const expired = await callSync(await tokenFor(USERS.tomas.id, { expiresIn: -30 }), body);
  assert.equal(expired.status, 401);
  assert.equal(expired.body.message, 'Token expired.');

  const garbage = await callSync('not.a.jwt', body);
  assert.equal(garbage.status, 401);

  // The anon key is valid but is nobody.
  const anon = await callSync(await tokenFor(null, { role: 'anon' }), body);
  assert.equal(anon.status, 401);
  assert.equal(anon.body.message, 'A signed-in user is required.');
});

Deno.test('a malformed body is a 400 that names the field', async () => {
  const token = await tokenFor(USERS.priya.id);
  const badId = await callSync(token, { push: [{ ...mutation('sessions', session(CLASSES['8A'])), clientId: 'nope' }] });
  assert.equal(badId.status, 400);
  assert.equal(badId.body.error, 'bad_request');
  assert.match(String(badId.body.message), /^push\[0\]\.clientId: /);

  const badOp = await callSync(token, { push: [{ ...mutation('sessions', session(CLASSES['8A'])), op: 'merge' }] });
  assert.match(String(badOp.body.message), /^push\[0\]\.op: /);

  const extra = await callSync(token, { pull: true });
  assert.equal(extra.status, 400);
  assert.match(String(extra.body.message), /pull/);

  const notJson = await callSync(token, '{"push": [');
  assert.equal(notJson.status, 400);
  assert.equal(notJson.body.message, 'body: not valid JSON');

  const badCursor = await callSync(token, { pullSince: 'bm90IGEgY3Vyc29y' });
  assert.equal(badCursor.status, 400);
  assert.match(String(badCursor.body.message), /^pullSince: /);

  const badLimit = await callSync(token, { pullSince: null, limit: 0 });
  assert.match(String(badLimit.body.message), /^limit: /);
});

Deno.test('too many requests from one user is a 429 with Retry-After', async () => {
  // A user of their own, so the other tests' calls do not count.
  const token = await tokenFor(crypto.randomUUID());
  for (let i = 0; i < env.rateLimit; i++) {
    const ok = await callSync(token, {});
    assert.equal(ok.status, 200, `request ${i + 1}`);
  }
  const limited = await callSync(token, {});
  assert.equal(limited.status, 429);
  assert.equal(limited.body.error, 'rate_limited');
  const retryAfter = Number(limited.headers.get('Retry-After'));
  assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);

  // Someone else is not affected.
  const other = await callSync(await tokenFor(crypto.randomUUID()), {});
  assert.equal(other.status, 200);
});

Deno.test('a browser preflight is answered without a token', async () => {
  const res = await fetch(`${env.functionsUrl}/sync`, {
    method: 'OPTIONS',
    headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST' },
  });
  await res.body?.cancel();
  assert.equal(res.status, 204);
  assert.equal(res.headers.get('Access-Control-Allow-Origin'), '*');
  assert.match(res.headers.get('Access-Control-Allow-Headers') ?? '', /authorization/);
});

Deno.test('a long run of one table is written together; one kept row in a run still gets its own answer', async () => {
  const token = await tokenFor(USERS.tomas.id);
  const sessions = Array.from({ length: 20 }, () => session(CLASSES['7B']));
  const kids = [STUDENTS.aarav, STUDENTS.bela, STUDENTS.chen, STUDENTS.dina, STUDENTS.emil];
  const marks = sessions.flatMap((s) => kids.map((k) => mark(s.id, k, { source: 'manual', confidence: null })));
  const batch = { push: [...sessions.map((s) => mutation('sessions', s)), ...marks.map((m) => mutation('attendance_marks', m))] };
  const reply = await callSync<SyncReply>(token, batch);
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  assert.ok(reply.body.results!.every((r) => r.status === 'applied'));
  await withDb(async (sql) => {
    const [{ n }] = await sql`select count(*)::int as n from public.attendance_marks where id in ${sql(marks.map((m) => m.id))}`;
    assert.equal(n, 100);
    const [{ l }] = await sql`select count(*)::int as l from private.sync_mutations where client_id in ${sql(batch.push.map((m) => m.clientId))}`;
    assert.equal(l, 120);
  });

  // An earlier manual correction of one of them arrives in a run with two new changes: it alone is kept out.
  const stale = { ...marks[0], status: 'absent', marked_at: new Date(Date.parse(marks[0].marked_at as string) - 60_000).toISOString() };
  const fresh = [{ ...marks[1], status: 'late' }, { ...marks[2], status: 'excused' }];
  const again = await callSync<SyncReply>(token, {
    push: [mutation('attendance_marks', fresh[0]), mutation('attendance_marks', stale), mutation('attendance_marks', fresh[1])],
  });
  assert.deepEqual(again.body.results!.map((r) => r.status), ['applied', 'rejected', 'applied']);
  assert.match(again.body.results![1].reason!, /^stale/);
  // The refusal carries the row that won, so the device can take it without waiting for a pull.
  const current = (again.body.results![1] as { current?: Record<string, unknown> }).current;
  assert.deepEqual([current?.id, current?.status, current?.source], [marks[0].id, 'present', 'manual']);
  await withDb(async (sql) => {
    const rows = await sql`select id, status from public.attendance_marks where id in ${sql([marks[0].id, marks[1].id, marks[2].id])}`;
    const by = Object.fromEntries(rows.map((r) => [r.id, r.status]));
    assert.deepEqual([by[marks[0].id], by[marks[1].id], by[marks[2].id]], ['present', 'late', 'excused']);
  });
});
