/**
 * Sign-in through the account store against the local stack (its stand-in
 * for Supabase Auth), with access tokens that live 90 s: inside the warning
 * window from the start, so the quiet renewal can be watched.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { RollcallDb } from '@/db/db';
import { SESSION_KEY } from '@/api/backendConfig';
import { DEMO_PASSWORD, SCHOOLS, USERS } from '../../supabase/local/seed-ids';
import { startStack, type Stack } from '../../scripts/backend/stack';
import { BACKEND_SETTING, useAccountStore } from './account';
import { NoRealtime } from '@/api/noRealtime';

let stack: Stack;
let db: RollcallDb;

beforeAll(async () => {
  stack = await startStack({ onLog: () => {}, functionsEnv: { LOCAL_AUTH_JWT_EXPIRY: '90' } });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});
beforeEach(() => {
  setActivePinia(createPinia());
  db = new RollcallDb(`account-${crypto.randomUUID()}`);
});

function store() {
  const account = useAccountStore();
  account.configure({ db, realtimeTransport: NoRealtime });
  return account;
}

describe('account store', () => {
  it('runs on the device alone until an admin enters the server, and refuses a bad address', async () => {
    const account = store();
    await account.load();
    expect(account.state).toBe('local-only');
    await expect(account.saveBackend('http://school.example', 'key')).rejects.toThrow('https');
    await account.saveBackend(stack.url, stack.anonKey);
    expect(account.state).toBe('signed-out');
    expect((await db.settings.get(BACKEND_SETTING))?.value).toEqual({ url: stack.url, anonKey: stack.anonKey });
  });

  it('signs in with a password, keeps the session in the device settings, warns before expiry and renews quietly', async () => {
    const account = store();
    await account.load();
    await account.saveBackend(stack.url, stack.anonKey);
    await expect(account.signInWithPassword(USERS.tomas.email, 'nope')).rejects.toThrow('do not match');
    await account.signInWithPassword(` ${USERS.tomas.email} `, DEMO_PASSWORD);
    expect(account.state).toBe('signed-in');
    expect(account.user).toMatchObject({ id: USERS.tomas.id, name: 'Tomas Silva', memberships: { [SCHOOLS.demo]: ['teacher'] } });
    expect(account.roles).toEqual(['teacher']);
    expect(account.schoolId).toBe(SCHOOLS.demo);
    expect(typeof (await db.settings.get(SESSION_KEY))?.value).toBe('string');

    // A 90 s token is inside the 5-minute warning from the start.
    const first = account.user!.expiresAt;
    await account.tick();
    expect(account.expiresSoon).toBe(true);
    await new Promise((r) => setTimeout(r, 1100)); // a new token needs a later second
    await account.tick();
    expect(account.user!.expiresAt).toBeGreaterThan(first);

    // A reload (a fresh store on the same database) is still signed in.
    setActivePinia(createPinia());
    const again = store();
    await again.load();
    expect(again.state).toBe('signed-in');

    await again.signOut();
    expect(again.state).toBe('signed-out');
    expect(await db.settings.get(SESSION_KEY)).toBeUndefined();
    // Signing out keeps the server setting: the next person signs in on the same phone.
    expect(await db.settings.get(BACKEND_SETTING)).toBeDefined();
  });

  it('signs a parent in with a code by SMS, and says so when the number has no account', async () => {
    const account = store();
    await account.load();
    await account.saveBackend(stack.url, stack.anonKey);
    await expect(account.sendCode({ phone: '+447700900999' })).rejects.toThrow('Ask the school to invite you');
    await account.sendCode({ phone: '+447700900101' });
    const code = /(\d{6})/.exec(stack.twilio.messages.at(-1)!.body)![1]!;
    await expect(account.verifyCode({ phone: '+447700900101' }, '000000')).rejects.toThrow('wrong or has expired');
    await account.verifyCode({ phone: '+447700900101' }, code);
    expect(account.roles).toEqual(['parent']);
  });
});
