import 'fake-indexeddb/auto';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createPinia, setActivePinia } from 'pinia';
import { addStudents, createClass } from '@/db/classes';
import { RollcallDb } from '@/db/db';
import { createSession, saveMarks, updateSession } from '@/db/sessions';
import { useAnalyticsStore } from './analytics';

let db: RollcallDb;

beforeAll(async () => {
  await tf.setBackend('wasm');
});

beforeEach(() => {
  setActivePinia(createPinia());
  db = new RollcallDb(`analytics-${crypto.randomUUID()}`);
});

afterEach(async () => {
  await db.delete();
});

/** A class with `days` school days from Monday 3 March 2025; `absent(student, day)` decides. */
async function seedClass(name: string, days: number, absent: (student: number, day: number) => boolean) {
  const cls = await createClass(db, { name }, new Date(2025, 1, 1));
  const students = await addStudents(
    db,
    cls.id,
    ['Asha', 'Ravi', 'Chen'].map((fullName, i) => ({ rollNo: String(i + 1), fullName, guardianName: '', guardianPhone: '', email: '', studentEmail: '' })),
    new Date(2025, 1, 1),
  );
  let date = new Date(2025, 2, 3, 9);
  for (let d = 0; d < days; d++) {
    while (date.getDay() === 0 || date.getDay() === 6) date = new Date(date.getFullYear(), date.getMonth(), date.getDate() + 1, 9);
    const session = await createSession(db, { classId: cls.id, startsAt: date.toISOString(), takenBy: 'Ms. Rao', mode: 'manual', device: 'test' }, date);
    const marks = students.map((s, i) => ({ studentId: s.id, status: absent(i, d) ? ('absent' as const) : ('present' as const), source: 'manual' as const, confidence: null, markedAt: date.toISOString() }));
    await saveMarks(db, session.id, marks, 'test', date);
    await updateSession(db, session.id, { finalisedAt: date.toISOString() }, date);
    date = new Date(date.getFullYear(), date.getMonth(), date.getDate() + 1, 9);
  }
  return cls;
}

describe('analytics store', () => {
  it('shows the views, flags and reasons of a class, and falls back to the baseline on a short history', async () => {
    // Ravi stops coming in the last week; Chen misses every Monday.
    const cls = await seedClass('7B', 15, (s, d) => (s === 1 && d >= 10) || (s === 2 && d % 5 === 0));
    const store = useAnalyticsStore();
    let idle!: () => void;
    store.configure({ db, whenIdle: () => new Promise((r) => (idle = r)) });
    await store.load(cls.id);
    expect(store.scopeName).toBe('7B');
    expect(store.hasSessions).toBe(true);
    expect(store.forecastState).toBe('waiting');
    expect(store.rate).toHaveLength(15);
    expect(store.weekdays.map((w) => w.label)).toEqual(['Mon', 'Tue', 'Wed', 'Thu', 'Fri']);
    expect(store.weekdays[0]!.absences).toBe(4); // Chen's three Mondays and Ravi's last
    expect(store.grid.rows).toHaveLength(3);
    const ravi = store.atRisk.find((r) => r.fullName === 'Ravi')!;
    expect(ravi.flags.map((f) => f.reason)).toContain('Absent the last 5 school days in a row.');

    idle();
    await expect.poll(() => store.forecastState, { timeout: 30_000 }).toBe('ready');
    expect(store.evaluation!.decision).toMatchObject({ keep: false, use: 'lastFourWeeks' });
    expect(store.method).toBe('Last-4-weeks rate');
    expect(store.outlooks).toHaveLength(3);
  });

  it('gives the whole school, and an empty class plain empty views', async () => {
    await seedClass('7B', 5, () => false);
    const empty = await createClass(db, { name: '8A' });
    const store = useAnalyticsStore();
    store.configure({ db, whenIdle: async () => {} });
    await store.load(null);
    expect(store.scopeName).toBe('All classes');
    expect(store.histories.map((h) => h.className)).toEqual(['7B', '8A']);
    await store.load(empty.id);
    expect(store.hasSessions).toBe(false);
    expect(store.rate).toEqual([]);
    expect(store.forecastState).toBe('waiting');
  });

  it('refuses a class that is gone', async () => {
    const store = useAnalyticsStore();
    store.configure({ db });
    await expect(store.load('nope')).rejects.toThrow('This class no longer exists.');
  });
});
