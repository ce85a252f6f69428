/**
 * One sync round, the same in the page and in the service worker: the close
 * of day first (signed in or not, so the sessions it finishes go with this
 * round); then, when there is a server to talk to, the outbox backfilled
 * once, push and pull (syncIfPossible), the notify requests for sessions
 * finalised and now on the server, the erasures' follow-up, and each class's
 * model. A failed close of day is kept and the round goes on; the first
 * failure after it ends the round. Nothing is thrown: the caller decides
 * what each failure means (the badge's words, or the browser trying again).
 */
import type { FunctionsClient } from '@/api/callFunction';
import type { RollcallDb } from '@/db/db';
import { finishOpenSessions } from '@/db/finishOpenSessions';
import { backfillOutbox } from './backfillOutbox';
import { requestNotifications } from './requestNotifications';
import { eraseThrough, sendServerErasures } from './sendServerErasures';
import { syncClassModels, type ModelSyncResult } from './syncClassModels';
import { syncIfPossible, type SyncSummary } from './syncIfPossible';

/** What follows an erasure; the page's privacy store does both. */
export interface ErasureSteps {
  /** Face data this round's pull erased (consent withdrawn, or erased at the school): catch a model trained meanwhile, retrain, then the server's half. */
  afterErasure(studentIds: readonly string[], classIds: readonly string[]): Promise<unknown>;
  /** Erasures done on this phone that the server's copy has not had yet (models, templates; everything when `full`). */
  sendServerErasures(): Promise<unknown>;
}

export interface SyncRoundOptions {
  /** The close of day as this caller runs it (the page's leaves the session on screen open); closeOfDay(db) by default. */
  closeOfDay?: () => Promise<unknown>;
  /** Asked after the close of day: the client to sync with, or null for no server this round (signed out, offline, a round already running). */
  connect(): FunctionsClient | null | Promise<FunctionsClient | null>;
  /** The signed-in teacher's school, for classes made before they signed in. */
  schoolId?: string;
  /** Retries of push and pull after a network failure (0: give up at once). */
  retries: number;
  /** Whether this phone moves its classes' models: a teacher's or an admin's. */
  classModels: boolean;
  /** Left out where no face engine runs (the service worker): the server's half of erasures is sent through the client, and retraining after an erasure waits for the page's next round. */
  erasures?: ErasureSteps;
}

export type SyncRoundResult = { closeError: unknown } & (
  | { kind: 'not-connected' }
  | { kind: 'synced'; summary: SyncSummary; models: ModelSyncResult[] | null }
  | { kind: 'failed'; error: unknown }
);

/**
 * Finishes the sessions this phone left open past the close time. The one
 * on screen is left alone on the day it started (the teacher may still be
 * taking it after the close); one left on screen since an earlier day is
 * finished.
 */
export async function closeOfDay(db: RollcallDb, onScreen: string | null = null): Promise<void> {
  const today = new Date().toDateString();
  await finishOpenSessions(db, { skip: (s) => s.id === onScreen && new Date(s.startsAt).toDateString() === today });
}

export async function syncRound(db: RollcallDb, options: SyncRoundOptions): Promise<SyncRoundResult> {
  let closeError: unknown = null;
  try {
    await (options.closeOfDay ?? (() => closeOfDay(db)))();
  } catch (err) {
    // Left for the next round; the sync itself still runs.
    closeError = err;
  }
  const client = await options.connect();
  if (!client) return { kind: 'not-connected', closeError };
  try {
    await backfillOutbox(db);
    const summary = await syncIfPossible(db, client, { schoolId: options.schoolId, retries: options.retries });
    await requestNotifications(db, client);
    // Face data erased by this pull means retraining without it (where a face engine runs), which sends the
    // server's half after; else only erasures done here still owe the server its half.
    const { erased } = summary.pulled;
    if (options.erasures && erased.classIds.length > 0) await options.erasures.afterErasure(erased.studentIds, erased.classIds);
    else if (options.erasures) await options.erasures.sendServerErasures();
    else await sendServerErasures(db, eraseThrough(client));
    let models: ModelSyncResult[] | null = null;
    if (options.classModels) {
      const classIds = (await db.classes.toArray()).filter((k) => !k.deletedAt).map((k) => k.id);
      models = await syncClassModels(db, client, classIds);
    }
    return { kind: 'synced', closeError, summary, models };
  } catch (error) {
    return { kind: 'failed', closeError, error };
  }
}
