/**
 * What a teacher can do with a change the server refused: send it again
 * (after fixing what the server complained about, or once a teacher was
 * assigned to the class) under a new clientId, since the server remembers
 * the old one as refused; or drop it from the outbox. Dropping leaves the
 * row as it is on this device: only the server never hears of that change.
 */
import type { RollcallDb } from '@/db/db';

export async function retryRejected(db: RollcallDb, seq: number): Promise<void> {
  await db.transaction('rw', db.outbox, async () => {
    const m = await db.outbox.get(seq);
    if (!m?.rejectedReason) return;
    // Send the row as it is now, if a later change is not already waiting to.
    await db.outbox.update(seq, { clientId: crypto.randomUUID(), rejectedReason: undefined, attempts: 0, lastError: undefined });
  });
}

export async function discardRejected(db: RollcallDb, seq: number): Promise<void> {
  await db.transaction('rw', db.outbox, async () => {
    const m = await db.outbox.get(seq);
    if (m?.rejectedReason) await db.outbox.delete(seq);
  });
}
