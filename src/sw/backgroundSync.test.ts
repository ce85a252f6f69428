/**
 * The service worker's own round, with every page closed, against the real
 * local stack (PGlite, the functions under Deno): the sign-in and the
 * server's address are what a page left in the device's settings.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_KEY } from '@/api/backendConfig';
import { RollcallDb } from '@/db/db';
import { createSession, getSession, saveMarks, updateSession } from '@/db/sessions';
import { addPrivacyLog, pendingServerErasures } from '@/db/privacyLog';
import { deviceId, setSetting } from '@/db/settings';
import { NOTIFIED_PREFIX } from '@/sync/requestNotifications';
import { CLASSES, STUDENTS } from '../../supabase/local/seed-ids';
import { startStack, type Stack } from '../../scripts/backend/stack';
import { syncInWorker } from './backgroundSync';

let stack: Stack;
let db: RollcallDb;

beforeAll(async () => {
  stack = await startStack({ onLog: () => {} });
  db = new RollcallDb(`sw-${crypto.randomUUID()}`);
  // What the page keeps where the worker can read it: the server's address and the sign-in.
  await setSetting(db, 'backend', { url: stack.url, anonKey: stack.anonKey });
  await setSetting(db, SESSION_KEY, JSON.stringify({ access_token: stack.users.teacher.token, expires_at: Math.floor(Date.now() / 1000) + 3600 }));
});
afterAll(async () => {
  await db?.delete();
  await stack?.stop();
});

const notifiedOnServer = (sessionId: string) =>
  stack.db.run!(async (pg) => (await pg.query('select 1 from private.notified_sessions where session_id = $1', [sessionId])).rows.length);

describe('background sync with every page closed', () => {
  it('sends a session finished offline and asks the server to text its guardians', async () => {
    const session = await createSession(db, { classId: CLASSES['7B'], startsAt: '2026-11-25T08:00:00.000Z', takenBy: 'Tomas', mode: 'manual', device: 'phone' });
    await saveMarks(db, session.id, [{ studentId: STUDENTS.chen, status: 'absent', source: 'manual', confidence: null, markedAt: '2026-11-25T08:05:00.000Z' }], 'phone');
    await updateSession(db, session.id, { finalisedAt: '2026-11-25T08:40:00.000Z' });

    await syncInWorker(db);

    expect(await db.outbox.count()).toBe(0);
    expect((await getSession(db, session.id))?.finalisedAt).toBe('2026-11-25T08:40:00.000Z');
    expect(await notifiedOnServer(session.id)).toBe(1);
    expect((await db.syncState.get(NOTIFIED_PREFIX + session.id))?.value).toMatchObject({ refused: false });
  });

  it('finishes a session this phone left open since yesterday, sends it finished, and asks for its texts too', async () => {
    const yesterday = new Date(Date.now() - 86_400_000);
    yesterday.setHours(9, 0, 0, 0);
    const session = await createSession(db, { classId: CLASSES['7B'], startsAt: yesterday.toISOString(), takenBy: 'Tomas', mode: 'manual', device: await deviceId(db) });

    await syncInWorker(db);

    expect((await getSession(db, session.id))?.finalisedAt).not.toBeNull();
    expect(await db.outbox.count()).toBe(0);
    expect(await notifiedOnServer(session.id)).toBe(1);
  });

  it('sends the server its half of an erasure done on the phone', async () => {
    await addPrivacyLog(db, { kind: 'face-data-erased', studentId: STUDENTS.bela, classId: CLASSES['7B'], summary: 'Face data erased.', counts: {}, by: 'Tomas', server: 'pending' });

    await syncInWorker(db);

    expect(await pendingServerErasures(db)).toEqual([]);
    const erasedAt = await stack.db.run!(async (pg) => (await pg.query<{ at: string | null }>('select biometrics_erased_at as at from public.students where id = $1', [STUDENTS.bela])).rows[0]?.at);
    expect(erasedAt).not.toBeNull();
  });
});
