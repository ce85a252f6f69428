/**
 * Sign-in when the project has captcha on ([auth.captcha]): the local stack
 * with LOCAL_CAPTCHA_SECRET set refuses a password sign-in or a code request
 * that carries no token, as Supabase Auth does, and lets one with a fresh
 * token through. The token goes as supabase-js's `options.captchaToken`.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { RollcallDb } from '@/db/db';
import { NoRealtime } from '@/api/noRealtime';
import { DEMO_PASSWORD, USERS } from '../../supabase/local/seed-ids';
import { startStack, type Stack } from '../../scripts/backend/stack';
import { useAccountStore } from './account';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ onLog: () => {}, functionsEnv: { LOCAL_CAPTCHA_SECRET: 'local-captcha-secret' } });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});
beforeEach(() => {
  setActivePinia(createPinia());
});

async function signedOut() {
  const account = useAccountStore();
  account.configure({ db: new RollcallDb(`account-captcha-${crypto.randomUUID()}`), realtimeTransport: NoRealtime });
  await account.load();
  await account.saveBackend(stack.url, stack.anonKey);
  return account;
}

describe('account store, with captcha on', () => {
  it('sends no token unless given one, and the server refuses the sign-in without it', async () => {
    const account = await signedOut();
    await expect(account.signInWithPassword(USERS.tomas.email, DEMO_PASSWORD)).rejects.toThrow('no captcha_token found');
    expect(account.state).toBe('signed-out');
  });

  it('signs in with a fresh token; the same token a second time is refused (tokens are single-use)', async () => {
    const account = await signedOut();
    await account.signInWithPassword(USERS.tomas.email, DEMO_PASSWORD, 'token-password-1');
    expect(account.state).toBe('signed-in');
    await account.signOut();
    await expect(account.signInWithPassword(USERS.tomas.email, DEMO_PASSWORD, 'token-password-1')).rejects.toThrow('timeout-or-duplicate');
  });

  it('asks for a code by SMS only with a token', async () => {
    const account = await signedOut();
    const before = stack.twilio.messages.length;
    await expect(account.sendCode({ phone: '+447700900101' })).rejects.toThrow('no captcha_token found');
    expect(stack.twilio.messages.length).toBe(before);
    await account.sendCode({ phone: '+447700900101' }, 'token-sms-1');
    expect(stack.twilio.messages.length).toBe(before + 1);
    const code = /(\d{6})/.exec(stack.twilio.messages.at(-1)!.body)![1]!;
    // Checking the code needs no token: Supabase Auth checks captcha when the code is asked for.
    await account.verifyCode({ phone: '+447700900101' }, code);
    expect(account.roles).toEqual(['parent']);
  });
});
