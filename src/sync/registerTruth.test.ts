/**
 * The register a teacher finishes is what the server, every phone and the
 * guardians see: clears and corrections reach the server as changes of the
 * student's one mark, a "not this student" takes back only its own
 * sighting, and a phone's clock cannot freeze a mark. Two or three devices
 * of one teacher against the real local stack (PGlite, the sync function
 * under Deno), each with its own Dexie database, edits made with the app's
 * attendance rules.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRollcallClient } from '@/api/supabase';
import { applyAutoMarks, DEFAULT_RULES, finaliseMarks, rejectFace, setManualMark, type Mark } from '@/attendance';
import { RollcallDb } from '@/db/db';
import { createSession, listMarks, markOfRow, saveMarks, updateSession } from '@/db/sessions';
import { CLASSES, STUDENTS } from '../../supabase/local/seed-ids';
import { startStack, type Stack } from '../../scripts/backend/stack';
import { syncIfPossible } from './syncIfPossible';
import { NoRealtime } from '@/api/noRealtime';

let stack: Stack;
const dbs: RollcallDb[] = [];
const newDevice = () => {
  const db = new RollcallDb(`device-${crypto.randomUUID()}`);
  dbs.push(db);
  return db;
};
/** Each device writes its marks under its own name, as the app does. */
const nameOf = (db: RollcallDb) => db.name;
const client = () => createRollcallClient({ url: stack.url, anonKey: stack.anonKey }, { accessToken: stack.users.teacher.token, realtimeTransport: NoRealtime });
const sync = async (db: RollcallDb) => {
  const result = await syncIfPossible(db, client(), { retries: 0 });
  expect(result.pushed.rejected, 'nothing refused').toBe(0);
  return result;
};
const ROSTER = [STUDENTS.aarav, STUDENTS.bela, STUDENTS.chen];
/** Today, a little while ago: the server bounds times by its own clock. */
const startsAt = new Date(Date.now() - 60 * 60_000);
const minute = (n: number) => new Date(startsAt.getTime() + n * 60_000);

async function serverMarks(sessionId: string) {
  return stack.db.run!(async (pg) => {
    const r = await pg.query<{ id: string; student_id: string; status: string; source: string; marked_at: Date; cleared_at: Date | null }>(
      'select id, student_id, status, source, marked_at, cleared_at from public.attendance_marks where session_id = $1 order by student_id',
      [sessionId],
    );
    return r.rows;
  });
}

async function edit(db: RollcallDb, sessionId: string, at: Date, change: (marks: Mark[]) => Mark[], options?: { byHand?: boolean }) {
  const marks = (await listMarks(db, sessionId)).map(markOfRow);
  const next = change(marks);
  const clear = marks.filter((m) => !next.some((n) => n.studentId === m.studentId)).map((m) => m.studentId);
  await saveMarks(db, sessionId, next, nameOf(db), at, { ...options, clear });
}

const see = (studentId: string, face: string, at: Date, confidence = 0.98) => (marks: Mark[]) =>
  applyAutoMarks(marks, [{ studentId, candidateId: studentId, confidence, face }], { startsAt: startsAt.toISOString(), at: at.toISOString(), rules: DEFAULT_RULES }).marks;

beforeAll(async () => {
  stack = await startStack({ onLog: () => {}, functionsEnv: { SYNC_RATE_LIMIT_PER_MINUTE: '1000000' } });
});
afterAll(async () => {
  await Promise.all(dbs.map((db) => db.delete()));
  await stack?.stop();
});

describe('the register is the same on the phone and the server', () => {
  it('sends "not Aarav" and Finish to the server: absent there too, and a later manual mark is the same row', async () => {
    const phone = newDevice();
    const session = await createSession(phone, { classId: CLASSES['7B'], startsAt: startsAt.toISOString(), takenBy: 'Tomas', mode: 'photo', device: 'phone' }, minute(0));
    await edit(phone, session.id, minute(1), see(STUDENTS.aarav, 'p1-0', minute(1)));
    await sync(phone);
    expect((await serverMarks(session.id)).map((m) => [m.status, m.source])).toEqual([['present', 'auto']]);

    // "Not Aarav" on the face that marked him, then Finish.
    await edit(phone, session.id, minute(2), (marks) => rejectFace(marks, STUDENTS.aarav, 'p1-0', { startsAt: startsAt.toISOString(), rules: DEFAULT_RULES }));
    expect(await listMarks(phone, session.id)).toEqual([]);
    await edit(phone, session.id, minute(3), (marks) => finaliseMarks(ROSTER, marks, minute(3).toISOString()));
    await updateSession(phone, session.id, { finalisedAt: minute(3).toISOString() }, minute(3));
    await sync(phone);
    const server = await serverMarks(session.id);
    expect(server.find((m) => m.student_id === STUDENTS.aarav)).toMatchObject({ status: 'absent', source: 'auto', cleared_at: null });
    expect(server).toHaveLength(3);

    // The teacher marks him absent by hand later: an update of his one mark, not a new row that collides.
    const before = server.find((m) => m.student_id === STUDENTS.aarav)!.id;
    await edit(phone, session.id, minute(4), (marks) => setManualMark(marks, STUDENTS.aarav, 'late', minute(4).toISOString()));
    await sync(phone);
    const after = (await serverMarks(session.id)).find((m) => m.student_id === STUDENTS.aarav)!;
    expect(after).toMatchObject({ id: before, status: 'late', source: 'manual' });
    expect((await listMarks(phone, session.id)).find((m) => m.studentId === STUDENTS.aarav)).toMatchObject({ id: before, status: 'late' });
  });

  it('clears a mark by hand on the server and on the second phone, and a later sighting brings the student back', async () => {
    const phone = newDevice();
    const tablet = newDevice();
    const session = await createSession(phone, { classId: CLASSES['7B'], startsAt: startsAt.toISOString(), takenBy: 'Tomas', mode: 'photo', device: 'phone' }, minute(0));
    await edit(phone, session.id, minute(1), (marks) => setManualMark(marks, STUDENTS.bela, 'present', minute(1).toISOString()));
    await sync(phone);
    await sync(tablet);
    expect((await listMarks(tablet, session.id)).map((m) => m.studentId)).toEqual([STUDENTS.bela]);

    await edit(phone, session.id, minute(2), (marks) => marks.filter((m) => m.studentId !== STUDENTS.bela), { byHand: true });
    await sync(phone);
    await sync(tablet);
    expect((await serverMarks(session.id))[0]).toMatchObject({ student_id: STUDENTS.bela, source: 'manual' });
    expect((await serverMarks(session.id))[0]!.cleared_at).not.toBeNull();
    expect(await listMarks(tablet, session.id)).toEqual([]);

    // The tablet sees her at minute 3: after the clear, so she is back, on every device.
    await edit(tablet, session.id, minute(3), see(STUDENTS.bela, 'p9-0', minute(3)));
    await sync(tablet);
    await sync(phone);
    for (const db of [phone, tablet]) expect((await listMarks(db, session.id)).map((m) => [m.studentId, m.source])).toEqual([[STUDENTS.bela, 'auto']]);
    expect((await serverMarks(session.id))[0]).toMatchObject({ source: 'auto', cleared_at: null });
  });

  it('keeps a student another phone saw when this phone rejects its own sighting', async () => {
    const phone = newDevice();
    const tablet = newDevice();
    const session = await createSession(phone, { classId: CLASSES['7B'], startsAt: startsAt.toISOString(), takenBy: 'Tomas', mode: 'photo', device: 'phone' }, minute(0));
    await sync(phone);
    await sync(tablet);
    await edit(tablet, session.id, minute(1), see(STUDENTS.chen, 't1-0', minute(1)));
    await edit(phone, session.id, minute(2), see(STUDENTS.chen, 'p1-0', minute(2)));
    await sync(tablet);
    await sync(phone);
    // The phone's photo was wrong about its face; the tablet's sighting still shows Chen.
    await edit(phone, session.id, minute(3), (marks) => rejectFace(marks, STUDENTS.chen, 'p1-0', { startsAt: startsAt.toISOString(), rules: DEFAULT_RULES }));
    await syncIfPossible(phone, client(), { retries: 0 });
    await sync(phone);
    await sync(tablet);
    const server = await serverMarks(session.id);
    expect(server).toHaveLength(1);
    expect(server[0]).toMatchObject({ status: 'present', source: 'auto', cleared_at: null });
    expect(server[0]!.marked_at.toISOString()).toBe(minute(1).toISOString());
    for (const db of [phone, tablet]) expect((await listMarks(db, session.id)).map((m) => m.studentId)).toEqual([STUDENTS.chen]);
    expect(await phone.outbox.count(), 'the refused clear was answered by the stored sighting').toBe(0);
  });

  it('keeps another phone’s sighting it pulled when this phone then rejects a face of its own', async () => {
    const phone = newDevice();
    const tablet = newDevice();
    const session = await createSession(phone, { classId: CLASSES['7B'], startsAt: startsAt.toISOString(), takenBy: 'Tomas', mode: 'photo', device: 'phone' }, minute(0));
    await sync(phone);
    await sync(tablet);
    await edit(tablet, session.id, minute(1), see(STUDENTS.chen, 't1-0', minute(1)));
    await sync(tablet);
    await sync(phone);
    await edit(phone, session.id, minute(5), see(STUDENTS.chen, 'p5-0', minute(5), 0.85));
    await edit(phone, session.id, minute(6), (marks) => rejectFace(marks, STUDENTS.chen, 'p5-0', { startsAt: startsAt.toISOString(), rules: DEFAULT_RULES }));
    await sync(phone);
    await sync(tablet);
    expect((await serverMarks(session.id))[0]).toMatchObject({ status: 'present', source: 'auto', cleared_at: null });
    for (const db of [phone, tablet]) expect((await listMarks(db, session.id)).map((m) => m.studentId)).toEqual([STUDENTS.chen]);
  });

  it('moves a mark to the later sighting when its first face is rejected, on the server too', async () => {
    const phone = newDevice();
    const session = await createSession(phone, { classId: CLASSES['7B'], startsAt: startsAt.toISOString(), takenBy: 'Tomas', mode: 'photo', device: 'phone' }, minute(0));
    await edit(phone, session.id, minute(2), see(STUDENTS.dina, 'p1-0', minute(2)));
    await sync(phone);
    await edit(phone, session.id, minute(20), see(STUDENTS.dina, 'p2-0', minute(20)));
    await sync(phone);
    await edit(phone, session.id, minute(21), (marks) => rejectFace(marks, STUDENTS.dina, 'p1-0', { startsAt: startsAt.toISOString(), rules: DEFAULT_RULES }));
    await sync(phone);
    await sync(phone);
    const stored = (await serverMarks(session.id))[0]!;
    expect(stored).toMatchObject({ status: 'late', source: 'auto', cleared_at: null });
    expect(stored.marked_at.toISOString()).toBe(minute(20).toISOString());
    expect((await listMarks(phone, session.id))[0]).toMatchObject({ status: 'late', markedAt: minute(20).toISOString() });
  });

  it('lets a phone whose clock runs ahead take back its own sighting after the server timed it', async () => {
    const fast = newDevice();
    const ahead = (d: Date) => new Date(d.getTime() + 3 * 3_600_000);
    const session = await createSession(fast, { classId: CLASSES['7B'], startsAt: startsAt.toISOString(), takenBy: 'Tomas', mode: 'photo', device: 'fast' }, minute(0));
    await edit(fast, session.id, ahead(minute(5)), see(STUDENTS.emil, 'p1-0', ahead(minute(5))));
    await sync(fast);
    await sync(fast);
    await edit(fast, session.id, ahead(minute(6)), (marks) => rejectFace(marks, STUDENTS.emil, 'p1-0', { startsAt: startsAt.toISOString(), rules: DEFAULT_RULES }));
    await sync(fast);
    expect((await serverMarks(session.id))[0]!.cleared_at).not.toBeNull();
    expect(await listMarks(fast, session.id)).toEqual([]);
  });

  it('does not let a phone whose clock is two days ahead freeze a mark: a correction at the real time wins everywhere', async () => {
    const fast = newDevice();
    const right = newDevice();
    const ahead = (d: Date) => new Date(d.getTime() + 2 * 86_400_000);
    const session = await createSession(right, { classId: CLASSES['7B'], startsAt: startsAt.toISOString(), takenBy: 'Tomas', mode: 'photo', device: 'right' }, minute(0));
    await sync(right);
    await sync(fast);
    await edit(fast, session.id, ahead(minute(50)), (marks) => setManualMark(marks, STUDENTS.aarav, 'absent', ahead(minute(50)).toISOString()));
    await sync(fast);
    const frozen = (await serverMarks(session.id))[0]!;
    expect(frozen.marked_at.getTime(), 'no mark is later than the server’s clock').toBeLessThanOrEqual(Date.now() + 5 * 60_000);

    // The correct phone corrects it at the real time, after the fast phone's mark reached the server.
    const now = new Date();
    await edit(right, session.id, now, (marks) => setManualMark(marks, STUDENTS.aarav, 'present', now.toISOString()));
    await sync(right);
    await sync(fast);
    await sync(right);
    expect((await serverMarks(session.id))[0]).toMatchObject({ status: 'present', source: 'manual' });
    for (const db of [fast, right]) expect((await listMarks(db, session.id))[0]).toMatchObject({ status: 'present', source: 'manual' });
    // The fast phone took the server's time for its own mark and sends nothing more.
    expect(await fast.outbox.count()).toBe(0);
    expect((await syncIfPossible(fast, client(), { retries: 0 })).pushed.applied).toBe(0);
  });

  it('refuses nothing and freezes nothing when a mark says 9999-12-31', async () => {
    const phone = newDevice();
    const session = await createSession(phone, { classId: CLASSES['7B'], startsAt: startsAt.toISOString(), takenBy: 'Tomas', mode: 'photo', device: 'phone' }, minute(0));
    await edit(phone, session.id, minute(1), (marks) => setManualMark(marks, STUDENTS.bela, 'absent', '9999-12-31T00:00:00.000Z'));
    await sync(phone);
    const stored = (await serverMarks(session.id))[0]!;
    expect(stored.marked_at.getTime()).toBeLessThanOrEqual(Date.now() + 5 * 60_000);
  });
});
