/**
 * One request to the `sync` edge function, through callFunction, its
 * outcome thrown as the sync errors the verbs act on.
 * Every answer also says what the server's clock reads; whoever keeps the
 * phone's clock offset (the clock store) hears it through onServerClock,
 * since the sync verbs that call this have no use for it.
 */
import { callFunction, type FunctionsClient } from '@/api/callFunction';
import type { OutboxRow } from '@/db/outbox/enqueueMutation';
import { clockOffset, serverTimeOf, type ClockReading } from './clockOffset';
import { SyncOfflineError, SyncRefusedError } from './syncErrors';

export type SyncRequestBody = {
  push?: Pick<OutboxRow, 'clientId' | 'table' | 'op' | 'row' | 'clientUpdatedAt'>[];
  pullSince?: string | null;
  limit?: number;
};

export type MutationResult =
  | { clientId: string; status: 'applied' | 'duplicate' }
  | { clientId: string; status: 'rejected'; reason: string; current?: Record<string, unknown> };

export interface SyncResponse {
  results?: MutationResult[];
  changes?: Record<string, Record<string, unknown>[]>;
  cursor?: string;
  hasMore?: boolean;
  /** The server's clock when it answered (ISO). */
  serverTime?: string;
}

type ClockListener = (reading: ClockReading) => void;
const clockListeners = new Set<ClockListener>();

/** Hears the phone's clock offset after every sync call the server answered; returns the way to stop. */
export function onServerClock(listener: ClockListener): () => void {
  clockListeners.add(listener);
  return () => clockListeners.delete(listener);
}

export async function callSync(client: FunctionsClient, body: SyncRequestBody): Promise<SyncResponse> {
  const sentAt = Date.now();
  const result = await callFunction<SyncResponse | null>(client, 'sync', body);
  const receivedAt = Date.now();
  const server = serverTimeOf({ data: result.kind === 'ok' ? result.data : undefined, response: result.response });
  if (server) {
    const reading = { offsetMs: clockOffset(server, sentAt, receivedAt), measuredAt: new Date(receivedAt).toISOString() };
    for (const listener of clockListeners) listener(reading);
  }
  if (result.kind === 'ok') return result.data ?? {};
  if (result.kind === 'offline') throw new SyncOfflineError(result.message);
  throw new SyncRefusedError(result.message || `sync answered ${result.status}`, result.status);
}
