/**
 * Two devices of one teacher against the real local stack (PGlite, the
 * sync function under Deno), each with its own Dexie database.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRollcallClient } from '@/api/supabase';
import { RollcallDb } from '@/db/db';
import { createSession, listMarks, saveMarks } from '@/db/sessions';
import type { Mark } from '@/attendance/types';
import { CLASSES, SESSIONS, STUDENTS } from '../../supabase/local/seed-ids';
import { startStack, type Stack } from '../../scripts/backend/stack';
import { pullChanges, PULL_CURSOR_KEY } from './pullChanges';
import { pushOutbox } from './pushOutbox';
import { SyncOfflineError, SyncStorageFullError } from './syncErrors';
import { syncIfPossible } from './syncIfPossible';
import { NoRealtime } from '@/api/noRealtime';

let stack: Stack;
const dbs: RollcallDb[] = [];
const newDevice = () => {
  const db = new RollcallDb(`device-${crypto.randomUUID()}`);
  dbs.push(db);
  return db;
};
const teacherClient = (url = stack.url) => createRollcallClient({ url, anonKey: stack.anonKey }, { accessToken: stack.users.teacher.token, realtimeTransport: NoRealtime });
const auto = (studentId: string, markedAt: string, confidence = 0.9): Mark => ({ studentId, status: 'present', source: 'auto', confidence, markedAt });

beforeAll(async () => {
  stack = await startStack({ onLog: () => {} });
});
afterAll(async () => {
  await Promise.all(dbs.map((db) => db.delete()));
  await stack?.stop();
});

describe('sync against the local stack', () => {
  it('pushes an offline session with its marks, which the teacher’s second device pulls', async () => {
    const phone = newDevice();
    const tablet = newDevice();
    const session = await createSession(phone, { classId: CLASSES['7B'], startsAt: '2026-11-23T08:00:00.000Z', takenBy: 'Tomas', mode: 'live', device: 'phone' });
    await saveMarks(phone, session.id, [auto(STUDENTS.chen, '2026-11-23T08:01:00.000Z'), auto(STUDENTS.dina, '2026-11-23T08:02:00.000Z', 0.85)], 'phone');
    expect(await phone.outbox.count()).toBe(3);

    expect(await pushOutbox(phone, teacherClient())).toEqual({ applied: 3, duplicate: 0, rejected: 0 });
    expect(await phone.outbox.count()).toBe(0);

    const pulled = await pullChanges(tablet, teacherClient(), { limit: 5 });
    expect(pulled.pages).toBeGreaterThan(1);
    expect(await tablet.sessions.get(session.id)).toMatchObject({ classId: CLASSES['7B'], mode: 'live', startsAt: session.startsAt });
    const marks = await listMarks(tablet, session.id);
    expect(marks.map((m) => [m.studentId, m.status, m.confidence]).sort()).toEqual([
      [STUDENTS.chen, 'present', 0.9],
      [STUDENTS.dina, 'present', 0.85],
    ]);
    // Only server rows came in: pulling is not a change to push back.
    expect(await tablet.outbox.count()).toBe(0);
    expect(await tablet.syncState.get(PULL_CURSOR_KEY)).toBeDefined();
    // Nothing new: one page, nothing in it.
    expect(await pullChanges(tablet, teacherClient())).toEqual({ rows: 0, pages: 1, erased: { studentIds: [], classIds: [] } });
  });

  it('applies a batch sent twice once (a lost response), and keeps a manual correction over a later automatic mark', async () => {
    const phone = newDevice();
    const tablet = newDevice();
    const session = await createSession(phone, { classId: CLASSES['7B'], startsAt: '2026-11-24T08:00:00.000Z', takenBy: 'Tomas', mode: 'live', device: 'phone' });
    await saveMarks(phone, session.id, [{ studentId: STUDENTS.emil, status: 'absent', source: 'manual', confidence: null, markedAt: '2026-11-24T08:05:00.000Z' }], 'phone');
    const sent = await phone.outbox.toArray();
    await pushOutbox(phone, teacherClient());
    // The answer never arrived: the rows are back, and go again.
    await phone.outbox.bulkAdd(sent);
    expect(await pushOutbox(phone, teacherClient())).toEqual({ applied: 0, duplicate: 2, rejected: 0 });
    expect(await phone.outbox.count()).toBe(0);

    // Offline, the tablet saw Emil later, automatically, before hearing of the correction.
    await saveMarks(tablet, session.id, [auto(STUDENTS.emil, '2026-11-24T08:30:00.000Z')], 'tablet');
    expect(await tablet.outbox.count()).toBe(1);
    await pullChanges(tablet, teacherClient());
    const marks = await listMarks(tablet, session.id);
    expect(marks).toHaveLength(1);
    expect(marks[0]).toMatchObject({ status: 'absent', source: 'manual', markedAt: '2026-11-24T08:05:00.000Z' });
    // The server's row and id win; the tablet's own mark is not sent to be refused.
    expect(await tablet.outbox.count()).toBe(0);
    expect(await pushOutbox(tablet, teacherClient())).toEqual({ applied: 0, duplicate: 0, rejected: 0 });
  });

  it('makes one mark of a student recognised on two phones: the earliest sighting, the highest confidence', async () => {
    const phone = newDevice();
    const tablet = newDevice();
    const session = await createSession(phone, { classId: CLASSES['7B'], startsAt: '2026-11-27T08:00:00.000Z', takenBy: 'Tomas', mode: 'live', device: 'phone' });
    await saveMarks(phone, session.id, [auto(STUDENTS.emil, '2026-11-27T08:20:00.000Z', 0.95)], 'phone');
    await pushOutbox(phone, teacherClient());
    await saveMarks(tablet, session.id, [auto(STUDENTS.emil, '2026-11-27T08:02:00.000Z', 0.81)], 'tablet');
    const synced = await syncIfPossible(tablet, teacherClient());
    const marks = await listMarks(tablet, session.id);
    expect(marks).toHaveLength(1);
    expect(marks[0]).toMatchObject({ markedAt: '2026-11-27T08:02:00.000Z', confidence: 0.95, source: 'auto', status: 'present' });
    // The server holds one mark per student and session whatever id a device
    // gave it: the tablet's mark met the phone's there and merged into it.
    expect(synced.pushed.rejected).toBe(0);
    expect(await tablet.outbox.toArray()).toEqual([]);
    const onPhone = await syncIfPossible(phone, teacherClient());
    expect(onPhone.pushed.rejected).toBe(0);
    expect((await listMarks(phone, session.id))[0]).toMatchObject({ markedAt: '2026-11-27T08:02:00.000Z', confidence: 0.95, source: 'auto', status: 'present' });
  });

  it('drops a device’s change that lost to the server’s mark, instead of keeping it as a refusal', async () => {
    const phone = newDevice();
    const tablet = newDevice();
    const session = await createSession(phone, { classId: CLASSES['7B'], startsAt: '2026-11-28T08:00:00.000Z', takenBy: 'Tomas', mode: 'live', device: 'phone' });
    // Finalised on the phone: Emil is absent (automatic), and both devices know it.
    await saveMarks(phone, session.id, [{ studentId: STUDENTS.emil, status: 'absent', source: 'auto', confidence: null, markedAt: '2026-11-28T09:00:00.000Z' }], 'phone');
    await syncIfPossible(phone, teacherClient());
    await syncIfPossible(tablet, teacherClient());
    // The teacher marks him present on the phone; the tablet, offline, then recognises him.
    await saveMarks(phone, session.id, [{ studentId: STUDENTS.emil, status: 'present', source: 'manual', confidence: null, markedAt: '2026-11-28T09:05:00.000Z' }], 'phone');
    await saveMarks(tablet, session.id, [auto(STUDENTS.emil, '2026-11-28T09:06:00.000Z')], 'tablet');
    await syncIfPossible(phone, teacherClient());
    const synced = await syncIfPossible(tablet, teacherClient());
    expect(synced.pushed.rejected).toBe(1);
    expect((await listMarks(tablet, session.id)).map((m) => [m.status, m.source])).toEqual([['present', 'manual']]);
    // The refusal is answered by the merge: nothing is left for the teacher to look at.
    expect(await tablet.outbox.toArray()).toEqual([]);
  });

  it('keeps a refused mutation with the server’s reason while the rest of the batch applies', async () => {
    const phone = newDevice();
    const session = await createSession(phone, { classId: CLASSES['7B'], startsAt: '2026-11-25T08:00:00.000Z', takenBy: 'Tomas', mode: 'photo', device: 'phone' });
    // 8A is Priya's class: Tomas may not mark in its session.
    await saveMarks(phone, SESSIONS.open8A, [auto(STUDENTS.hana, '2026-11-25T08:01:00.000Z')], 'phone');
    await saveMarks(phone, session.id, [auto(STUDENTS.aarav, '2026-11-25T08:01:00.000Z')], 'phone');

    expect(await pushOutbox(phone, teacherClient())).toEqual({ applied: 2, duplicate: 0, rejected: 1 });
    const left = await phone.outbox.toArray();
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({ table: 'attendance_marks', rejectedReason: 'not allowed' });
    expect(left[0]!.row.session_id).toBe(SESSIONS.open8A);
    // Not sent again.
    expect(await pushOutbox(phone, teacherClient())).toEqual({ applied: 0, duplicate: 0, rejected: 0 });
  });

  it('keeps the outbox whole when the network fails mid-push, then sends it once', async () => {
    const phone = newDevice();
    const session = await createSession(phone, { classId: CLASSES['7B'], startsAt: '2026-11-26T08:00:00.000Z', takenBy: 'Tomas', mode: 'live', device: 'phone' });
    await saveMarks(phone, session.id, [auto(STUDENTS.bela, '2026-11-26T08:01:00.000Z')], 'phone');
    const before = await phone.outbox.toArray();
    // Port 9 (discard) on loopback: nothing listens there.
    const offline = teacherClient('http://127.0.0.1:9');
    await expect(pushOutbox(phone, offline, { batchSize: 1 })).rejects.toBeInstanceOf(SyncOfflineError);
    const after = await phone.outbox.toArray();
    expect(after.map((m) => m.clientId)).toEqual(before.map((m) => m.clientId));
    expect(after[0]).toMatchObject({ attempts: 1 });
    expect(after[0]!.lastError).toBeTruthy();
    expect(after[1]).toMatchObject({ attempts: 0 });

    // Joined calls share one run; it retries with backoff before giving up.
    const delays: number[] = [];
    const options = { retries: 2, random: () => 0, sleep: async (ms: number) => void delays.push(ms) };
    const first = syncIfPossible(phone, offline, options);
    const second = syncIfPossible(phone, offline, options);
    expect(second).toBe(first);
    await expect(first).rejects.toBeInstanceOf(SyncOfflineError);
    expect(delays).toEqual([500, 1000]);
    expect(await phone.outbox.count()).toBe(2);

    const synced = await syncIfPossible(phone, teacherClient());
    expect(synced.pushed).toEqual({ applied: 2, duplicate: 0, rejected: 0 });
    expect(await phone.outbox.count()).toBe(0);
  });

  it('reports a full disk during pull as its own error and leaves the cursor where it was', async () => {
    const tablet = newDevice();
    await tablet.syncState.put({ key: PULL_CURSOR_KEY, value: null });
    tablet.sessions.hook('creating', () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    await expect(pullChanges(tablet, teacherClient())).rejects.toBeInstanceOf(SyncStorageFullError);
    expect((await tablet.syncState.get(PULL_CURSOR_KEY))?.value).toBeNull();
    expect(await tablet.classes.count()).toBe(0);
  });

  it('pulls a full page (1,000 rows: 200 sessions and 800 marks) in one transaction', async () => {
    const phone = newDevice();
    const tablet = newDevice();
    await syncIfPossible(tablet, teacherClient()); // the tablet is up to date before the phone's day
    const kids = [STUDENTS.aarav, STUDENTS.bela, STUDENTS.chen, STUDENTS.dina];
    for (let i = 0; i < 200; i++) {
      const at = new Date(Date.UTC(2027, 0, 4 + i, 8, 0)).toISOString();
      const s = await createSession(phone, { classId: CLASSES['7B'], startsAt: at, takenBy: 'Tomas', mode: 'live', device: 'phone' });
      await saveMarks(phone, s.id, kids.map((k) => auto(k, at)), 'phone');
    }
    await syncIfPossible(phone, teacherClient());
    const summary = await syncIfPossible(tablet, teacherClient());
    expect(summary.pulled.rows).toBeGreaterThanOrEqual(1000);
    expect(await tablet.marks.count()).toBeGreaterThanOrEqual(800);
    expect(await tablet.outbox.count()).toBe(0);
  }, 120_000);
});
