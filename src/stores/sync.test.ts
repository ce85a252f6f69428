/**
 * The close of day as the app runs it: when the app starts, and at the start
 * of every sync round, sessions this phone left open are finished.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { setManualMark } from '@/attendance/marks';
import { addStudents, createClass } from '@/db/classes';
import { RollcallDb } from '@/db/db';
import { finishOpenSessions } from '@/db/finishOpenSessions';
import { createSession, getSession, listMarks, saveMarks } from '@/db/sessions';
import { deviceId } from '@/db/settings';
import { useAccountStore } from './account';
import { useAttendanceStore } from './attendance';
import { useSyncStore } from './sync';

let db: RollcallDb;
// Only the clock is fixed (18:00, after the close at 17:00); IndexedDB's timers run as they are.
const NOW = new Date(2026, 2, 5, 18, 0);
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  setActivePinia(createPinia());
  db = new RollcallDb(`sync-store-${crypto.randomUUID()}`);
  useAccountStore().configure({ db });
  useSyncStore().configure({ db });
  useAttendanceStore().configure({ db });
});
afterEach(async () => {
  vi.useRealTimers();
  useSyncStore().stop();
  db.close();
  await db.delete();
});

const student = (rollNo: string, fullName: string) => ({ rollNo, fullName, guardianName: '', guardianPhone: '', email: '', studentEmail: '' });

/** A session this phone started at 09:00 `daysAgo` days ago and nobody finished. */
async function openSession(daysAgo: number) {
  const startsAt = new Date(NOW.getFullYear(), NOW.getMonth(), NOW.getDate() - daysAgo, 9, 0);
  const cls = await createClass(db, { name: '7B' });
  const [ana, ben] = await addStudents(db, cls.id, [student('1', 'Ana'), student('2', 'Ben')]);
  const session = await createSession(db, { classId: cls.id, startsAt: startsAt.toISOString(), takenBy: 'Ms Okafor', mode: 'manual', device: await deviceId(db) });
  await saveMarks(db, session.id, setManualMark([], ana!.id, 'present', startsAt.toISOString()), await deviceId(db));
  return { session, ben: ben! };
}

describe('sync store and the close of day', () => {
  it('finishes yesterday’s open session when the app starts, on a phone with no school server', async () => {
    const { session, ben } = await openSession(1);
    await useSyncStore().start();
    expect((await getSession(db, session.id))?.finalisedAt).not.toBeNull();
    expect((await listMarks(db, session.id)).find((m) => m.studentId === ben.id)).toMatchObject({ status: 'absent', source: 'auto' });
    expect((await db.outbox.toArray()).some((q) => q.table === 'sessions' && q.rowId === session.id && q.row.finalised_at)).toBe(true);
  });

  it('finishes today’s open session past the close time at the next sync round', async () => {
    const { session } = await openSession(0);
    await useSyncStore().syncNow();
    expect((await getSession(db, session.id))?.finalisedAt).toBe(new Date(2026, 2, 5, 17, 0).toISOString());
  });

  it('leaves a session on screen alone on the day it started, while the teacher may still be taking it', async () => {
    const { session } = await openSession(0);
    await useAttendanceStore().open(session.id);
    await useSyncStore().syncNow();
    expect((await getSession(db, session.id))?.finalisedAt).toBeNull();
    useAttendanceStore().close();
    await useSyncStore().syncNow();
    expect((await getSession(db, session.id))?.finalisedAt).not.toBeNull();
  });

  it('finishes a session left on screen since an earlier day, and the screen shows it finished', async () => {
    const attendance = useAttendanceStore();
    const { session: earlier } = await openSession(2);
    await attendance.open(earlier.id);
    await useSyncStore().syncNow();
    expect((await getSession(db, earlier.id))?.finalisedAt).not.toBeNull();
    expect(attendance.session?.finalisedAt).not.toBeNull();
    expect(attendance.marks).toHaveLength(2);
  });

  it('refreshes a screen that opened the session while the close of day was finishing it, so its next save keeps the absences', async () => {
    const attendance = useAttendanceStore();
    const { session, ben } = await openSession(1);
    await attendance.open(session.id);
    // The round at app start finished it just after the screen had read it.
    await finishOpenSessions(db);
    expect(attendance.session?.finalisedAt).toBeNull();
    await useSyncStore().syncNow();
    expect(attendance.session?.finalisedAt).not.toBeNull();
    expect(attendance.byStudent.get(ben.id)?.status).toBe('absent');
  });
});
