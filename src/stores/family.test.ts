import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { RollcallDb } from '@/db/db';
import { useAccountStore } from './account';
import { PRIVACY_NOTICE_VERSION, useFamilyStore } from './family';
import { useSyncStore } from './sync';

let db: RollcallDb;
let invoke: ReturnType<typeof vi.fn>;
const pref = { guardianId: 'g1', studentId: 'aarav', studentName: 'Aarav Shah', notifyOn: 'absence', quietHoursStart: '21:00', quietHoursEnd: '07:00', updatedAt: null };
let inForce = true;

beforeEach(() => {
  setActivePinia(createPinia());
  db = new RollcallDb(`family-${crypto.randomUUID()}`);
  inForce = true;
  invoke = vi.fn(async (name: string, { body }: { body: Record<string, unknown> }) => {
    if (body.action === 'preferences') return { data: { preferences: [pref] }, error: null };
    if (body.action === 'set-preference') {
      const { action: _a, studentId, ...rest } = body;
      return { data: { preference: { ...pref, studentId, ...rest, updatedAt: 'now' } }, error: null };
    }
    if (body.action === 'consent-status') return { data: { studentId: body.studentId, inForce, biometricsErasedAt: null, consents: [] }, error: null };
    if (body.action === 'withdraw-consent') {
      inForce = false;
      return { data: { studentId: body.studentId, withdrawn: ['c1'], faceDataErased: true }, error: null };
    }
    if (body.action === 'give-consent') {
      inForce = true;
      return { data: { consent: {} }, error: null };
    }
    throw new Error(`unexpected ${name}`);
  });
  const account = useAccountStore();
  account.configure({ db });
  account.config = { url: 'http://x', anonKey: 'k' };
  account.client = { functions: { invoke } } as never;
  account.user = { id: 'pat', email: '', phone: '+447700900101', name: 'Pat', memberships: { school: ['parent'] }, assurance: 'aal1', hasVerifiedFactor: false, expiresAt: Date.now() + 3_600_000 };
  useSyncStore().syncNow = vi.fn(async () => {});
  useFamilyStore().configure({ db });
});

afterEach(async () => {
  db.close();
  await db.delete();
});

describe('family store', () => {
  it('reads preferences and consent, and keeps them for offline', async () => {
    const store = useFamilyStore();
    await store.load(['aarav']);
    expect(store.preferences).toEqual([pref]);
    expect(store.consent.aarav?.inForce).toBe(true);
    expect(store.fetchedAt).not.toBeNull();

    // Offline: a fresh store shows what was read last.
    setActivePinia(createPinia());
    const account = useAccountStore();
    account.configure({ db });
    const offline = useFamilyStore();
    offline.configure({ db });
    await offline.load(['aarav']);
    expect(offline.preferences).toEqual([pref]);
    expect(offline.consent.aarav?.inForce).toBe(true);
  });

  it('checks a preference before sending it, then sends it for that guardian row', async () => {
    const store = useFamilyStore();
    await store.load(['aarav']);
    expect(await store.setPreference('aarav', { notifyOn: 'every-mark', quietHoursStart: '22:00', quietHoursEnd: null }, 'g1')).toBe(false);
    expect(store.error).toMatch(/both the start and the end/);
    expect(await store.setPreference('aarav', { notifyOn: 'every-mark', quietHoursStart: '22:00', quietHoursEnd: '06:30' }, 'g1')).toBe(true);
    expect(invoke).toHaveBeenCalledWith('notify', { body: { action: 'set-preference', studentId: 'aarav', guardianId: 'g1', notifyOn: 'every-mark', quietHoursStart: '22:00', quietHoursEnd: '06:30' } });
    expect(store.preferences[0]).toMatchObject({ notifyOn: 'every-mark', quietHoursStart: '22:00', quietHoursEnd: '06:30', studentName: 'Aarav Shah' });
  });

  it('withdraws and gives consent in the app, reading the status back each time', async () => {
    const store = useFamilyStore();
    await store.load(['aarav']);
    expect(await store.withdrawConsent('aarav')).toBe(true);
    expect(store.consent.aarav?.inForce).toBe(false);
    expect(store.done).toMatch(/erased/);
    expect(await store.giveConsent('aarav')).toBe(true);
    expect(invoke).toHaveBeenCalledWith('privacy', { body: expect.objectContaining({ action: 'give-consent', studentId: 'aarav', method: 'app', noticeVersion: PRIVACY_NOTICE_VERSION }) });
    expect(store.consent.aarav?.inForce).toBe(true);
  });
});
