/**
 * Rows written before this device had an outbox (schema version 2) never
 * queued a mutation, so before a device's very first sync everything it
 * holds is queued once. Sending a row the server already has is harmless:
 * upserts are merged by the same rules as any other change. Deleted classes
 * and students go as deletions, so they don't come back.
 */
import type { RollcallDb } from '@/db/db';
import { enqueueMutation } from '@/db/outbox/enqueueMutation';
import { PULL_CURSOR_KEY } from './pullChanges';
import { classToServer, markToServer, recognitionEventToServer, sessionToServer, studentToServer } from '@/db/outbox/serverRows';

export const BACKFILLED_KEY = 'outboxBackfilled';

export async function backfillOutbox(db: RollcallDb, now = new Date()): Promise<number> {
  return db.transaction('rw', [db.classes, db.students, db.sessions, db.marks, db.recognitionEvents, db.outbox, db.syncState], async () => {
    if (await db.syncState.get(BACKFILLED_KEY)) return 0;
    // A device that has synced before already sent (or pulled) everything it holds.
    if (await db.syncState.get(PULL_CURSOR_KEY)) {
      await db.syncState.put({ key: BACKFILLED_KEY, value: now.toISOString() });
      return 0;
    }
    // Changes already queued go after the backfill, so every parent row still reaches the server before its children.
    const waiting = await db.outbox.orderBy('seq').toArray();
    await db.outbox.clear();
    const queued = new Set(waiting.map((m) => `${m.table}:${m.rowId}`));
    let count = 0;
    const add = async (table: Parameters<typeof enqueueMutation>[1]['table'], row: Record<string, unknown>, deleted = false) => {
      if (queued.has(`${table}:${row.id as string}`)) return;
      await enqueueMutation(db, { table, op: deleted ? 'delete' : 'upsert', row }, now);
      count++;
    };
    // Parents before children, as the server needs them.
    for (const c of await db.classes.toArray()) await add('classes', classToServer(c), !!c.deletedAt);
    for (const s of await db.students.toArray()) await add('students', studentToServer(s), !!s.deletedAt);
    for (const s of await db.sessions.toArray()) await add('sessions', sessionToServer(s), !!s.deletedAt);
    for (const m of await db.marks.toArray()) await add('attendance_marks', markToServer(m));
    for (const e of await db.recognitionEvents.toArray()) await add('recognition_events', recognitionEventToServer(e));
    await db.outbox.bulkAdd(waiting.map(({ seq: _seq, ...m }) => m));
    await db.syncState.put({ key: BACKFILLED_KEY, value: now.toISOString() });
    return count;
  });
}
