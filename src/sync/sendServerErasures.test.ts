import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FunctionsClient } from '@/api/callFunction';
import { RollcallDb } from '@/db/db';
import { addPrivacyLog, pendingServerErasures } from '@/db/privacyLog';
import { eraseThrough, sendServerErasures } from './sendServerErasures';

let db: RollcallDb;
beforeEach(async () => {
  db = new RollcallDb(`erasures-${crypto.randomUUID()}`);
  const entry = (kind: 'face-data-erased' | 'student-deleted', studentId: string) =>
    addPrivacyLog(db, { kind, studentId, classId: 'c1', summary: 'erased', counts: {}, by: 'Ms K', device: 'd1', server: 'pending' });
  await entry('face-data-erased', 's1');
  await entry('student-deleted', 's2');
});
afterEach(() => db.delete());

/** The privacy function as a client sees it: answers each call with `answer(body)`. */
function serverAnswering(answer: (body: Record<string, unknown>) => { data: unknown; error: unknown }, calls: Record<string, unknown>[]): FunctionsClient {
  return {
    functions: {
      async invoke(name, { body }) {
        expect(name).toBe('privacy');
        calls.push(body);
        return answer(body);
      },
    },
  };
}

describe('sendServerErasures', () => {
  it('sends each pending erasure in order, everything for a deleted student, and marks it done', async () => {
    const calls: Record<string, unknown>[] = [];
    const done = await sendServerErasures(db, eraseThrough(serverAnswering(() => ({ data: { ok: true }, error: null }), calls)));
    expect(done).toBe(2);
    expect(calls).toEqual([
      { action: 'erase', studentId: 's1', full: false },
      { action: 'erase', studentId: 's2', full: true },
    ]);
    expect(await pendingServerErasures(db)).toEqual([]);
  });

  it('stops at the first the server does not confirm, leaving it and the rest pending', async () => {
    const calls: Record<string, unknown>[] = [];
    const refused = { data: null, error: { message: 'non-2xx', context: { status: 403, json: async () => ({ message: 'forbidden' }) } } };
    expect(await sendServerErasures(db, eraseThrough(serverAnswering(() => refused, calls)))).toBe(0);
    expect(calls).toHaveLength(1);
    expect((await pendingServerErasures(db)).map((e) => e.studentId)).toEqual(['s1', 's2']);

    const offline = { data: null, error: { message: 'Failed to send a request to the Edge Function' } };
    let n = 0;
    const flaky = serverAnswering(() => (n++ === 0 ? { data: {}, error: null } : offline), []);
    expect(await sendServerErasures(db, eraseThrough(flaky))).toBe(1);
    expect((await pendingServerErasures(db)).map((e) => e.studentId)).toEqual(['s2']);
  });
});
