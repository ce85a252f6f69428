/**
 * An admin's second factor through the store, against the local stack's
 * stand-in for Supabase Auth and the real policies: a password alone gives
 * an aal1 session that admin powers refuse; the authenticator app's code
 * makes it aal2, a refresh keeps it, and a code is good only once.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { TOTP } from 'otpauth';
import { RollcallDb } from '@/db/db';
import { NoRealtime } from '@/api/noRealtime';
import { DEMO_ADMIN_TOTP, DEMO_PASSWORD, SCHOOLS, USERS } from '../../supabase/local/seed-ids';
import { startStack, type Stack } from '../../scripts/backend/stack';
import { useAccountStore } from './account';
import { useSecondFactorStore } from './secondFactor';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ onLog: () => {} });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});
beforeEach(() => {
  setActivePinia(createPinia());
});

const codeFor = (secret: string) => new TOTP({ secret }).generate();

async function signedIn(email: string) {
  const account = useAccountStore();
  account.configure({ db: new RollcallDb(`second-factor-${crypto.randomUUID()}`), realtimeTransport: NoRealtime });
  await account.load();
  await account.saveBackend(stack.url, stack.anonKey);
  await account.signInWithPassword(email, DEMO_PASSWORD);
  return { account, second: useSecondFactorStore() };
}

/** The school's people, as the School page reads them (the roles function, as the caller, under RLS): an admin power. */
async function peopleSeen(account: ReturnType<typeof useAccountStore>, school: string) {
  const { data, error } = await account.client!.functions.invoke<{ members: unknown[] }>('roles', { body: { action: 'list', schoolId: school } });
  return error ? 0 : data!.members.length;
}

describe('second factor store', () => {
  it('asks the demo admin for their code, refuses a wrong or reused one, and gives admin powers only at aal2', async () => {
    const { account, second } = await signedIn(USERS.asha.email);
    expect(account.user).toMatchObject({ assurance: 'aal1', hasVerifiedFactor: true });
    expect(second.step).toBe('code');
    expect(await peopleSeen(account, SCHOOLS.demo)).toBe(0);

    await expect(second.verify('12345')).rejects.toThrow('6-digit code');
    const wrong = String((Number(codeFor(DEMO_ADMIN_TOTP.secret)) + 500_000) % 1_000_000).padStart(6, '0');
    await expect(second.verify(wrong)).rejects.toThrow('That code is not right');
    expect(second.step).toBe('code');

    const code = codeFor(DEMO_ADMIN_TOTP.secret);
    await second.verify(`${code.slice(0, 3)} ${code.slice(3)}`);
    expect(account.user?.assurance).toBe('aal2');
    expect(second.step).toBe('none');
    expect(await peopleSeen(account, SCHOOLS.demo)).toBeGreaterThan(1);

    // The session stays aal2 when its token is renewed.
    const { data: refreshed } = await account.client!.auth.refreshSession();
    expect(JSON.parse(atob(refreshed.session!.access_token.split('.')[1]!)).aal).toBe('aal2');

    // The same code does not open a second session.
    await account.signOut();
    await account.signInWithPassword(USERS.asha.email, DEMO_PASSWORD);
    expect(account.user?.assurance).toBe('aal1');
    await expect(second.verify(code)).rejects.toThrow('That code is not right');
  });

  it('has an admin with no authenticator app set one up, and a teacher is asked nothing', async () => {
    const { account, second } = await signedIn(USERS.xavier.email);
    expect(second.step).toBe('setup');
    const setup = await second.startSetup();
    expect(setup.qrCode).toMatch(/^data:image\/svg\+xml/);
    expect(setup.secret).toMatch(/^[A-Z2-7]{32}$/);
    await expect(second.finishSetup('000000')).rejects.toThrow('That code is not right');
    // Starting again replaces the unfinished setup: one factor, with a new key.
    const again = await second.startSetup();
    expect(again.secret).not.toBe(setup.secret);
    await second.finishSetup(codeFor(again.secret));
    expect(account.user).toMatchObject({ assurance: 'aal2', hasVerifiedFactor: true });
    expect(second.step).toBe('none');
    const { data } = await account.client!.auth.mfa.listFactors();
    expect(data!.all.map((f) => f.status)).toEqual(['verified']);

    setActivePinia(createPinia());
    const teacher = await signedIn(USERS.tomas.email);
    expect(teacher.second.step).toBe('none');
  });
});
