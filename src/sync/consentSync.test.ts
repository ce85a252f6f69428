/**
 * Consent between a teacher's phone and the school through the real local
 * stack: a paper consent recorded on the phone reaches the server once (by
 * the device's id, even sent twice); withdrawn at the school, it comes back
 * in the next pull and the phone erases the student's face data and logs it.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createRollcallClient } from '@/api/supabase';
import { recordConsent } from '@/db/consents';
import { RollcallDb } from '@/db/db';
import { addFaceSamples, listFaceSamples } from '@/db/faceSamples';
import { CURRENT_DESCRIPTOR } from '@/ml/classifier';
import type { Quality } from '@/ml/types';
import { STUDENTS } from '../../supabase/local/seed-ids';
import { startStack, type Stack } from '../../scripts/backend/stack';
import { pushConsent } from './pushConsent';
import { syncIfPossible } from './syncIfPossible';
import { NoRealtime } from '@/api/noRealtime';

let stack: Stack;
const dbs: RollcallDb[] = [];
const teacher = () => createRollcallClient({ url: stack.url, anonKey: stack.anonKey }, { accessToken: stack.users.teacher.token, realtimeTransport: NoRealtime });
const quality: Quality = { sizePx: 120, sharpness: 80, brightness: 120, yaw: 0, pitch: 0, roll: 0, ok: true, issues: [] };

async function sql(text: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: stack.dbUrl });
  await client.connect();
  try {
    return (await client.query(text, params)).rows;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  stack = await startStack({ onLog: () => {} });
}, 120_000);
afterAll(async () => {
  await Promise.all(dbs.map((db) => db.delete()));
  await stack?.stop();
});

describe('consent through the school server', () => {
  it('a paper consent recorded on the phone reaches the server; withdrawn at the school, the phone erases the face data', async () => {
    const phone = new RollcallDb(`consent-${crypto.randomUUID()}`);
    dbs.push(phone);
    await syncIfPossible(phone, teacher()); // the roster of 7B arrives
    const chen = (await phone.students.get(STUDENTS.chen))!;
    expect(chen.fullName).toBe('Chen Wei');

    const consent = await recordConsent(
      phone,
      { studentId: chen.id, givenByName: 'Mei Wei', relationship: 'parent', method: 'paper', noticeVersion: '2026-09', givenAt: '2026-09-01T00:00:00.000Z' },
      'Tomas',
    );
    const descriptor = Array.from({ length: 128 }, (_, i) => Math.sin(i));
    await addFaceSamples(phone, [{ studentId: chen.id, classId: chen.classId, descriptor, descriptorVersion: CURRENT_DESCRIPTOR.version, augmented: [], crop: null, quality, source: 'upload' }]);
    const pushed = await syncIfPossible(phone, teacher());
    expect(pushed.pushed.rejected).toBe(0);
    const [onServer] = await sql('select method, notice_version, withdrawn_at from public.consents where id = $1', [consent.id]);
    expect(onServer).toEqual({ method: 'paper', notice_version: '2026-09', withdrawn_at: null });

    // The same record sent again (a lost reply) is not recorded twice.
    const row = { id: consent.id, student_id: chen.id, method: 'paper', notice_version: '2026-09', given_at: consent.givenAt, withdrawn_at: null };
    expect((await pushConsent(teacher(), { clientId: crypto.randomUUID(), row })).status).toBe('applied');
    expect(await sql('select 1 from public.consents where student_id = $1', [chen.id])).toHaveLength(1);

    // The family withdraws at the school office; the phone hears of it at its next sync.
    const withdrawn = await teacher().functions.invoke('privacy', { body: { action: 'withdraw-consent', studentId: chen.id } });
    expect(withdrawn.error).toBeNull();
    expect(await listFaceSamples(phone, chen.id)).toHaveLength(1);
    const summary = await syncIfPossible(phone, teacher());
    expect(summary.pulled.erased.studentIds).toContain(chen.id);
    expect(await listFaceSamples(phone, chen.id)).toHaveLength(0);
    expect((await phone.consents.get(consent.id))!.withdrawnAt).not.toBeNull();
    const log = await phone.privacyLog.where('studentId').equals(chen.id).toArray();
    expect(log.map((l) => l.kind)).toContain('face-data-erased');
    expect(log.find((l) => l.kind === 'face-data-erased')!.summary).toMatch(/withdrawn/);
  });
});
