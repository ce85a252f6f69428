/** The pure decisions of sync: no server, no database. */
import assert from 'node:assert/strict';
import { decodeCursor, encodeCursor, keptReason, type Mutation, planMutation, positionsFor, rejectionReason, SyncRequestSchema } from '../../sync/logic.ts';
import { deleteSql, pullSql, upsertSql } from '../../sync/sql.ts';
import { SYNC_TABLES, TABLES_BY_NAME } from '../../sync/tables.ts';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';

function m(table: string, row: Record<string, unknown>, op: Mutation['op'] = 'upsert'): Mutation {
  return { clientId: crypto.randomUUID(), table, op, row, clientUpdatedAt: '2026-11-23T08:30:00.000Z' };
}

Deno.test('planMutation refuses unknown tables, unknown columns and bad ids before any SQL', () => {
  assert.deepEqual(planMutation(m('grades', { id: ID })), { kind: 'reject', reason: 'unknown table' });
  assert.deepEqual(planMutation(m('sessions', { id: ID, taken_by: ID, 'x"; drop table sessions; --': 1 })), {
    kind: 'reject',
    reason: 'unknown column: taken_by, x"; drop table sessions; --',
  });
  assert.deepEqual(planMutation(m('sessions', { id: 'abc' })), { kind: 'reject', reason: 'row.id: expected a UUID' });
  assert.deepEqual(planMutation(m('attendance_marks', { id: ID }, 'delete')), { kind: 'reject', reason: 'delete not supported for attendance_marks' });
  const plan = planMutation(m('sessions', { starts_at: 'x', id: ID.toUpperCase(), class_id: ID }));
  assert.equal(plan.kind, 'upsert');
  if (plan.kind === 'upsert') {
    assert.deepEqual(plan.columns, ['id', 'class_id', 'starts_at']);
    assert.equal(plan.id, ID);
  }
  // A mark queued by an older app has no cleared_at: it is written as not cleared, so it cannot hide under a stored clear.
  const old = planMutation(m('attendance_marks', { id: ID, session_id: ID, student_id: ID, status: 'present', source: 'manual' }));
  assert.equal(old.kind, 'upsert');
  if (old.kind === 'upsert') {
    assert.ok(old.columns.includes('cleared_at'));
    assert.equal(old.row.cleared_at, null);
  }
});

Deno.test('upsert SQL names only whitelisted columns, derives the school, and never moves a row between schools', () => {
  const sql = upsertSql(TABLES_BY_NAME.get('sessions')!, ['id', 'class_id', 'starts_at']);
  assert.equal(
    sql,
    'insert into public."sessions" as t ("id", "class_id", "starts_at", "school_id") ' +
      'select r."id", r."class_id", r."starts_at", public.school_of_class(r.class_id) from jsonb_populate_record(null::public."sessions", $1::jsonb) r ' +
      'on conflict ("id") do update set "class_id" = excluded."class_id", "starts_at" = excluded."starts_at" where t."deleted_at" is null returning t."id", t."school_id"',
  );
  const classes = upsertSql(TABLES_BY_NAME.get('classes')!, ['id', 'school_id', 'name']);
  assert.match(classes, /do update set "name" = excluded\."name" where/);
  assert.doesNotMatch(classes, /set [^;]*"school_id" =/);
  const events = upsertSql(TABLES_BY_NAME.get('recognition_events')!, ['id', 'session_id', 'at', 'confidence']);
  assert.match(events, /on conflict \("id"\) do nothing returning/);
  // A mark is the student's in the session, whatever id a device gave it.
  const marks = upsertSql(TABLES_BY_NAME.get('attendance_marks')!, ['id', 'session_id', 'student_id', 'status', 'source', 'cleared_at']);
  assert.match(marks, /on conflict \("session_id", "student_id"\) do update set/);
  assert.doesNotMatch(marks, /set [^;]*"id" =/);
  // Which mark stands is the contract's decision table (sync/marks.ts), the upsert's last condition.
  assert.match(marks, /else false end\) returning t\."id", t\."school_id", t\."session_id", t\."student_id"$/);
  assert.equal(
    deleteSql(TABLES_BY_NAME.get('students')!),
    'update public."students" set "deleted_at" = coalesce("deleted_at", now()) where id = $1::uuid returning id, school_id',
  );
});

Deno.test('every synced table pages on (updated_at, id) and reads back the columns it accepts', () => {
  for (const spec of SYNC_TABLES) {
    assert.match(pullSql(spec), /order by t\."updated_at", t\.id limit \$3$/);
    for (const c of spec.writable) assert.ok(spec.readable.includes(c), `${spec.name}.${c} is readable`);
  }
});

Deno.test('database refusals become reasons; other errors are not swallowed', () => {
  assert.equal(rejectionReason({ code: '42501', message: 'new row violates row-level security policy for table "sessions"' }), 'not allowed');
  assert.equal(rejectionReason({ code: '23514', constraint_name: 'sessions_photos_check' }), 'check failed: sessions_photos_check');
  assert.equal(rejectionReason({ code: '23502', column_name: 'starts_at' }), 'missing value: starts_at');
  assert.equal(rejectionReason({ code: '23503', constraint_name: 'sessions_class_id_school_id_fkey' }), 'unknown reference: sessions_class_id_school_id_fkey');
  assert.equal(
    rejectionReason({ code: '23505', constraint_name: 'attendance_marks_session_id_student_id_key' }),
    'conflict: attendance_marks_session_id_student_id_key',
  );
  assert.equal(
    rejectionReason({ code: '22P02', message: 'invalid input syntax for type uuid: "x"' }),
    'invalid value: invalid input syntax for type uuid: "x"',
  );
  assert.equal(rejectionReason({ code: '08006', message: 'connection failure' }), null);
  assert.equal(rejectionReason(new Error('boom')), null);
});

Deno.test('a kept row is explained', () => {
  const marks = TABLES_BY_NAME.get('attendance_marks')!;
  assert.equal(keptReason(marks, undefined, {}), 'not allowed');
  assert.equal(keptReason(marks, { source: 'manual' }, { source: 'auto' }), 'kept: a manual mark wins over an automatic one');
  assert.equal(keptReason(marks, { source: 'auto' }, { source: 'auto' }), 'stale: a later mark exists');
  assert.equal(keptReason(marks, { source: 'auto' }, { source: 'auto', cleared_at: '2026-11-20T09:00:00Z' }), 'kept: another sighting still shows the student');
  assert.equal(keptReason(TABLES_BY_NAME.get('sessions')!, { deleted_at: '2026-11-23T08:00:00Z' }, {}), 'kept: the row was deleted');
});

Deno.test('cursors round-trip, and anything else is refused', () => {
  const cursor = { sessions: ['2026-11-23T08:30:00.123456+00:00', ID] as [string, string] };
  assert.deepEqual(decodeCursor(encodeCursor(cursor, 'scope-a')), { positions: cursor, scope: 'scope-a' });
  assert.deepEqual(decodeCursor(null), { positions: {}, scope: null });
  // Good only for the scope that made it; a cursor from before scopes were kept starts over once.
  assert.deepEqual(positionsFor(decodeCursor(encodeCursor(cursor, 'scope-a'))!, 'scope-a'), cursor);
  assert.deepEqual(positionsFor(decodeCursor(encodeCursor(cursor, 'scope-a'))!, 'scope-b'), {});
  assert.deepEqual(positionsFor(decodeCursor(btoa(JSON.stringify({ v: 1, p: cursor })))!, 'scope-a'), {});
  assert.equal(decodeCursor('not a cursor'), null);
  assert.equal(decodeCursor(btoa(JSON.stringify({ v: 1, p: { sessions: ['yesterday', ID] } }))), null);
  assert.equal(decodeCursor(btoa(JSON.stringify({ v: 2, p: {} }))), null);
  // Positions for tables this server does not sync are dropped, not trusted.
  assert.deepEqual(decodeCursor(encodeCursor({ ...cursor, grades: cursor.sessions }, 'scope-a'))?.positions, cursor);
});

Deno.test('the request schema bounds the batch', () => {
  assert.equal(SyncRequestSchema.safeParse({}).success, true);
  assert.equal(SyncRequestSchema.safeParse({ pullSince: null, limit: 1000 }).success, true);
  assert.equal(SyncRequestSchema.safeParse({ limit: 1001 }).success, false);
  assert.equal(SyncRequestSchema.safeParse({ push: Array.from({ length: 501 }, () => m('sessions', { id: ID })) }).success, false);
  assert.equal(SyncRequestSchema.safeParse({ push: [{ ...m('sessions', { id: ID }), clientUpdatedAt: 'today' }] }).success, false);
});
