/**
 * One request to the `sync` edge function. The client is anything shaped
 * like supabase-js (`functions.invoke`), so tests can pass the app's own.
 */
import type { OutboxRow } from '@/db/rows';
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
}

/** Anything shaped like supabase-js for calling edge functions: the app's client, or a test's wrapper around it. */
export interface FunctionsClient {
  functions: {
    invoke(name: string, options: { body: Record<string, unknown> }): Promise<{ data: unknown; error: unknown }>;
  };
}

export type SyncClient = FunctionsClient;

export async function callSync(client: SyncClient, body: SyncRequestBody): Promise<SyncResponse> {
  let answer: { data: unknown; error: unknown };
  try {
    answer = await client.functions.invoke('sync', { body });
  } catch (err) {
    throw new SyncOfflineError(err instanceof Error ? err.message : String(err));
  }
  const { data, error } = answer;
  if (!error) return (data ?? {}) as SyncResponse;
  const e = error as { name?: string; message?: string; context?: { status?: number } };
  const status = e.context?.status;
  // supabase-js: FunctionsFetchError (no answer), FunctionsRelayError, FunctionsHttpError (with the Response).
  if (typeof status !== 'number' || status >= 500 || status === 429) throw new SyncOfflineError(e.message ?? 'sync failed');
  throw new SyncRefusedError(e.message ?? `sync answered ${status}`, status);
}
