/**
 * The school admin's screens: people and roles (`roles`: invite, link a
 * parent to a child, give a teacher a class), each class's consent status,
 * roster, model and figures (`roles` metrics, `model-artifacts`), and the
 * school's settings, which are saved on this device with their outbox
 * change and reach the server at the next sync. Server answers are kept on
 * the device, so the screens open offline with the last ones.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { getDb, type RollcallDb } from '@/db/db';
import { listClasses, listStudents, type ClassRow, type StudentRow } from '@/db/classes';
import { listClassConsents } from '@/db/consents';
import { getSchool, saveSchoolSettings, type SchoolRow, type SchoolSettings } from '@/db/schools';
import { getSetting, setSetting } from '@/db/settings';
import { consentStatus, type ConsentState } from '@/privacy/consent';
import { useAccountStore } from './account';
import { inviteAddress, type InviteInput } from '@/school/invites';
import { periodStart, type SchoolMetrics } from '@/school/metrics';
import { schoolSettingsProblems } from '@/school/schoolSettings';
import { describeError } from './errors';
import type { FunctionsClient } from '@/api/callFunction';
import { invokeFunction } from './invokeFunction';
import { useSyncStore } from './sync';
import type { SignInAlert } from '@contracts/signInAlerts';

export interface Member {
  user_id: string;
  full_name: string;
  email: string | null;
  phone: string | null;
  roles: string[];
  class_ids: string[];
  student_ids: string[];
  children: string[];
}

export interface Invite {
  id: string;
  email: string | null;
  phone: string | null;
  role: string;
  class_ids: string[];
  student_ids: string[];
  expires_at: string;
}

export interface People {
  members: Member[];
  invites: Invite[];
  classes: { id: string; name: string; teacher_ids: string[] }[];
  guardians: { id: string; full_name: string; phone: string | null; user_id: string | null; children: string[] }[];
}

export interface ClassModel {
  version: string;
  status: string;
  created_at: string;
  metrics: Record<string, unknown>;
}

export interface ClassPanel {
  klass: ClassRow;
  students: (StudentRow & { consent: ConsentState })[];
  consentCounts: Record<ConsentState, number>;
}

const CACHE = { people: 'admin.people', metrics: 'admin.metrics', models: 'admin.models' } as const;

export const useAdminStore = defineStore('admin', () => {
  const dbRef = shallowRef<RollcallDb | null>(null);
  const db = () => dbRef.value ?? getDb();
  const account = useAccountStore();
  const school = ref<SchoolRow | null>(null);
  const people = ref<People | null>(null);
  const metrics = ref<SchoolMetrics | null>(null);
  const periodDays = ref(30);
  const models = ref<Record<string, ClassModel | null>>({});
  const classes = ref<ClassPanel[]>([]);
  const signInAlerts = ref<SignInAlert[]>([]);
  /** When the server's figures shown were fetched; null = never (offline since sign-in). */
  const fetchedAt = ref<string | null>(null);
  const busy = ref<string | null>(null);
  const error = ref<string | null>(null);
  const done = ref<string | null>(null);
  const loaded = ref(false);

  function configure(options: { db: RollcallDb }) {
    dbRef.value = options.db;
  }

  const schoolId = computed(() => account.schoolId);
  const client = () => (account.state === 'signed-in' && !account.sessionEnded ? (account.client as unknown as FunctionsClient) : null);
  const teachers = computed(() => (people.value?.members ?? []).filter((m) => m.roles.includes('teacher')));
  const nameOfUser = (id: string) => people.value?.members.find((m) => m.user_id === id)?.full_name || 'someone without a name yet';

  /** What the device holds, at once: settings, classes, rosters and consents, and the last server answers. */
  async function loadLocal() {
    const id = schoolId.value;
    school.value = (id ? await getSchool(db(), id) : undefined) ?? null;
    const panels: ClassPanel[] = [];
    for (const klass of await listClasses(db())) {
      const consents = await listClassConsents(db(), klass.id);
      const students = (await listStudents(db(), klass.id)).map((s) => ({ ...s, consent: consentStatus(consents.filter((c) => c.studentId === s.id)).state }));
      const consentCounts = { given: 0, withdrawn: 0, none: 0 };
      for (const s of students) consentCounts[s.consent] += 1;
      panels.push({ klass, students, consentCounts });
    }
    classes.value = panels;
    people.value = await getSetting<People | null>(db(), CACHE.people, people.value);
    const cached = await getSetting<{ at: string; metrics: SchoolMetrics; days: number } | null>(db(), CACHE.metrics, null);
    if (cached && !metrics.value) {
      metrics.value = cached.metrics;
      periodDays.value = cached.days;
      fetchedAt.value = cached.at;
    }
    models.value = { ...(await getSetting<Record<string, ClassModel | null>>(db(), CACHE.models, {})), ...models.value };
    loaded.value = true;
  }

  /** The server's side: people, figures and models. Quietly keeps the saved ones when offline. */
  async function refresh() {
    const id = schoolId.value;
    if (!id) return;
    try {
      const listed = await invokeFunction<People>(client(), 'roles', { action: 'list', schoolId: id });
      people.value = listed;
      await setSetting(db(), CACHE.people, listed);
      await fetchMetrics();
      const next: Record<string, ClassModel | null> = {};
      for (const { klass } of classes.value) {
        const { artifacts } = await invokeFunction<{ artifacts: ClassModel[] }>(client(), 'model-artifacts', { action: 'list', classId: klass.id });
        next[klass.id] = artifacts.find((a) => a.status === 'active') ?? null;
      }
      models.value = next;
      await setSetting(db(), CACHE.models, next);
      error.value = null;
    } catch (err) {
      error.value = fetchedAt.value ? `${describeError(err)} Showing the figures from ${new Date(fetchedAt.value).toLocaleString()}.` : describeError(err);
    }
    await fetchSignInAlerts(id);
  }

  /** On its own: a server that cannot answer it yet keeps the rest of the page working, and the card stays as it was. */
  async function fetchSignInAlerts(id: string) {
    try {
      signInAlerts.value = (await invokeFunction<{ alerts: SignInAlert[] }>(client(), 'notify', { action: 'sign-in-alerts', schoolId: id })).alerts;
    } catch {
      // The card is a warning, not the page: nothing to say when it cannot be read.
    }
  }

  async function fetchMetrics() {
    const now = new Date();
    const answer = await invokeFunction<SchoolMetrics>(client(), 'roles', { action: 'metrics', schoolId: schoolId.value, from: periodStart(periodDays.value, now), to: now.toISOString() });
    metrics.value = answer;
    fetchedAt.value = now.toISOString();
    await setSetting(db(), CACHE.metrics, { at: fetchedAt.value, metrics: answer, days: periodDays.value });
  }

  async function load() {
    await loadLocal();
    await refresh();
  }

  async function setPeriod(days: number) {
    periodDays.value = days;
    await act('Fetching the figures…', async () => {
      await fetchMetrics();
      return '';
    });
  }

  async function act(message: string, work: () => Promise<string>): Promise<boolean> {
    busy.value = message;
    error.value = null;
    done.value = null;
    try {
      done.value = (await work()) || null;
      return true;
    } catch (err) {
      error.value = describeError(err);
      return false;
    } finally {
      busy.value = null;
    }
  }

  /** Saved here at once and sent with the next sync, so it also works offline. */
  function saveSettings(settings: SchoolSettings) {
    const problems = schoolSettingsProblems(settings);
    if (problems.length) {
      error.value = problems.join(' ');
      done.value = null;
      return Promise.resolve(false);
    }
    return act('Saving…', async () => {
      school.value = await saveSchoolSettings(db(), schoolId.value!, settings);
      const sync = useSyncStore();
      await sync.syncNow();
      return sync.online && !sync.lastError ? 'Saved. Every device of the school gets the new settings at its next sync.' : 'Saved on this phone. It reaches the school’s server when the phone is back online.';
    });
  }

  function invite(input: InviteInput) {
    const address = inviteAddress(input.address);
    if ('problem' in address) {
      error.value = address.problem;
      done.value = null;
      return Promise.resolve(false);
    }
    return act('Sending the invitation…', async () => {
      await invokeFunction(client(), 'roles', { action: 'invite', schoolId: schoolId.value, role: input.role, ...address, classIds: input.classIds, studentIds: input.studentIds });
      await refresh();
      return `Invited ${'email' in address ? address.email : address.phone} as ${input.role}. They get the role when they sign in with that address.`;
    });
  }

  function assignTeacher(classId: string, userId: string) {
    return act('Assigning…', async () => {
      const { assigned } = await invokeFunction<{ assigned: boolean }>(client(), 'roles', { action: 'assign-teacher', classId, userId });
      await refresh();
      const className = classes.value.find((c) => c.klass.id === classId)?.klass.name ?? 'the class';
      return assigned ? `${nameOfUser(userId)} now teaches ${className}.` : `${nameOfUser(userId)} already teaches ${className}.`;
    });
  }

  function linkGuardian(guardianId: string, studentId: string, relationship: string) {
    return act('Linking…', async () => {
      const { linked } = await invokeFunction<{ linked: boolean }>(client(), 'roles', { action: 'link-guardian', guardianId, studentId, ...(relationship.trim() ? { relationship: relationship.trim() } : {}) });
      await refresh();
      const guardian = people.value?.guardians.find((g) => g.id === guardianId)?.full_name ?? 'The parent';
      return linked ? `${guardian} is now linked and can see this child's record.` : `${guardian} was already linked to this child.`;
    });
  }

  return {
    school,
    people,
    metrics,
    periodDays,
    models,
    classes,
    signInAlerts,
    fetchedAt,
    busy,
    error,
    done,
    loaded,
    teachers,
    nameOfUser,
    configure,
    load,
    loadLocal,
    refresh,
    setPeriod,
    saveSettings,
    invite,
    assignTeacher,
    linkGuardian,
  };
});
