import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { RollcallDb } from '@/db/db';
import type { MarkRow } from '@/db/sessions';
import { useAccountStore } from './account';
import { useMyRecordStore } from './myRecord';
import { useSyncStore } from './sync';

let db: RollcallDb;
const at = '2026-11-20T08:30:00.000Z';

async function seed() {
  await db.schools.add({ id: 'school', name: 'Demo', keepFaceCrops: true, syncFaceTemplates: false, retentionDays: 365, autoMarkConfidence: 0.8, presentSmsConfidence: 0.8, lateAfterMinutes: 10, updatedAt: at });
  await db.classes.add({ id: 'c7b', name: '7B', lateAfterMinutes: 10, defaultCountry: 'GB', createdAt: at, updatedAt: at });
  await db.students.add({ id: 'aarav', classId: 'c7b', rollNo: '1', fullName: 'Aarav Shah', guardianName: '', guardianPhone: '', email: '', studentEmail: '', createdAt: at, updatedAt: at });
  const sessions = ['2026-11-16', '2026-11-17', '2026-11-20'];
  for (const [i, d] of sessions.entries()) {
    await db.sessions.add({ id: `s${i}`, classId: 'c7b', startsAt: `${d}T08:30:00.000Z`, takenBy: 't', mode: 'live', facesDetected: 1, photos: 0, device: 'tablet', finalisedAt: at, createdAt: at, updatedAt: at });
  }
  const mark = (i: number, status: MarkRow['status']): MarkRow => ({ id: `m${i}`, sessionId: `s${i}`, studentId: 'aarav', status, source: 'auto', confidence: 0.91, markedAt: at, device: 'tablet', updatedAt: at });
  await db.marks.bulkAdd([mark(0, 'present'), mark(1, 'absent'), mark(2, 'late')]);
  await db.disputes.add({ id: 'd-old', markId: 'm1', openedBy: 'aarav-user', reason: 'I was there', requestedStatus: 'present', status: 'rejected', correctedStatus: null, resolution: 'You were not', resolvedBy: 't', resolvedAt: at, createdAt: at, updatedAt: at });
}

beforeEach(async () => {
  setActivePinia(createPinia());
  db = new RollcallDb(`my-record-${crypto.randomUUID()}`);
  await seed();
  const account = useAccountStore();
  account.configure({ db });
  account.user = { id: 'u', email: '', phone: '', name: 'Aarav', memberships: { school: ['student'] }, assurance: 'aal1', hasVerifiedFactor: false, expiresAt: Date.now() + 3_600_000 };
  useSyncStore().syncNow = vi.fn(async () => {});
  useMyRecordStore().configure({ db });
});

afterEach(async () => {
  db.close();
  await db.delete();
});

describe('myRecord store', () => {
  it("reads the student's record with its summary, calendar, disputes and the school's crop setting", async () => {
    const store = useMyRecordStore();
    await store.load();
    expect(store.records).toHaveLength(1);
    const r = store.records[0]!;
    expect(r).toMatchObject({ fullName: 'Aarav Shah', className: '7B', late: 1, absent: 1, counted: 3, openDisputes: 0 });
    expect(r.rate).toBeCloseTo(2 / 3);
    expect(r.days.map((d) => d.sessionId)).toEqual(['s2', 's1', 's0']);
    expect(r.calendar[0]!.month).toBe('2026-11');
    expect(store.dayOf('aarav', 's1')?.disputes[0]?.resolution).toBe('You were not');
    expect(store.keepFaceCrops).toBe(true);
  });

  it('opens a dispute with its outbox change in one go, then asks for a sync', async () => {
    const store = useMyRecordStore();
    await store.load();
    expect(await store.openDispute('aarav', 's2', { reason: 'Came in at 08:31', requestedStatus: 'present' })).toBe(true);
    const [dispute] = await db.disputes.where('markId').equals('m2').toArray();
    expect(dispute).toMatchObject({ status: 'open', reason: 'Came in at 08:31', requestedStatus: 'present', openedBy: null });
    const outbox = await db.outbox.toArray();
    expect(outbox).toEqual([expect.objectContaining({ table: 'disputes', op: 'upsert', rowId: dispute!.id, row: { id: dispute!.id, mark_id: 'm2', reason: 'Came in at 08:31', requested_status: 'present' } })]);
    expect(useSyncStore().syncNow).toHaveBeenCalled();
    expect(store.records[0]!.openDisputes).toBe(1);

    // A second one on the same mark waits for the teacher's answer.
    expect(await store.openDispute('aarav', 's2', { reason: 'Again', requestedStatus: 'present' })).toBe(false);
    expect(store.error).toMatch(/already with the teacher/);
    expect(await db.outbox.count()).toBe(1);
  });

  it('refuses a dispute without a reason, and writes nothing', async () => {
    const store = useMyRecordStore();
    await store.load();
    expect(await store.openDispute('aarav', 's0', { reason: ' ', requestedStatus: 'late' })).toBe(false);
    expect(store.error).toBe('Say what is wrong, in a few words.');
    expect(await db.disputes.count()).toBe(1);
  });
});
