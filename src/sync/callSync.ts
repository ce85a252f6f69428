/**
 * One request to the `sync` edge function. The client is anything shaped
 * like supabase-js (`functions.invoke`), so tests can pass the app's own.
 * Every answer also says what the server's clock reads; whoever keeps the
 * phone's clock offset (the clock store) hears it through onServerClock,
 * since the sync verbs that call this have no use for it.
 */
import type { OutboxRow } from '@/db/rows';
import { clockOffset, serverTimeOf, type ClockReading, type InvokeAnswer } from './clockOffset';
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

/** Anything shaped like supabase-js for calling edge functions: the app's client, or a test's wrapper around it. */
export interface FunctionsClient {
  functions: {
    invoke(name: string, options: { body: Record<string, unknown> }): Promise<InvokeAnswer & { data: unknown; error: unknown }>;
  };
}

export type SyncClient = FunctionsClient;

type ClockListener = (reading: ClockReading) => void;
const clockListeners = new Set<ClockListener>();

/** Hears the phone's clock offset after every sync call the server answered; returns the way to stop. */
export function onServerClock(listener: ClockListener): () => void {
  clockListeners.add(listener);
  return () => clockListeners.delete(listener);
}

export async function callSync(client: SyncClient, body: SyncRequestBody): Promise<SyncResponse> {
  let answer: InvokeAnswer & { data: unknown; error: unknown };
  const sentAt = Date.now();
  try {
    answer = await client.functions.invoke('sync', { body });
  } catch (err) {
    throw new SyncOfflineError(err instanceof Error ? err.message : String(err));
  }
  const receivedAt = Date.now();
  const server = serverTimeOf(answer);
  if (server) {
    const reading = { offsetMs: clockOffset(server, sentAt, receivedAt), measuredAt: new Date(receivedAt).toISOString() };
    for (const listener of clockListeners) listener(reading);
  }
  const { data, error } = answer;
  if (!error) return (data ?? {}) as SyncResponse;
  const e = error as { name?: string; message?: string; context?: { status?: number } };
  const status = e.context?.status;
  // supabase-js: FunctionsFetchError (no answer), FunctionsRelayError, FunctionsHttpError (with the Response).
  if (typeof status !== 'number' || status >= 500 || status === 429) throw new SyncOfflineError(e.message ?? 'sync failed');
  throw new SyncRefusedError(e.message ?? `sync answered ${status}`, status);
}
