import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { RollcallDb } from '@/db/db';
import { useAccountStore } from './account';
import { useReviewsStore } from './reviews';
import { useSyncStore } from './sync';

let db: RollcallDb;
let invoke: ReturnType<typeof vi.fn>;
const at = '2026-11-20T08:30:00.000Z';

beforeEach(async () => {
  setActivePinia(createPinia());
  db = new RollcallDb(`reviews-${crypto.randomUUID()}`);
  await db.classes.add({ id: 'c7b', name: '7B', lateAfterMinutes: 10, defaultCountry: 'GB', createdAt: at, updatedAt: at });
  await db.students.add({ id: 'aarav', classId: 'c7b', rollNo: '1', fullName: 'Aarav Shah', guardianName: '', guardianPhone: '', email: '', studentEmail: '', createdAt: at, updatedAt: at });
  await db.sessions.add({ id: 's1', classId: 'c7b', startsAt: at, takenBy: 't', mode: 'live', facesDetected: 1, photos: 0, device: 'tablet', finalisedAt: at, createdAt: at, updatedAt: at });
  await db.marks.add({ id: 'm1', sessionId: 's1', studentId: 'aarav', status: 'late', source: 'auto', confidence: 0.91, markedAt: at, device: 'tablet', updatedAt: at });
  await db.disputes.bulkAdd([
    { id: 'd1', markId: 'm1', openedBy: 'u', reason: 'I was in by 08:35', requestedStatus: 'present', status: 'open', correctedStatus: null, resolution: null, resolvedBy: null, resolvedAt: null, createdAt: '2026-11-20T12:00:00.000Z', updatedAt: at },
    { id: 'd0', markId: 'm1', openedBy: 'u', reason: 'old', requestedStatus: 'present', status: 'rejected', correctedStatus: null, resolution: 'no', resolvedBy: 't', resolvedAt: at, createdAt: at, updatedAt: at },
    // A mark this device does not hold (another class) is left out.
    { id: 'd9', markId: 'elsewhere', openedBy: 'u', reason: 'x', requestedStatus: null, status: 'open', correctedStatus: null, resolution: null, resolvedBy: null, resolvedAt: null, createdAt: at, updatedAt: at },
  ]);
  await db.excuseRequests.add({ id: 'e1', markId: 'm1', studentId: 'aarav', reason: 'sick', message: 'Dentist', status: 'pending', decidedBy: null, decidedAt: null, decisionNote: null, createdAt: '2026-11-20T09:05:00.000Z', updatedAt: at });

  invoke = vi.fn(async (_name: string, { body }: { body: Record<string, unknown> }) => {
    if (body.action === 'resolve-dispute') return { data: { dispute: { status: body.outcome === 'accept' ? 'resolved' : 'rejected', corrected_status: body.outcome === 'accept' ? 'present' : null, resolution: body.resolution ?? null, resolved_at: '2026-11-22T10:00:00.000Z' } }, error: null };
    return { data: { excuse: { status: body.approve ? 'approved' : 'rejected', decision_note: null, decided_at: '2026-11-22T10:00:00.000Z' } }, error: null };
  });
  const account = useAccountStore();
  account.configure({ db });
  account.config = { url: 'http://x', anonKey: 'k' };
  account.client = { functions: { invoke } } as never;
  account.user = { id: 'tomas', email: '', phone: '', name: 'Tomas', memberships: { school: ['teacher'] }, assurance: 'aal1', hasVerifiedFactor: false, expiresAt: Date.now() + 3_600_000 };
  useSyncStore().syncNow = vi.fn(async () => {});
  useReviewsStore().configure({ db });
});

afterEach(async () => {
  db.close();
  await db.delete();
});

describe('reviews store', () => {
  it('lists open disputes and pending excuses of marks on this device, oldest first, with who and where', async () => {
    const store = useReviewsStore();
    await store.load();
    expect(store.items.map((i) => [i.kind, i.id])).toEqual([
      ['excuse', 'e1'],
      ['dispute', 'd1'],
    ]);
    expect(store.items[0]).toMatchObject({ studentName: 'Aarav Shah', className: '7B', startsAt: at });
    expect(store.count).toBe(2);
  });

  it('accepts with one call, records the answer here and syncs', async () => {
    const store = useReviewsStore();
    await store.load();
    await store.acceptDispute('d1');
    expect(invoke).toHaveBeenCalledWith('reviews', { body: { action: 'resolve-dispute', disputeId: 'd1', outcome: 'accept' } });
    expect(await db.disputes.get('d1')).toMatchObject({ status: 'resolved', correctedStatus: 'present' });
    expect(useSyncStore().syncNow).toHaveBeenCalled();
    expect(store.done).toBe('Accepted: Aarav Shah’s mark is now present.');
    expect(store.items.map((i) => i.id)).toEqual(['e1']);
  });

  it('approves an excuse; a rejection needs a reason', async () => {
    const store = useReviewsStore();
    await store.load();
    await store.decideExcuse('e1', true);
    expect(invoke).toHaveBeenCalledWith('reviews', { body: { action: 'decide-excuse', excuseId: 'e1', approve: true } });
    expect((await db.excuseRequests.get('e1'))?.status).toBe('approved');
    await store.rejectDispute('d1', '  ');
    expect(store.error).toMatch(/Say why/);
    expect(invoke).toHaveBeenCalledTimes(1);
  });

  it("says what a refusal means and keeps the item", async () => {
    invoke.mockResolvedValueOnce({ data: null, error: { message: 'x', context: { status: 409, json: async () => ({ message: 'already closed' }) } } });
    const store = useReviewsStore();
    await store.load();
    await store.acceptDispute('d1');
    expect(store.error).toMatch(/already decided/);
    expect((await db.disputes.get('d1'))?.status).toBe('open');
    invoke.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    await store.decideExcuse('e1', true);
    expect(store.error).toMatch(/needs a connection/);
  });
});
