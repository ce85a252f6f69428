/**
 * Background Sync in the service worker. When a Rollcall page is open the
 * page does the work (it holds the live sign-in, which it can renew). With
 * every page closed, the worker runs the same round (sync/syncRound) by
 * itself with the session the page left in the device's settings, as long
 * as that token is still valid. A failure makes the browser try again later.
 * Browsers without Background Sync (Firefox, Safari) sync when the app is
 * next opened, on `online`, and every few minutes while open. Either way the
 * close of day runs first, so a session left open is sent finished, with its
 * absences, and its guardians are told.
 */
import { backendConfig, SESSION_KEY, type BackendConfig } from '@/api/backendConfig';
import type { FunctionsClient } from '@/api/callFunction';
import { RollcallDb } from '@/db/db';
import { getSetting } from '@/db/settings';
import { BACKGROUND_SYNC_TAG } from '@/sync/syncIfPossible';
import { syncRound } from '@/sync/syncRound';

declare const self: ServiceWorkerGlobalScope;

function askPage(client: Client): Promise<boolean> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => resolve(false), 60_000);
    channel.port1.onmessage = (event) => {
      clearTimeout(timer);
      resolve(event.data?.ok === true);
    };
    client.postMessage({ type: BACKGROUND_SYNC_TAG }, [channel.port2]);
  });
}

/**
 * supabase-js's functions.invoke in a few lines, answering as it does (the
 * Response on success, and as error.context on an HTTP error; a failed
 * fetch throws), so callFunction reads it as it reads the app's client.
 */
function fetchClient(config: BackendConfig, accessToken: string): FunctionsClient {
  return {
    functions: {
      async invoke(name, { body }) {
        const response = await fetch(`${config.url}/functions/v1/${name}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${accessToken}`, apikey: config.anonKey, 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        });
        if (response.ok) return { data: await response.json(), error: null, response };
        return { data: null, error: { name: 'FunctionsHttpError', message: `${name} answered ${response.status}`, context: response }, response };
      },
    },
  };
}

/** The sign-in a page left in the device's settings, while still valid; the worker never renews it, so two renewals can't race. */
async function workerClient(db: RollcallDb): Promise<FunctionsClient | null> {
  const config = backendConfig(import.meta.env as Record<string, string | undefined>) ?? (await getSetting<BackendConfig | null>(db, 'backend', null));
  const stored = await getSetting<string | null>(db, SESSION_KEY, null);
  if (!config || !stored) return null;
  const session = JSON.parse(stored) as { access_token?: string; expires_at?: number };
  if (!session.access_token || (session.expires_at ?? 0) * 1000 < Date.now() + 30_000) return null; // the page will renew it
  return fetchClient(config, session.access_token);
}

/**
 * The page's round, run by the worker with every page closed: no session is
 * on screen, so the close of day finishes every one due. The worker holds
 * neither the roles nor a face engine, so class models and retraining after
 * an erasure wait for the page's next round; the server's half of erasures
 * done on the phone goes now. A failure is thrown, so the browser tries
 * again later.
 */
export async function syncInWorker(db: RollcallDb): Promise<void> {
  const round = await syncRound(db, { connect: () => workerClient(db), retries: 0, classModels: false });
  if (round.kind === 'failed') throw round.error;
  if (round.closeError) throw round.closeError;
}

export async function backgroundSync(): Promise<void> {
  const pages = await self.clients.matchAll({ type: 'window' });
  if (pages.length > 0) {
    if (!(await askPage(pages[0]!))) throw new Error('sync not finished; the browser will try again');
    return;
  }
  const db = new RollcallDb();
  try {
    await syncInWorker(db);
  } finally {
    db.close();
  }
}
