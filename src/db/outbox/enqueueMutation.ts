/**
 * Records a change for the server. It must run inside the Dexie transaction
 * that makes the change, with `db.outbox` in its scope: the change and its
 * outbox row are saved together or not at all.
 */
import Dexie from 'dexie';
import type { RollcallDb } from '@/db/db';
import type { OutboxRow, SyncedTable } from '@/db/rows';
import type { ServerRow } from './serverRows';

export interface NewMutation {
  table: SyncedTable;
  op: OutboxRow['op'];
  /** In the server's columns, with `id`. */
  row: ServerRow;
}

export async function enqueueMutation(db: RollcallDb, mutation: NewMutation, now = new Date()): Promise<void> {
  const tx = Dexie.currentTransaction;
  if (!tx || tx.mode !== 'readwrite' || !tx.storeNames.includes(db.outbox.name)) {
    throw new Error('enqueueMutation must run inside the read-write transaction that makes the change, with db.outbox in it.');
  }
  const rowId = mutation.row.id;
  if (typeof rowId !== 'string') throw new Error('A synced row needs an id.');
  const at = now.toISOString();
  await db.outbox.add({
    clientId: crypto.randomUUID(),
    table: mutation.table,
    op: mutation.op,
    rowId,
    row: mutation.op === 'delete' ? { id: rowId } : mutation.row,
    clientUpdatedAt: at,
    createdAt: at,
    attempts: 0,
  });
}
