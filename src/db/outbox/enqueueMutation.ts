/**
 * Records a change for the server. It must run inside the Dexie transaction
 * that makes the change, with `db.outbox` in its scope: the change and its
 * outbox row are saved together or not at all.
 */
import Dexie from 'dexie';
import type { RollcallDb } from '@/db/db';
import type { ServerRow } from './serverRows';

/** A table the sync function accepts, by its server name. */
export type SyncedTable = 'schools' | 'classes' | 'students' | 'sessions' | 'attendance_marks' | 'recognition_events' | 'disputes' | 'consents';

/**
 * One change waiting to reach the server, written in the same transaction
 * as the change itself. `row` is already in the server's columns.
 */
export interface OutboxRow {
  /** Order of the changes on this device. */
  seq?: number;
  /** The server applies a clientId once, so sending a row twice is harmless. */
  clientId: string;
  table: SyncedTable;
  op: 'upsert' | 'delete';
  rowId: string;
  row: Record<string, unknown>;
  clientUpdatedAt: string;
  createdAt: string;
  /** Pushes that failed on the network. */
  attempts: number;
  lastError?: string;
  /** Set when the server refused the change; the row stays for the teacher to see, and is not sent again. */
  rejectedReason?: string;
}

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
