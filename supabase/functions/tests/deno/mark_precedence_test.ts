/**
 * Every row of the mark-precedence decision table
 * (_shared/contracts/markPrecedence.ts) through the real marks upsert,
 * against the running stack: a stored mark is written, the arriving one is
 * pushed through sync as the class's teacher (Nadia of Northside's 9C,
 * whose sync calls no other test counts on), and the mark the database
 * then holds, and what the device is told, must be the row's. The phone
 * runs the same rows through decideMark (src/sync/mergeMarks.test.ts).
 */
import assert from 'node:assert/strict';
import { casesOf, MARK_PRECEDENCE, type MarkCase, type MarkPrecedenceCase, MERGE_SIGHTINGS, type TimeOrder } from '../../_shared/contracts/markPrecedence.ts';
import { callSync, CLASSES, mutation, SCHOOLS, STUDENTS, type SyncReply, tokenFor, USERS, withDb } from './stackClient.ts';

/** An hour ago, to the second, so the server's clock bound leaves it alone. */
const STORED_AT = new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000);
const ARRIVING_AT: Record<TimeOrder, Date> = {
  before: new Date(STORED_AT.getTime() - 1),
  same: STORED_AT,
  after: new Date(STORED_AT.getTime() + 1),
};

interface Situation extends MarkPrecedenceCase {
  sessionId: string;
  storedStatus: 'present' | 'absent';
  arrivingStatus: 'late' | 'absent';
  /** The expected winner, and for a merge whose status and time stand. */
  winner: 'stored' | 'arriving';
  told?: string;
  merged: boolean;
  label: string;
}

function situations(): Situation[] {
  const out: Situation[] = [];
  for (const row of MARK_PRECEDENCE) {
    if (row.winner === 'merge') continue;
    for (const c of casesOf(row)) {
      out.push({
        ...c,
        sessionId: crypto.randomUUID(),
        storedStatus: 'present',
        arrivingStatus: 'late',
        winner: row.winner,
        told: row.told,
        merged: false,
        label: row.why,
      });
    }
  }
  const sighting: MarkCase = { source: 'auto', cleared: false };
  for (const row of MERGE_SIGHTINGS) {
    for (const arrives of row.arrives) {
      out.push({
        stored: sighting,
        arriving: sighting,
        arrives,
        sessionId: crypto.randomUUID(),
        storedStatus: row.stored === 'absent' ? 'absent' : 'present',
        arrivingStatus: row.arriving === 'absent' ? 'absent' : 'late',
        winner: row.keeps,
        merged: true,
        label: row.why,
      });
    }
  }
  return out;
}

Deno.test('every row of the mark precedence table holds in the database, through the sync upsert', async () => {
  const all = situations();
  assert.equal(all.length, 57, 'the 48 situations less the 3 that merge, then 12 merges');
  const student = STUDENTS.zoe;
  await withDb(async (sql) => {
    for (const s of all) {
      await sql`insert into public.sessions (id, school_id, class_id, starts_at, taken_by)
        values (${s.sessionId}, ${SCHOOLS.northside}, ${CLASSES['9C']}, ${STORED_AT}, ${USERS.nadia.id})`;
      await sql`insert into public.attendance_marks (id, session_id, school_id, student_id, status, source, confidence, marked_at, device, cleared_at)
        values (${crypto.randomUUID()}, ${s.sessionId}, ${SCHOOLS.northside}, ${student}, ${s.storedStatus}, ${s.stored.source}, ${
        s.stored.source === 'auto' ? 0.8 : null
      },
                ${STORED_AT}, 'stored', ${s.stored.cleared ? STORED_AT : null})`;
    }
  });

  const pushes = all.map((s) => {
    const at = ARRIVING_AT[s.arrives];
    return mutation('attendance_marks', {
      id: crypto.randomUUID(),
      session_id: s.sessionId,
      student_id: student,
      status: s.arrivingStatus,
      source: s.arriving.source,
      confidence: s.arriving.source === 'auto' ? 0.9 : null,
      marked_at: at.toISOString(),
      device: 'arriving',
      cleared_at: s.arriving.cleared ? at.toISOString() : null,
    });
  });
  const reply = await callSync<SyncReply>(await tokenFor(USERS.nadia.id), { push: pushes });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));

  const held = await withDb((sql) =>
    sql`select session_id, status::text as status, device, confidence::float8 as confidence, marked_at from public.attendance_marks
        where session_id = any (${all.map((s) => s.sessionId)}::uuid[])`
  );
  const bySession = new Map(held.map((r) => [r.session_id as string, r]));
  const wrong: string[] = [];
  all.forEach((s, i) => {
    const result = reply.body.results![i];
    const mark = bySession.get(s.sessionId)!;
    const name = `${JSON.stringify({ stored: s.stored, arriving: s.arriving, arrives: s.arrives })} (${s.label})`;
    const expectedDevice = s.winner === 'stored' ? 'stored' : 'arriving';
    const expectedAt = s.winner === 'stored' ? STORED_AT : ARRIVING_AT[s.arrives];
    if (mark.device !== expectedDevice || new Date(mark.marked_at).getTime() !== expectedAt.getTime()) {
      wrong.push(`${name}: the database holds ${mark.device}'s mark`);
    }
    if (s.merged) {
      if (result.status !== 'applied') wrong.push(`${name}: a merge was ${result.status}`);
      if (mark.confidence !== 0.9) wrong.push(`${name}: merged confidence ${mark.confidence}, not the highest`);
    } else if (s.winner === 'stored') {
      if (result.status !== 'rejected' || result.reason !== s.told) wrong.push(`${name}: told ${result.status} ${result.reason ?? ''}, not "${s.told}"`);
    } else if (result.status !== 'applied') {
      wrong.push(`${name}: ${result.status} ${result.reason ?? ''}`);
    }
  });
  assert.deepEqual(wrong, []);
});
