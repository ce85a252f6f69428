/**
 * The one entry point: push the outbox, pull, and push what the pull's merges queued. A call made while a
 * sync of the same database is running joins it instead of starting
 * another. When the server cannot be reached it retries with backoff, then
 * gives up with SyncOfflineError; the outbox keeps everything meanwhile.
 */
import type { RollcallDb } from '@/db/db';
import type { FunctionsClient } from '@/api/callFunction';
import { nextRetryDelay } from './nextRetryDelay';
import { pullChanges, type PullSummary } from './pullChanges';
import { pushOutbox, type PushSummary } from './pushOutbox';
import { SyncOfflineError } from './syncErrors';

export const LAST_SYNCED_KEY = 'lastSyncedAt';
/** The Background Sync tag the page registers and the service worker answers. */
export const BACKGROUND_SYNC_TAG = 'rollcall-sync';

export interface SyncOptions {
  schoolId?: string;
  /** Retries after a network failure (0: give up at once). */
  retries?: number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
}

export interface SyncSummary {
  pushed: PushSummary;
  pulled: PullSummary;
  syncedAt: string;
}

const running = new WeakMap<RollcallDb, Promise<SyncSummary>>();

export function syncIfPossible(db: RollcallDb, client: FunctionsClient, options: SyncOptions = {}): Promise<SyncSummary> {
  const current = running.get(db);
  if (current) return current;
  const started = syncWithRetries(db, client, options).finally(() => running.delete(db));
  running.set(db, started);
  return started;
}

async function syncWithRetries(db: RollcallDb, client: FunctionsClient, options: SyncOptions): Promise<SyncSummary> {
  const retries = options.retries ?? 4;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      return await syncOnce(db, client, options);
    } catch (err) {
      if (!(err instanceof SyncOfflineError) || attempt >= retries) throw err;
      await sleep(nextRetryDelay(attempt, options.random ?? Math.random));
    }
  }
}

async function syncOnce(db: RollcallDb, client: FunctionsClient, options: SyncOptions): Promise<SyncSummary> {
  const now = options.now ?? (() => new Date());
  const pushed = await pushOutbox(db, client, { schoolId: options.schoolId });
  const pulled = await pullChanges(db, client, { now });
  // A pull may leave this device's mark the winner of a merge, queued under the server's id.
  const again = await pushOutbox(db, client, { schoolId: options.schoolId });
  for (const key of ['applied', 'duplicate', 'rejected'] as const) pushed[key] += again[key];
  const syncedAt = now().toISOString();
  await db.syncState.put({ key: LAST_SYNCED_KEY, value: syncedAt });
  return { pushed, pulled, syncedAt };
}
