import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { finishedAutomatically } from '@/attendance/closeOfDay';
import { setManualMark } from '@/attendance/marks';
import { addStudents, createClass } from './classes';
import { RollcallDb } from './db';
import { finishOpenSessions, getCloseOfDay, setCloseOfDay } from './finishOpenSessions';
import { createSession, getSession, listMarks, saveMarks } from './sessions';
import { deviceId } from './settings';

let db: RollcallDb;
beforeEach(() => {
  db = new RollcallDb(`close-of-day-${crypto.randomUUID()}`);
});
afterEach(async () => {
  await db.delete();
});

const student = (rollNo: string, fullName: string) => ({ rollNo, fullName, guardianName: '', guardianPhone: '+919812345670', email: '', studentEmail: '' });
// Local times: yesterday 09:00, and this morning 07:30 when the phone is next opened.
const yesterday = new Date(2026, 2, 4, 9, 0);
const thisMorning = new Date(2026, 2, 5, 7, 30);

async function openSessionFromYesterday(device?: string) {
  const cls = await createClass(db, { name: '7B' }, yesterday);
  const [ana, ben, cleo] = await addStudents(db, cls.id, [student('1', 'Ana'), student('2', 'Ben'), student('3', 'Cleo')], yesterday);
  const session = await createSession(db, { classId: cls.id, startsAt: yesterday.toISOString(), takenBy: 'Ms Okafor', mode: 'manual', device: device ?? (await deviceId(db)) }, yesterday);
  await saveMarks(db, session.id, setManualMark([], ana!.id, 'present', new Date(2026, 2, 4, 9, 5).toISOString()), 'phone', yesterday);
  return { session, ana: ana!, ben: ben!, cleo: cleo! };
}

describe('finishOpenSessions', () => {
  it('finishes a session left open yesterday: absences for the students not marked, finalised at the close time, all in the outbox', async () => {
    const { session, ana, ben, cleo } = await openSessionFromYesterday();
    const outboxBefore = await db.outbox.count();

    const finished = await finishOpenSessions(db, { now: thisMorning });

    const closedAt = new Date(2026, 2, 4, 17, 0).toISOString();
    expect(finished.map((s) => s.id)).toEqual([session.id]);
    const stored = await getSession(db, session.id);
    expect(stored).toMatchObject({ finalisedAt: closedAt, autoFinalisedAt: closedAt });
    expect(finishedAutomatically(stored!)).toBe(true);

    const marks = new Map((await listMarks(db, session.id)).map((m) => [m.studentId, m]));
    expect(marks.get(ana.id)).toMatchObject({ status: 'present', source: 'manual' });
    for (const absent of [ben, cleo]) expect(marks.get(absent.id)).toMatchObject({ status: 'absent', source: 'auto', confidence: null, markedAt: closedAt });

    // What the next sync sends: the two absences, then the finished session (marks first, while the server still has it open).
    const queued = (await db.outbox.orderBy('seq').toArray()).slice(outboxBefore);
    expect(queued.map((q) => [q.table, q.table === 'attendance_marks' ? q.row.status : q.row.finalised_at])).toEqual([
      ['attendance_marks', 'absent'],
      ['attendance_marks', 'absent'],
      ['sessions', closedAt],
    ]);
  });

  it('does it once: a second round finds nothing to do', async () => {
    await openSessionFromYesterday();
    await finishOpenSessions(db, { now: thisMorning });
    const outbox = await db.outbox.count();
    expect(await finishOpenSessions(db, { now: new Date(2026, 2, 5, 8, 0) })).toEqual([]);
    expect(await db.outbox.count()).toBe(outbox);
  });

  it('leaves alone a session of another phone, one the caller skips, and every session when the setting is off', async () => {
    const { session: other } = await openSessionFromYesterday('another-phone');
    expect(await finishOpenSessions(db, { now: thisMorning })).toEqual([]);
    expect((await getSession(db, other.id))?.finalisedAt).toBeNull();

    const { session: mine } = await openSessionFromYesterday();
    expect(await finishOpenSessions(db, { now: thisMorning, skip: (s) => s.id === mine.id })).toEqual([]);

    await setCloseOfDay(db, null);
    expect(await getCloseOfDay(db)).toBeNull();
    expect(await finishOpenSessions(db, { now: thisMorning })).toEqual([]);
    expect((await getSession(db, mine.id))?.finalisedAt).toBeNull();
  });

  it('follows the close time the teacher set', async () => {
    const { session } = await openSessionFromYesterday();
    await setCloseOfDay(db, '12:30');
    expect(await getCloseOfDay(db)).toBe('12:30');
    await finishOpenSessions(db, { now: new Date(2026, 2, 4, 12, 45) });
    expect((await getSession(db, session.id))?.finalisedAt).toBe(new Date(2026, 2, 4, 12, 30).toISOString());
  });
});
