/**
 * The sync badge and what drives it. The round (sync/syncRound: the close
 * of day, push and pull, notifications, erasures, models) runs when the app
 * starts signed in, when the network comes back, when the page is shown
 * again, a few seconds after each local change, every five minutes while
 * open, and from the service worker (Background Sync) where the browser has
 * it. The close of day also runs when the app starts, signed in or not.
 * This store keeps only the page's side: the badge's state, the timers and
 * listeners, and what each failure means to the teacher.
 */
import { defineStore, getActivePinia } from 'pinia';
import { liveQuery, type Subscription } from 'dexie';
import { computed, ref, shallowRef, watch } from 'vue';
import type { FunctionsClient } from '@/api/callFunction';
import { finishedAutomatically } from '@/attendance/closeOfDay';
import { getDb, type RollcallDb } from '@/db/db';
import type { OutboxRow } from '@/db/outbox/enqueueMutation';
import { getSession, type SessionRow } from '@/db/sessions';
import { describeError } from './errors';
import { discardRejected, retryRejected } from '@/sync/resolveRejected';
import { fetchDeliveryStatus, type DeliveryCounts } from '@/sync/requestNotifications';
import { SyncOfflineError, SyncRefusedError, SyncStorageFullError } from '@/sync/syncErrors';
import type { ModelSyncResult } from '@/sync/syncClassModels';
import { BACKGROUND_SYNC_TAG, LAST_SYNCED_KEY } from '@/sync/syncIfPossible';
import { closeOfDay, syncRound } from '@/sync/syncRound';
import { useAccountStore } from './account';
import { invokeFunction } from './invokeFunction';
import { usePrivacyStore } from './privacy';

const AFTER_CHANGE_MS = 3_000;
const EVERY_MS = 5 * 60_000;

export type SyncBadge = 'local-only' | 'signed-out' | 'offline' | 'syncing' | 'error' | 'pending' | 'synced';

export const useSyncStore = defineStore('sync', () => {
  const account = useAccountStore();
  const dbRef = shallowRef<RollcallDb | null>(null);
  const db = () => dbRef.value ?? getDb();
  const pending = ref(0);
  const rejected = ref<OutboxRow[]>([]);
  const lastSyncedAt = ref<string | null>(null);
  const running = ref(false);
  const lastError = ref<string | null>(null);
  const online = ref(globalThis.navigator?.onLine ?? true);
  /**
   * The last round found no server: the phone is offline as far as the
   * school is concerned, even when the browser says it is online (a page the
   * service worker served with no network can read navigator.onLine true).
   * Rounds still run, so the first one that reaches the server clears it.
   */
  const unreachable = ref(false);
  /** Per class: what the last sync did with its model (sent, taken, or kept here because the school doesn't share templates). */
  const models = ref<ModelSyncResult[]>([]);
  let subscriptions: Subscription[] = [];
  let closing: Promise<void> | null = null;
  let debounce: ReturnType<typeof setTimeout> | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;

  const badge = computed<SyncBadge>(() => {
    if (account.state === 'local-only') return 'local-only';
    if (account.state === 'signed-out' || account.sessionEnded) return 'signed-out';
    if (running.value) return 'syncing';
    if (!online.value || unreachable.value) return 'offline';
    if (lastError.value) return 'error';
    return pending.value > 0 ? 'pending' : 'synced';
  });

  function configure(options: { db: RollcallDb }) {
    dbRef.value = options.db;
  }

  function client(): FunctionsClient | null {
    return account.state === 'signed-in' && !account.sessionEnded ? account.client : null;
  }

  /** The round's close of day as the page runs it: the session on screen stays open on its first day, and concurrent calls join the one running. */
  function closeOpenSessions(): Promise<void> {
    closing ??= (async () => {
      try {
        await closeOfDay(db(), sessionOnScreen()?.id ?? null);
        await refreshScreen();
      } catch (err) {
        // Left for the next round; the sync itself still runs.
        lastError.value = reasonOf(err);
      } finally {
        closing = null;
      }
    })();
    return closing;
  }

  /**
   * A screen still showing open a session the close of day finished (this
   * round, or a round that ran while the page was opening it) reads it
   * again, so the teacher sees it finished, with its absences.
   */
  async function refreshScreen() {
    const shown = sessionOnScreen();
    if (!shown || shown.finalisedAt) return;
    const stored = await getSession(db(), shown.id);
    if (!stored || !finishedAutomatically(stored)) return;
    const { useAttendanceStore } = await import('./attendance');
    await useAttendanceStore().open(shown.id);
  }

  /** The session open on screen, read from Pinia's state so the attendance store (and the face engine behind it) isn't loaded just to ask. */
  function sessionOnScreen(): SessionRow | null {
    const state = getActivePinia()?.state.value.attendance as { session?: SessionRow | null } | undefined;
    return state?.session ?? null;
  }

  /** Claims the round for this page: null when there is no server to talk to now, or a round is already running. */
  async function connect(): Promise<FunctionsClient | null> {
    const c = client();
    if (!c || running.value) return null;
    if (!online.value) {
      await registerBackgroundSync();
      return null;
    }
    running.value = true;
    return c;
  }

  async function syncNow(): Promise<void> {
    const round = await syncRound(db(), {
      closeOfDay: closeOpenSessions,
      connect,
      schoolId: account.schoolId ?? undefined,
      retries: 1,
      classModels: account.roles.some((r) => r === 'teacher' || r === 'admin'),
      erasures: { afterErasure: (studentIds, classIds) => usePrivacyStore().afterErasure(studentIds, classIds), sendServerErasures: () => usePrivacyStore().sendServerErasures() },
    });
    if (round.kind === 'not-connected') return;
    try {
      if (round.kind === 'failed') return await failed(round.error);
      if (round.models) models.value = round.models;
      lastSyncedAt.value = round.summary.syncedAt;
      // A session open on screen continues from what the pull merged in, not from its copy in memory.
      if (round.summary.pulled.rows > 0) {
        const { useAttendanceStore } = await import('./attendance');
        await useAttendanceStore().reloadMarks();
      }
      lastError.value = null;
      unreachable.value = false;
    } catch (err) {
      await failed(err);
    } finally {
      running.value = false;
    }
  }

  async function failed(err: unknown) {
    lastError.value = reasonOf(err);
    unreachable.value = err instanceof SyncOfflineError;
    if (err instanceof SyncRefusedError && err.status === 401) account.reportExpired();
    if (err instanceof SyncOfflineError) await registerBackgroundSync();
  }

  function reasonOf(err: unknown): string {
    if (err instanceof SyncOfflineError) return "The school's server can't be reached. Your changes are saved on this phone and will be sent later.";
    if (err instanceof SyncRefusedError) return err.status === 401 ? 'Your sign-in has ended. Sign in again to send your changes; nothing is lost.' : `The server refused the sync: ${err.message}`;
    if (err instanceof SyncStorageFullError) return err.message;
    return describeError(err);
  }

  /** Asks the service worker to sync when the network is back, even if this tab is closed by then. */
  async function registerBackgroundSync() {
    const sw = globalThis.navigator?.serviceWorker;
    if (!sw?.controller) return;
    const registration = (await sw.ready) as ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } };
    await registration.sync?.register(BACKGROUND_SYNC_TAG).catch(() => undefined);
  }

  function soon() {
    if (debounce) clearTimeout(debounce);
    debounce = setTimeout(() => void syncNow(), AFTER_CHANGE_MS);
  }

  async function start() {
    await closeOpenSessions();
    await account.load();
    lastSyncedAt.value = ((await db().syncState.get(LAST_SYNCED_KEY))?.value as string | undefined) ?? null;
    if (subscriptions.length > 0) return;
    let previous = -1;
    let activeModels: string | null = null;
    subscriptions = [
      liveQuery(() => db().outbox.filter((m) => !m.rejectedReason).count()).subscribe((n) => {
        pending.value = n;
        if (n > previous && previous >= 0) soon();
        previous = n;
      }),
      liveQuery(() => db().outbox.filter((m) => !!m.rejectedReason).toArray()).subscribe((rows) => (rejected.value = rows)),
      // A retrained or rolled-back model is sent soon after, like any other change.
      liveQuery(() => db().modelVersions.where('status').equals('active').primaryKeys()).subscribe((ids) => {
        const key = [...ids].sort().join();
        if (activeModels !== null && key !== activeModels) soon();
        activeModels = key;
      }),
    ];
    const win = globalThis.window;
    win?.addEventListener('online', () => {
      online.value = true;
      void syncNow();
    });
    win?.addEventListener('offline', () => (online.value = false));
    globalThis.document?.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') void syncNow();
    });
    // The service worker's Background Sync asks an open page to do the work, where the sign-in lives.
    globalThis.navigator?.serviceWorker?.addEventListener('message', (event: MessageEvent) => {
      if (event.data?.type !== BACKGROUND_SYNC_TAG) return;
      void syncNow().then(() => event.ports[0]?.postMessage({ ok: !lastError.value }));
    });
    timer ??= setInterval(() => void syncNow(), EVERY_MS);
    watch(
      () => account.state === 'signed-in' && !account.sessionEnded,
      (signedIn) => {
        if (signedIn) void syncNow();
      },
      { immediate: true },
    );
  }

  /** The server's half of an erasure; throws when it can't be done now, so the privacy log keeps it waiting. */
  async function eraseOnServer(request: { studentId: string; classId: string | null; full: boolean }): Promise<void> {
    await invokeFunction(client(), 'privacy', { action: 'erase', studentId: request.studentId, full: request.full });
  }

  async function retry(seq: number) {
    await retryRejected(db(), seq);
    soon();
  }

  async function discard(seq: number) {
    await discardRejected(db(), seq);
  }

  async function deliveryStatus(sessionId: string): Promise<DeliveryCounts | null> {
    const c = client();
    if (c && online.value) return fetchDeliveryStatus(db(), c, sessionId);
    return ((await db().syncState.get('delivery:' + sessionId))?.value as DeliveryCounts | undefined) ?? null;
  }

  function stop() {
    for (const s of subscriptions) s.unsubscribe();
    subscriptions = [];
    if (timer) clearInterval(timer);
    timer = null;
  }

  return { pending, rejected, lastSyncedAt, running, lastError, online, models, badge, configure, start, stop, syncNow, retry, discard, deliveryStatus, eraseOnServer };
});
