import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { RollcallDb } from '@/db/db';
import { useAccountStore } from './account';
import { useAdminStore } from './admin';
import { useSyncStore } from './sync';

let db: RollcallDb;
let invoke: ReturnType<typeof vi.fn>;
const at = '2026-11-20T08:30:00.000Z';
const people = {
  members: [{ user_id: 'tomas', full_name: 'Tomas Silva', email: 't@x', phone: null, roles: ['teacher'], class_ids: ['c7b'], student_ids: [], children: [] }],
  invites: [],
  classes: [{ id: 'c7b', name: '7B', teacher_ids: ['tomas'] }],
  guardians: [],
};

beforeEach(async () => {
  setActivePinia(createPinia());
  db = new RollcallDb(`admin-${crypto.randomUUID()}`);
  await db.schools.add({ id: 'school', name: 'Demo', keepFaceCrops: false, syncFaceTemplates: false, retentionDays: 365, autoMarkConfidence: 0.8, presentSmsConfidence: 0.8, lateAfterMinutes: 10, updatedAt: at });
  await db.classes.add({ id: 'c7b', name: '7B', lateAfterMinutes: 10, defaultCountry: 'GB', createdAt: at, updatedAt: at });
  await db.students.bulkAdd([
    { id: 'aarav', classId: 'c7b', rollNo: '1', fullName: 'Aarav Shah', guardianName: '', guardianPhone: '', email: '', studentEmail: '', createdAt: at, updatedAt: at },
    { id: 'bela', classId: 'c7b', rollNo: '2', fullName: 'Bela Kovacs', guardianName: '', guardianPhone: '', email: '', studentEmail: '', createdAt: at, updatedAt: at },
  ]);
  await db.consents.add({ id: 'c1', studentId: 'aarav', classId: 'c7b', givenByName: '', relationship: 'parent', method: 'app', noticeVersion: '2026-09', givenAt: at, withdrawnAt: null, recordedBy: '', createdAt: at, updatedAt: at });
  invoke = vi.fn(async (name: string, { body }: { body: Record<string, unknown> }) => {
    if (name === 'roles' && body.action === 'list') return { data: people, error: null };
    if (name === 'roles' && body.action === 'metrics') return { data: { school_id: 'school', from: body.from, to: body.to, school: {}, classes: [] }, error: null };
    if (name === 'roles' && body.action === 'assign-teacher') return { data: { assigned: true }, error: null };
    if (name === 'model-artifacts') return { data: { artifacts: [{ version: '2026-11-19.1', status: 'active', created_at: at, metrics: { accuracy: 0.97 } }] }, error: null };
    return { data: null, error: { message: 'no', context: { status: 403, json: async () => ({ message: 'forbidden' }) } } };
  });
  const account = useAccountStore();
  account.configure({ db });
  account.config = { url: 'http://x', anonKey: 'k' };
  account.client = { functions: { invoke } } as never;
  account.user = { id: 'asha', email: '', phone: '', name: 'Asha', memberships: { school: ['admin'] }, assurance: 'aal2', hasVerifiedFactor: true, expiresAt: Date.now() + 3_600_000 };
  const sync = useSyncStore();
  sync.syncNow = vi.fn(async () => {});
  useAdminStore().configure({ db });
});

afterEach(async () => {
  db.close();
  await db.delete();
});

describe('admin store', () => {
  it("loads classes with their consent counts, people, the period's figures and each class's model", async () => {
    const store = useAdminStore();
    await store.load();
    expect(store.classes[0]).toMatchObject({ consentCounts: { given: 1, withdrawn: 0, none: 1 } });
    expect(store.people?.members[0]?.full_name).toBe('Tomas Silva');
    expect(invoke).toHaveBeenCalledWith('roles', { body: expect.objectContaining({ action: 'metrics', schoolId: 'school' }) });
    expect(store.models.c7b?.version).toBe('2026-11-19.1');
    expect(store.error).toBeNull();
  });

  it('saves settings on the device with their outbox change, and refuses out-of-range ones', async () => {
    const store = useAdminStore();
    await store.loadLocal();
    const settings = { keepFaceCrops: true, syncFaceTemplates: false, retentionDays: 180, autoMarkConfidence: 0.85, presentSmsConfidence: 0.9, lateAfterMinutes: 5 };
    expect(await store.saveSettings({ ...settings, retentionDays: 0 })).toBe(false);
    expect(await db.outbox.count()).toBe(0);
    expect(await store.saveSettings(settings)).toBe(true);
    expect(await db.schools.get('school')).toMatchObject(settings);
    const [m] = await db.outbox.toArray();
    expect(m).toMatchObject({ table: 'schools', op: 'upsert', rowId: 'school', row: { id: 'school', keep_face_crops: true, retention_days: 180, auto_mark_confidence: 0.85, late_after_minutes: 5 } });
    expect(useSyncStore().syncNow).toHaveBeenCalled();
  });

  it('assigns a teacher and names them; a refusal is said in words', async () => {
    const store = useAdminStore();
    await store.load();
    expect(await store.assignTeacher('c7b', 'tomas')).toBe(true);
    expect(store.done).toBe('Tomas Silva now teaches 7B.');
    expect(await store.linkGuardian('g', 'aarav', 'parent')).toBe(false);
    expect(store.error).toBe('Your account may not do this.');
    expect(await store.invite({ role: 'teacher', address: 'nobody', classIds: [], studentIds: [] })).toBe(false);
    expect(store.error).toMatch(/country code/);
  });
});
