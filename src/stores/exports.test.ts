import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { finaliseMarks, setManualMark, applyAutoMarks } from '@/attendance/marks';
import { DEFAULT_RULES } from '@/attendance/types';
import { addStudents, createClass } from '@/db/classes';
import { RollcallDb } from '@/db/db';
import { finishOpenSessions } from '@/db/finishOpenSessions';
import { createSession, saveMarks } from '@/db/sessions';
import { deviceId } from '@/db/settings';
import { buildSessionWorkbook } from '@/reports/export/sessionSheet';
import { readBack } from '@/reports/export/testing';
import { useAccountStore } from './account';
import { useExportsStore } from './exports';

let db: RollcallDb;
beforeEach(() => {
  setActivePinia(createPinia());
  db = new RollcallDb(`exports-${crypto.randomUUID()}`);
});
afterEach(async () => {
  await db.delete();
});

const student = (rollNo: string, fullName: string) => ({ rollNo, fullName, guardianName: '', guardianPhone: '', email: '', studentEmail: '' });
const AT = '2026-03-04T09:00:00.000Z';

async function finishedSession(takenBy: string) {
  const cls = await createClass(db, { name: '7B' });
  const [ana, ben, cleo] = await addStudents(db, cls.id, [student('1', 'Ana'), student('2', 'Ben'), student('3', 'Cleo')]);
  const session = await createSession(db, { classId: cls.id, startsAt: AT, takenBy, mode: 'photo', device: 'device-a' });
  const seen = applyAutoMarks([], [{ studentId: ana!.id, candidateId: ana!.id, confidence: 0.92 }], { startsAt: AT, at: AT, rules: DEFAULT_RULES }).marks;
  const marks = finaliseMarks([ana!.id, ben!.id, cleo!.id], setManualMark(seen, ben!.id, 'late', AT), AT);
  await saveMarks(db, session.id, marks, 'device-a');
  return session;
}

function store() {
  const exportsStore = useExportsStore();
  exportsStore.configure({ db });
  return exportsStore;
}

describe('exports store', () => {
  it('says the camera saw Ana, the teacher marked Ben, and Finish marked Cleo, who was not seen', async () => {
    const session = await finishedSession('Ms Okafor');
    const input = await store().sessionInput(session.id);
    const sheet = await readBack(buildSessionWorkbook(input));
    const header = sheet.findIndex((row) => row[0] === 'Roll No');
    expect(sheet.slice(header + 1).map((row) => [row[1], row[2], row[5]])).toEqual([
      ['Ana', 'Present', 'Camera'],
      ['Ben', 'Late', 'Teacher'],
      ['Cleo', 'Absent', 'Finish: not seen'],
    ]);
    expect(sheet.find((row) => row[0] === 'Taken by')?.[1]).toBe('Ms Okafor');
  });

  it('prints a name for Taken by, never an account id or the word Teacher', async () => {
    const me = { id: '0b6c1a2e-3f4d-4c5b-9a8e-7d6c5b4a3f2e', email: 'priya@example.org', phone: '', name: 'Priya Rao', memberships: {}, assurance: 'aal1' as const, hasVerifiedFactor: false, expiresAt: 0 };
    const pulled = await finishedSession(me.id);
    expect((await store().sessionInput(pulled.id)).session.takenBy).toBe('A teacher at the school');
    useAccountStore().user = me;
    expect((await store().sessionInput(pulled.id)).session.takenBy).toBe('Priya Rao');

    const unnamed = await finishedSession('Teacher');
    expect((await store().sessionInput(unnamed.id)).session.takenBy).toBe('Name not recorded');
  });

  it('says a session the close of day finished was finished automatically', async () => {
    const cls = await createClass(db, { name: '7B' });
    await addStudents(db, cls.id, [student('1', 'Ana')]);
    const startsAt = new Date(2026, 2, 4, 9, 0);
    const session = await createSession(db, { classId: cls.id, startsAt: startsAt.toISOString(), takenBy: 'Ms Okafor', mode: 'manual', device: await deviceId(db) });
    await finishOpenSessions(db, { now: new Date(2026, 2, 5, 7, 30) });
    const input = await store().sessionInput(session.id);
    expect(input.session).toMatchObject({ finalisedAt: new Date(2026, 2, 4, 17, 0).toISOString(), finishedAutomatically: true });
    expect(input.rows).toEqual([expect.objectContaining({ fullName: 'Ana', status: 'absent', source: 'auto', confidence: null })]);
  });
});
