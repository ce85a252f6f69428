/**
 * The teacher's "to review" list: students' and parents' disputes and
 * parents' excuses (SMS replies) for their classes, from the device after a
 * sync. One tap sends the decision to the server's `reviews` function,
 * which corrects the mark and logs it; a sync then brings the corrected
 * mark to this device.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { AttendanceStatus } from '@/attendance/types';
import { getDb, type RollcallDb } from '@/db/db';
import { listReviewQueue, recordDisputeDecision, recordExcuseDecision, type ReviewItem } from '@/db/reviews';
import { useAccountStore } from './account';
import type { FunctionsClient } from '@/api/callFunction';
import { invokeFunction } from './invokeFunction';
import { useSyncStore } from './sync';

export type { ReviewItem };

interface DisputeAnswer {
  dispute: { status: 'resolved' | 'rejected'; corrected_status: AttendanceStatus | null; resolution: string | null; resolved_at: string | null };
}

interface ExcuseAnswer {
  excuse: { status: 'approved' | 'rejected'; decision_note: string | null; decided_at: string | null };
}

export const useReviewsStore = defineStore('reviews', () => {
  const dbRef = shallowRef<RollcallDb | null>(null);
  const db = () => dbRef.value ?? getDb();
  const account = useAccountStore();
  const items = ref<ReviewItem[]>([]);
  const loaded = ref(false);
  /** The item being decided, so its buttons can say so. */
  const working = ref<string | null>(null);
  const error = ref<string | null>(null);
  const done = ref<string | null>(null);
  const count = computed(() => items.value.length);

  function configure(options: { db: RollcallDb }) {
    dbRef.value = options.db;
  }

  async function load() {
    items.value = await listReviewQueue(db());
    loaded.value = true;
  }

  const client = () => (account.state === 'signed-in' && !account.sessionEnded ? (account.client as unknown as FunctionsClient) : null);

  /** A sync already running may have pulled before the decision: wait for it, then pull again. */
  async function syncAfterDecision() {
    const sync = useSyncStore();
    for (let i = 0; i < 100 && sync.running; i++) await new Promise((r) => setTimeout(r, 100));
    await sync.syncNow();
  }

  async function decide(id: string, work: () => Promise<string>) {
    working.value = id;
    error.value = null;
    done.value = null;
    try {
      done.value = await work();
      await load();
      await syncAfterDecision();
      await load();
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err);
    } finally {
      working.value = null;
    }
  }

  const nameOf = (id: string) => items.value.find((i) => i.id === id)?.studentName ?? 'the student';

  /** Accepting gives the mark the status asked for (or `correctedStatus` when the dispute asked for none). */
  function acceptDispute(id: string, correctedStatus?: AttendanceStatus) {
    return decide(id, async () => {
      const { dispute } = await invokeFunction<DisputeAnswer>(client(), 'reviews', {
        action: 'resolve-dispute',
        disputeId: id,
        outcome: 'accept',
        ...(correctedStatus ? { correctedStatus } : {}),
      });
      await recordDisputeDecision(db(), id, { status: dispute.status, correctedStatus: dispute.corrected_status, resolution: dispute.resolution, resolvedAt: dispute.resolved_at });
      return `Accepted: ${nameOf(id)}’s mark is now ${dispute.corrected_status ?? 'corrected'}.`;
    });
  }

  function rejectDispute(id: string, resolution: string) {
    if (!resolution.trim()) {
      error.value = 'Say why, in a few words: the student will read it.';
      return Promise.resolve();
    }
    return decide(id, async () => {
      const { dispute } = await invokeFunction<DisputeAnswer>(client(), 'reviews', { action: 'resolve-dispute', disputeId: id, outcome: 'reject', resolution: resolution.trim() });
      await recordDisputeDecision(db(), id, { status: dispute.status, correctedStatus: null, resolution: dispute.resolution, resolvedAt: dispute.resolved_at });
      return `Rejected: ${nameOf(id)}’s mark stays as it was.`;
    });
  }

  function decideExcuse(id: string, approve: boolean, note?: string) {
    return decide(id, async () => {
      const { excuse } = await invokeFunction<ExcuseAnswer>(client(), 'reviews', { action: 'decide-excuse', excuseId: id, approve, ...(note?.trim() ? { note: note.trim() } : {}) });
      await recordExcuseDecision(db(), id, { status: excuse.status, decisionNote: excuse.decision_note, decidedAt: excuse.decided_at });
      return approve ? `Approved: ${nameOf(id)} is excused that day.` : `Not approved: ${nameOf(id)}’s mark stays as it was.`;
    });
  }

  return { items, loaded, working, error, done, count, configure, load, acceptDispute, rejectDispute, decideExcuse };
});
