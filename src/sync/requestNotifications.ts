/**
 * Finalising a session tells the guardians, even when it happened offline:
 * once the finalised session is on the server (nothing of it left in the
 * outbox), ask `notify` to queue its messages, once per session. The
 * server queues each message once, so asking twice after a crash is harmless.
 *
 * Once is enough for corrections too. A mark can change after Finish on
 * this phone, on another phone, or on the server (an approved excuse, an
 * accepted dispute), and only the server sees every one of them, so it
 * follows the register itself: a changed mark of a notified session is
 * weighed against what the guardians were told, and a correction queued,
 * with no device asking.
 */
import { callFunction, type FunctionsClient } from '@/api/callFunction';
import type { RollcallDb } from '@/db/db';
import { SyncOfflineError } from './syncErrors';

export const NOTIFIED_PREFIX = 'notified:';

export async function requestNotifications(db: RollcallDb, client: FunctionsClient): Promise<string[]> {
  const finalised = await db.sessions.filter((s) => !!s.finalisedAt && !s.deletedAt).toArray();
  const asked: string[] = [];
  for (const s of finalised) {
    if (await db.syncState.get(NOTIFIED_PREFIX + s.id)) continue;
    if ((await db.outbox.where('rowId').equals(s.id).count()) > 0) continue; // not on the server yet
    const result = await callFunction(client, 'notify', { action: 'session-finalised', sessionId: s.id });
    if (result.kind === 'offline') throw new SyncOfflineError('notify could not be reached');
    // Refused (403/404/409): this device may not notify about it (e.g. not the class's teacher); don't ask again.
    await db.syncState.put({ key: NOTIFIED_PREFIX + s.id, value: { at: new Date().toISOString(), refused: result.kind === 'refused' } });
    asked.push(s.id);
  }
  return asked;
}

export type DeliveryCounts = Record<string, number>;

/** How the session's messages stand on the server; remembered for when the phone is offline. */
export async function fetchDeliveryStatus(db: RollcallDb, client: FunctionsClient, sessionId: string): Promise<DeliveryCounts | null> {
  const result = await callFunction<{ counts?: DeliveryCounts }>(client, 'notify', { action: 'session-status', sessionId });
  if (result.kind !== 'ok') return ((await db.syncState.get('delivery:' + sessionId))?.value as DeliveryCounts | undefined) ?? null;
  const counts = result.data.counts ?? {};
  await db.syncState.put({ key: 'delivery:' + sessionId, value: counts });
  return counts;
}
