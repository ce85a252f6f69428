/**
 * What a signed-in parent sets for each child: when the school texts them
 * (absence only, every mark, or never; quiet hours) through `notify`, and
 * consent to the use of the child's face, through `privacy`. Both live on
 * the school's server, so changing them needs a connection; the last
 * answers are kept on this phone to show offline.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { getDb, type RollcallDb } from '@/db/db';
import { getSetting, setSetting } from '@/db/settings';
import { useAccountStore } from './account';
import type { FunctionsClient } from '@/api/callFunction';
import { invokeFunction } from './invokeFunction';
import { preferenceProblems, type NotifyOn, type PreferenceInput } from '@/analytics/studentRecord';
import { useSyncStore } from './sync';

/** The privacy notice parents agree to in the app. */
export const PRIVACY_NOTICE_VERSION = '2026-09';

export interface Preference {
  guardianId: string;
  studentId: string;
  studentName: string;
  notifyOn: NotifyOn;
  quietHoursStart: string | null;
  quietHoursEnd: string | null;
  updatedAt: string | null;
}

export interface ServerConsent {
  id: string;
  method: string;
  notice_version: string;
  given_at: string;
  withdrawn_at: string | null;
}

export interface ConsentState {
  studentId: string;
  inForce: boolean;
  biometricsErasedAt: string | null;
  consents: ServerConsent[];
}

/** Reactive proxies cannot be stored in IndexedDB: save plain copies. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const PREFERENCES_KEY = 'family.preferences';
const CONSENT_KEY = 'family.consent';

export const useFamilyStore = defineStore('family', () => {
  const dbRef = shallowRef<RollcallDb | null>(null);
  const db = () => dbRef.value ?? getDb();
  const account = useAccountStore();
  const preferences = ref<Preference[]>([]);
  const consent = ref<Record<string, ConsentState>>({});
  /** When the preferences and consents shown were read from the server; null = never. */
  const fetchedAt = ref<string | null>(null);
  const busy = ref<string | null>(null);
  const error = ref<string | null>(null);
  const done = ref<string | null>(null);

  function configure(options: { db: RollcallDb }) {
    dbRef.value = options.db;
  }

  const client = () => (account.state === 'signed-in' ? (account.client as unknown as FunctionsClient) : null);

  /** The last answers first (offline), then the server's when it can be reached. */
  async function load(studentIds: readonly string[]) {
    const saved = await getSetting<{ at: string; preferences: Preference[] } | null>(db(), PREFERENCES_KEY, null);
    if (saved) {
      preferences.value = saved.preferences;
      fetchedAt.value = saved.at;
    }
    consent.value = await getSetting<Record<string, ConsentState>>(db(), CONSENT_KEY, {});
    try {
      const answer = await invokeFunction<{ preferences: Preference[] }>(client(), 'notify', { action: 'preferences' });
      preferences.value = answer.preferences;
      for (const id of studentIds) await fetchConsent(id);
      fetchedAt.value = new Date().toISOString();
      await setSetting(db(), PREFERENCES_KEY, plain({ at: fetchedAt.value, preferences: preferences.value }));
      error.value = null;
    } catch {
      // Offline, or the server is away: what was saved is shown, and says when it is from.
    }
  }

  async function fetchConsent(studentId: string) {
    const state = await invokeFunction<ConsentState>(client(), 'privacy', { action: 'consent-status', studentId });
    consent.value = { ...consent.value, [studentId]: state };
    await setSetting(db(), CONSENT_KEY, plain(consent.value));
  }

  async function act(message: string, work: () => Promise<string>): Promise<boolean> {
    busy.value = message;
    error.value = null;
    done.value = null;
    try {
      done.value = await work();
      return true;
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err);
      return false;
    } finally {
      busy.value = null;
    }
  }

  function setPreference(studentId: string, input: PreferenceInput, guardianId?: string) {
    const problems = preferenceProblems(input);
    if (problems.length) {
      error.value = problems.join(' ');
      done.value = null;
      return Promise.resolve(false);
    }
    return act('Saving…', async () => {
      const { preference } = await invokeFunction<{ preference: Omit<Preference, 'studentName'> }>(client(), 'notify', {
        action: 'set-preference',
        studentId,
        ...(guardianId ? { guardianId } : {}),
        notifyOn: input.notifyOn,
        quietHoursStart: input.quietHoursStart || null,
        quietHoursEnd: input.quietHoursEnd || null,
      });
      preferences.value = preferences.value.map((p) => (p.studentId === studentId && p.guardianId === preference.guardianId ? { ...p, ...preference } : p));
      await setSetting(db(), PREFERENCES_KEY, plain({ at: new Date().toISOString(), preferences: preferences.value }));
      return 'Saved. The school will text you this way from now on.';
    });
  }

  function giveConsent(studentId: string) {
    return act('Recording your consent…', async () => {
      await invokeFunction(client(), 'privacy', { action: 'give-consent', id: crypto.randomUUID(), studentId, method: 'app', noticeVersion: PRIVACY_NOTICE_VERSION });
      await fetchConsent(studentId);
      void useSyncStore().syncNow();
      return 'Consent recorded. The school may now use face recognition for attendance.';
    });
  }

  function withdrawConsent(studentId: string) {
    return act('Withdrawing consent…', async () => {
      const answer = await invokeFunction<{ faceDataErased: boolean }>(client(), 'privacy', { action: 'withdraw-consent', studentId });
      await fetchConsent(studentId);
      void useSyncStore().syncNow();
      return answer.faceDataErased
        ? 'Consent withdrawn. The school’s face data for your child has been erased; the teacher will take attendance by hand.'
        : 'Consent withdrawn. The teacher will take attendance by hand.';
    });
  }

  return { preferences, consent, fetchedAt, busy, error, done, configure, load, setPreference, giveConsent, withdrawConsent };
});
