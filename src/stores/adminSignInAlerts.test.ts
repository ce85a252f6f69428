import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { RollcallDb } from '@/db/db';
import { useAccountStore } from './account';
import type { SignInAlert } from '@contracts/signInAlerts';
import { useAdminStore } from './admin';

let db: RollcallDb;
let answer: (body: Record<string, unknown>) => { data: unknown; error: unknown };
const people = { members: [], invites: [], classes: [], guardians: [] };
const warning: SignInAlert = {
  id: 'w1',
  kind: 'account',
  account: { email: 'ana@school.org', fullName: 'Ana Lima' },
  origin: null,
  failures: 7,
  accounts: 1,
  firstAt: '2026-12-08T09:02:00.000Z',
  lastAt: '2026-12-08T09:11:30.000Z',
  notifiedAt: null,
  notReached: false,
};
const refused = { data: null, error: { message: 'no', context: { status: 400, json: async () => ({ message: 'action: unknown' }) } } };

beforeEach(() => {
  setActivePinia(createPinia());
  db = new RollcallDb(`admin-alerts-${crypto.randomUUID()}`);
  answer = () => ({ data: { alerts: [warning] }, error: null });
  const invoke = vi.fn(async (name: string, { body }: { body: Record<string, unknown> }) => {
    if (name === 'roles' && body.action === 'list') return { data: people, error: null };
    if (name === 'roles' && body.action === 'metrics') return { data: { school_id: 'school', from: body.from, to: body.to, school: {}, classes: [] }, error: null };
    if (name === 'notify' && body.action === 'sign-in-alerts' && body.schoolId === 'school') return answer(body);
    return refused;
  });
  const account = useAccountStore();
  account.configure({ db });
  account.config = { url: 'http://x', anonKey: 'k' };
  account.client = { functions: { invoke } } as never;
  account.user = { id: 'asha', email: '', phone: '', name: 'Asha', memberships: { school: ['admin'] }, assurance: 'aal2', hasVerifiedFactor: true, expiresAt: Date.now() + 3_600_000 };
  useAdminStore().configure({ db });
});

afterEach(async () => {
  db.close();
  await db.delete();
});

describe("the admin store's sign-in warnings", () => {
  it("reads the school's warnings with the rest of the page", async () => {
    const store = useAdminStore();
    await store.load();
    expect(store.signInAlerts).toEqual([warning]);
    expect(store.error).toBeNull();
  });

  it('keeps the page working, and the last warnings, when the server cannot answer them', async () => {
    const store = useAdminStore();
    await store.load();
    answer = () => refused;
    await store.refresh();
    expect(store.signInAlerts).toEqual([warning]);
    expect(store.people).toEqual(people);
    expect(store.error).toBeNull();
  });
});
