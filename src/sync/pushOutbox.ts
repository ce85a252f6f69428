/**
 * Sends the outbox to the server, oldest first, in batches. Applied and
 * duplicate mutations leave the outbox; rejected ones stay with the
 * server's reason and are not sent again; on a network failure everything
 * stays (the server applies a clientId once, so resending is safe).
 */
import type { RollcallDb } from '@/db/db';
import type { OutboxRow } from '@/db/outbox/enqueueMutation';
import type { FunctionsClient } from '@/api/callFunction';
import { callSync, type MutationResult } from './callSync';
import { applyServerRows } from './applyServerRows';
import { pushConsent } from './pushConsent';
import type { ServerRow } from '@/db/outbox/serverRows';
import { SyncOfflineError } from './syncErrors';

export interface PushOptions {
  batchSize?: number;
  /** The signed-in teacher's school, for classes made before they signed in. */
  schoolId?: string;
}

export interface PushSummary {
  applied: number;
  duplicate: number;
  rejected: number;
}

/** The server's batch limit (MAX_PUSH). */
export const PUSH_BATCH_SIZE = 500;

function toMutation(m: OutboxRow, schoolId: string | undefined) {
  const row = m.table === 'classes' && m.op === 'upsert' && schoolId && !m.row.school_id ? { ...m.row, school_id: schoolId } : m.row;
  return { clientId: m.clientId, table: m.table, op: m.op, row, clientUpdatedAt: m.clientUpdatedAt };
}

/** Waiting changes after `after`, oldest first; a key range, so each batch starts where the last one ended. */
function pendingAfter(db: RollcallDb, after: number) {
  return db.outbox.where('seq').above(after).filter((m) => !m.rejectedReason);
}

export async function pushOutbox(db: RollcallDb, client: FunctionsClient, options: PushOptions = {}): Promise<PushSummary> {
  const batchSize = options.batchSize ?? PUSH_BATCH_SIZE;
  const summary: PushSummary = { applied: 0, duplicate: 0, rejected: 0 };
  let after = -Infinity;
  for (;;) {
    const batch = await pendingAfter(db, after).limit(batchSize).toArray();
    if (batch.length === 0) return summary;
    after = batch[batch.length - 1]!.seq!;

    let results: MutationResult[];
    try {
      const viaSync = batch.filter((m) => m.table !== 'consents');
      results = viaSync.length ? ((await callSync(client, { push: viaSync.map((m) => toMutation(m, options.schoolId)) })).results ?? []) : [];
      // After the batch, so a consent follows the student it is about.
      for (const m of batch) if (m.table === 'consents') results.push(await pushConsent(client, m));
    } catch (err) {
      if (err instanceof SyncOfflineError) {
        await db.outbox.bulkUpdate(batch.map((m) => ({ key: m.seq!, changes: { attempts: m.attempts + 1, lastError: err.message } })));
      }
      throw err;
    }

    const seqOf = new Map(batch.map((m) => [m.clientId, m.seq!]));
    await db.transaction('rw', db.outbox, async () => {
      const done: number[] = [];
      for (const r of results) {
        const seq = seqOf.get(r.clientId);
        if (seq === undefined) continue;
        summary[r.status] += 1;
        if (r.status === 'rejected') await db.outbox.update(seq, { rejectedReason: r.reason });
        else done.push(seq);
      }
      await db.outbox.bulkDelete(done);
    });
    // A change kept out by a stored row that wins: take that row now, as a pull would (which drops the refusal).
    const winners: Record<string, ServerRow[]> = {};
    for (const r of results) {
      if (r.status !== 'rejected' || !r.current) continue;
      const m = batch.find((b) => b.clientId === r.clientId);
      if (m && (m.table === 'attendance_marks' || m.table === 'sessions' || m.table === 'classes' || m.table === 'students')) (winners[m.table] ??= []).push(r.current);
    }
    if (Object.keys(winners).length > 0) await applyServerRows(db, winners);
  }
}

