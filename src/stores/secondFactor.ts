/**
 * An admin's second factor (TOTP, through supabase-js `auth.mfa`): the code
 * from their authenticator app turns the session into an aal2 one, which the
 * database asks of every admin power; an admin without one sets it up first.
 * The session change reaches the account store through supabase-js's auth
 * events, so `account.user.assurance` is the one answer to "is this aal2".
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { secondStep } from '@/school/secondFactor';
import { useAccountStore } from './account';

export interface FactorSetup {
  factorId: string;
  /** GoTrue's QR code, as an SVG data URL. */
  qrCode: string;
  /** The setup key, for typing into an app that can't scan. */
  secret: string;
}

const WRONG_CODE = 'That code is not right. Type the 6 digits your authenticator app shows now (check that the phone’s clock is set automatically).';

function plain(error: { message: string; code?: string } | null, fallback: string): Error {
  if (!error) return new Error(fallback);
  if (error.code === 'mfa_verification_failed' || /invalid totp/i.test(error.message)) return new Error(WRONG_CODE);
  if (error.code === 'mfa_challenge_expired') return new Error('That took too long. Type the code again.');
  return new Error(error.message || fallback);
}

export const useSecondFactorStore = defineStore('secondFactor', () => {
  const account = useAccountStore();
  const setup = ref<FactorSetup | null>(null);

  const step = computed(() => {
    const user = account.user;
    return user ? secondStep(account.roles, user.assurance, user.hasVerifiedFactor) : 'none';
  });

  function mfa() {
    if (!account.client) throw new Error('No school backend is set up on this device.');
    return account.client.auth.mfa;
  }

  async function challengeAndVerify(factorId: string, code: string) {
    const digits = code.replace(/\s/g, '');
    if (!/^\d{6}$/.test(digits)) throw new Error('Type the 6-digit code from your authenticator app.');
    const { error } = await mfa().challengeAndVerify({ factorId, code: digits });
    if (error) throw plain(error, WRONG_CODE);
  }

  /** The code from an enrolled authenticator app. */
  async function verify(code: string) {
    const { data, error } = await mfa().listFactors();
    const factor = data?.totp[0];
    if (error || !factor) throw plain(error, 'No authenticator app is set up for this account.');
    await challengeAndVerify(factor.id, code);
  }

  /** Starts setting up an authenticator app: a QR code and a setup key to show. */
  async function startSetup() {
    const { data: listed } = await mfa().listFactors();
    // An earlier setup that was never finished would only be in the way.
    for (const stale of listed?.all.filter((f) => f.status === 'unverified') ?? []) await mfa().unenroll({ factorId: stale.id });
    const { data, error } = await mfa().enroll({ factorType: 'totp', friendlyName: `Rollcall ${new Date().toISOString().slice(0, 16)}`, issuer: 'Rollcall' });
    if (error || !data) throw plain(error, 'The authenticator app could not be set up. Try again.');
    setup.value = { factorId: data.id, qrCode: data.totp.qr_code, secret: data.totp.secret };
    return setup.value;
  }

  /** The first code from the new app proves it is set up, and makes this session aal2. */
  async function finishSetup(code: string) {
    if (!setup.value) throw new Error('Start setting up the authenticator app first.');
    await challengeAndVerify(setup.value.factorId, code);
    setup.value = null;
  }

  return { step, setup, verify, startSetup, finishSetup };
});
