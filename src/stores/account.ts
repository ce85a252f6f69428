/**
 * Who is signed in to the school's backend, if there is one. With no backend
 * configured the app works on this device alone and nothing here loads
 * supabase-js. Signing out never touches the attendance kept on the device.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { Session } from '@supabase/supabase-js';
import { backendConfig, type BackendConfig } from '@/api/backendConfig';
import type { RollcallClient, SessionStorage } from '@/api/supabase';
import { getDb, type RollcallDb } from '@/db/db';
import { getSetting, setSetting } from '@/db/settings';
import type { Assurance } from '@/school/secondFactor';

export const BACKEND_SETTING = 'backend';
/** Warn this long before the sign-in ends, in case it can't be renewed (offline). */
export const EXPIRY_WARNING_MS = 5 * 60_000;

export type Role = 'admin' | 'teacher' | 'student' | 'parent';

export interface SignedInUser {
  id: string;
  email: string;
  phone: string;
  name: string;
  /** School id → roles, from the access token's `app_memberships` claim. */
  memberships: Record<string, Role[]>;
  /** The session's assurance level: aal2 once a second factor was given in it (admins need it). */
  assurance: Assurance;
  /** Whether the person has a verified second factor (an authenticator app) to give. */
  hasVerifiedFactor: boolean;
  expiresAt: number;
}

function claimsOf(token: string): Record<string, unknown> {
  try {
    const part = token.split('.')[1] ?? '';
    return JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
  } catch {
    return {};
  }
}

export function userOf(session: Session): SignedInUser {
  const claims = claimsOf(session.access_token);
  const meta = session.user.user_metadata ?? {};
  return {
    id: session.user.id,
    email: session.user.email ?? '',
    phone: session.user.phone ?? '',
    name: typeof meta.full_name === 'string' ? meta.full_name : (session.user.email ?? session.user.phone ?? ''),
    memberships: (claims.app_memberships as Record<string, Role[]> | undefined) ?? {},
    assurance: claims.aal === 'aal2' ? 'aal2' : 'aal1',
    hasVerifiedFactor: (session.user.factors ?? []).some((f) => f.status === 'verified'),
    expiresAt: (session.expires_at ?? 0) * 1000,
  };
}

/** The session lives in the device's settings table, where the service worker can read it for background sync. */
function settingsStorage(db: () => RollcallDb): SessionStorage {
  return {
    getItem: async (key) => {
      const value = await getSetting<string | null>(db(), key, null);
      return typeof value === 'string' ? value : null;
    },
    setItem: (key, value) => setSetting(db(), key, value),
    removeItem: async (key) => {
      await db().settings.delete(key);
    },
  };
}

export const useAccountStore = defineStore('account', () => {
  const dbRef = shallowRef<RollcallDb | null>(null);
  const db = () => dbRef.value ?? getDb();
  const config = ref<BackendConfig | null>(null);
  /** 'build': set when the app was built; 'device': entered in Settings on this device. */
  const configSource = ref<'build' | 'device' | null>(null);
  const client = shallowRef<RollcallClient | null>(null);
  const user = ref<SignedInUser | null>(null);
  /** Set when the server refused the token, or a refresh failed for good: sign in again (nothing is lost). */
  const sessionEnded = ref(false);
  const loaded = ref(false);
  const now = ref(Date.now());
  let unsubscribe: (() => void) | null = null;
  let ticker: ReturnType<typeof setInterval> | null = null;

  const state = computed(() => (!config.value ? 'local-only' : user.value ? 'signed-in' : 'signed-out'));
  const roles = computed(() => [...new Set(Object.values(user.value?.memberships ?? {}).flat())]);
  const schoolId = computed(() => Object.keys(user.value?.memberships ?? {})[0] ?? null);
  const expiresSoon = computed(() => !!user.value && user.value.expiresAt - now.value < EXPIRY_WARNING_MS);

  let realtimeTransport: unknown;
  /** Tests pass their own database, and a realtime transport where the runtime has no WebSocket (Node 20). */
  function configure(options: { db: RollcallDb; realtimeTransport?: unknown }) {
    dbRef.value = options.db;
    realtimeTransport = options.realtimeTransport;
  }

  async function connect(next: BackendConfig | null) {
    unsubscribe?.();
    unsubscribe = null;
    client.value = null;
    user.value = null;
    config.value = next;
    if (!next) return;
    const { createRollcallClient } = await import('@/api/supabase');
    const c = createRollcallClient(next, { sessionStorage: settingsStorage(db), realtimeTransport });
    client.value = c;
    const { data } = c.auth.onAuthStateChange((event, session) => {
      user.value = session ? userOf(session) : null;
      if (session) sessionEnded.value = false;
      else if (event === 'SIGNED_OUT' && !signingOut) sessionEnded.value = true;
    });
    unsubscribe = () => data.subscription.unsubscribe();
    const { data: current } = await c.auth.getSession();
    user.value = current.session ? userOf(current.session) : null;
  }

  async function load() {
    if (loaded.value) return;
    const fromBuild = backendConfig(import.meta.env as Record<string, string | undefined>);
    const saved = fromBuild ? null : await getSetting<BackendConfig | null>(db(), BACKEND_SETTING, null);
    configSource.value = fromBuild ? 'build' : saved ? 'device' : null;
    await connect(fromBuild ?? saved);
    loaded.value = true;
    ticker ??= setInterval(tick, 30_000);
  }

  /** Keeps the expiry warning current and renews a sign-in about to end, quietly. */
  async function tick() {
    now.value = Date.now();
    if (!client.value || !user.value || !expiresSoon.value) return;
    if (globalThis.navigator?.onLine === false) return;
    await client.value.auth.refreshSession().catch(() => undefined);
  }

  /** An admin points this device at the school's project (checked like the build-time settings). */
  async function saveBackend(url: string, anonKey: string) {
    const checked = backendConfig({ VITE_SUPABASE_URL: url, VITE_SUPABASE_ANON_KEY: anonKey });
    if (!checked) throw new Error('Enter the project URL and its anon key.');
    await setSetting(db(), BACKEND_SETTING, checked);
    configSource.value = 'device';
    await connect(checked);
  }

  async function forgetBackend() {
    if (configSource.value !== 'device') return;
    await signOut();
    await db().settings.delete(BACKEND_SETTING);
    configSource.value = null;
    await connect(null);
  }

  function need(): RollcallClient {
    if (!client.value) throw new Error('No school backend is set up on this device.');
    return client.value;
  }

  /** `captchaToken`: the check's answer, when the project has captcha on (single-use: ask the check again after each try). */
  async function signInWithPassword(email: string, password: string, captchaToken?: string) {
    const { data, error } = await need().auth.signInWithPassword({ email: email.trim(), password, options: { captchaToken } });
    if (error) throw new Error(error.message === 'Invalid login credentials' ? 'That e-mail and password do not match an account.' : error.message);
    user.value = userOf(data.session);
  }

  /** A one-time code by SMS (parents, students) or a sign-in link and code by e-mail. */
  async function sendCode(to: { phone: string } | { email: string }, captchaToken?: string) {
    const { error } = await need().auth.signInWithOtp({
      ...to,
      options: { shouldCreateUser: false, captchaToken, ...('email' in to ? { emailRedirectTo: globalThis.location?.origin } : {}) },
    });
    if (error) throw new Error(error.message === 'Signups not allowed for otp' ? 'No account uses that. Ask the school to invite you.' : error.message);
  }

  async function verifyCode(to: { phone: string } | { email: string }, code: string) {
    const params = 'phone' in to ? { phone: to.phone, token: code.trim(), type: 'sms' as const } : { email: to.email, token: code.trim(), type: 'email' as const };
    const { data, error } = await need().auth.verifyOtp(params);
    if (error || !data.session) throw new Error('That code is wrong or has expired. Ask for a new one.');
    user.value = userOf(data.session);
  }

  let signingOut = false;
  async function signOut() {
    if (!client.value) return;
    signingOut = true;
    try {
      // 'local': signing out on this phone should not sign the teacher out of their other devices.
      await client.value.auth.signOut({ scope: 'local' });
    } finally {
      signingOut = false;
      user.value = null;
      sessionEnded.value = false;
    }
  }

  /** The server said the token is no longer good (401): ask for a sign-in, keep everything. */
  function reportExpired() {
    sessionEnded.value = true;
  }

  return {
    config,
    configSource,
    client,
    user,
    state,
    roles,
    schoolId,
    expiresSoon,
    sessionEnded,
    loaded,
    configure,
    load,
    tick,
    saveBackend,
    forgetBackend,
    signInWithPassword,
    sendCode,
    verifyCode,
    signOut,
    reportExpired,
  };
});
