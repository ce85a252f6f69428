import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { KIOSK_RULES } from '@/attendance/kioskFlow';
import { RollcallDb } from '@/db/db';
import { addStudents, createClass } from '@/db/classes';
import { listMarks, listSessions, updateSession } from '@/db/sessions';
import { getSetting } from '@/db/settings';
import type { IdentifyResult } from '@/ml/worker/protocol';
import { MAX_PIN_FAILURES, PIN_LOCKOUT_MS, type StoredPin } from '@/privacy/kioskPin';
import { PIN_SETTING, useKioskStore } from './kiosk';
import { useFaceEngineStore } from './faceEngine';
import { useClassModelsStore } from './classModels';

describe('kiosk store', () => {
  let db: RollcallDb;
  beforeEach(() => {
    setActivePinia(createPinia());
    db = new RollcallDb(`kiosk-${crypto.randomUUID()}`);
    useClassModelsStore().configure({ db, trainer: { train: () => Promise.reject(new Error('not in this test')) } });
  });
  afterEach(() => db.delete());

  it('sets a hashed PIN, unlocks only with it, and records PIN check-ins for the teacher to confirm', async () => {
    const klass = await createClass(db, { name: 'Year 7' });
    const [ana] = await addStudents(db, klass.id, [{ rollNo: '1', fullName: 'Ana Lima', guardianName: '', guardianPhone: '', email: '', studentEmail: '' }]);
    const kiosk = useKioskStore();
    kiosk.configure({ db });
    await kiosk.load();
    expect(kiosk.pinSet).toBe(false);
    await kiosk.setPin('2468');
    const stored = await getSetting<StoredPin | null>(db, PIN_SETTING, null);
    expect(stored?.hash).toBeTruthy();
    expect(JSON.stringify(stored)).not.toContain('2468');

    expect((await kiosk.pinCheckin(klass.id, '9', 'not recognised')).tone).toBe('red');
    expect(await kiosk.pinCheckin(klass.id, '1', 'not recognised')).toMatchObject({ tone: 'amber', title: 'Ana Lima' });
    expect(kiosk.checkins).toHaveLength(1);
    await expect(kiosk.confirmCheckin(kiosk.checkins[0]!.id)).rejects.toThrow(/PIN/);

    expect((await kiosk.unlock('1357')).ok).toBe(false);
    expect(kiosk.unlocked).toBe(false);
    expect((await kiosk.unlock('2468')).ok).toBe(true);
    await kiosk.confirmCheckin(kiosk.checkins[0]!.id);
    expect(kiosk.checkins).toEqual([]);
    const [session] = await listSessions(db, klass.id);
    expect(session).toMatchObject({ takenBy: 'Kiosk' });
    expect(await listMarks(db, session!.id)).toMatchObject([{ studentId: ana!.id, status: 'present', source: 'manual' }]);

    // The close of day finished the session; a late check-in goes on it, not on a second session of the day.
    await updateSession(db, session!.id, { finalisedAt: new Date().toISOString() });
    await kiosk.pinCheckin(klass.id, '1', 'not recognised');
    await kiosk.confirmCheckin(kiosk.checkins[0]!.id);
    expect((await listSessions(db, klass.id)).map((s) => s.id)).toEqual([session!.id]);
  });

  it('makes the pad wait after too many wrong PINs', async () => {
    const kiosk = useKioskStore();
    kiosk.configure({ db });
    await kiosk.setPin('2468');
    for (let i = 0; i < MAX_PIN_FAILURES; i++) await kiosk.unlock('0000', 1000);
    expect(await kiosk.unlock('2468', 2000)).toEqual({ ok: false, waitMs: PIN_LOCKOUT_MS - 1000 });
    expect((await kiosk.unlock('2468', 1000 + PIN_LOCKOUT_MS)).ok).toBe(true);
  });

  /** The kiosk page reloaded, or opened in a new tab: a fresh pinia and store over the same database. */
  function reloaded() {
    setActivePinia(createPinia());
    useClassModelsStore().configure({ db, trainer: { train: () => Promise.reject(new Error('not in this test')) } });
    const kiosk = useKioskStore();
    kiosk.configure({ db });
    return kiosk;
  }

  it('keeps the wait across a reload, and makes it longer with each wrong PIN after it', async () => {
    let kiosk = useKioskStore();
    kiosk.configure({ db });
    await kiosk.setPin('2468');
    for (let i = 0; i < MAX_PIN_FAILURES; i++) await kiosk.unlock('0000', 1000);

    kiosk = reloaded();
    expect(await kiosk.unlock('2468', 2000)).toEqual({ ok: false, waitMs: PIN_LOCKOUT_MS - 1000 });
    expect(kiosk.unlocked).toBe(false);
    expect(await kiosk.pinWait(2000)).toBe(PIN_LOCKOUT_MS - 1000);

    // Once it is over, one more wrong PIN waits twice as long, in a new tab too.
    const later = 1000 + PIN_LOCKOUT_MS;
    expect(await kiosk.unlock('0000', later)).toEqual({ ok: false, waitMs: 2 * PIN_LOCKOUT_MS });
    kiosk = reloaded();
    expect(await kiosk.unlock('2468', later + PIN_LOCKOUT_MS)).toEqual({ ok: false, waitMs: PIN_LOCKOUT_MS });
    expect((await kiosk.unlock('2468', later + 2 * PIN_LOCKOUT_MS)).ok).toBe(true);

    // The right PIN starts the count again.
    kiosk = reloaded();
    expect(await kiosk.pinWait(later + 2 * PIN_LOCKOUT_MS)).toBe(0);
    for (let i = 0; i < MAX_PIN_FAILURES - 1; i++) expect((await kiosk.unlock('0000', 10 * later)).waitMs).toBe(0);
  });

  it('does not open early for a clock set back, nor for tries sent at once', async () => {
    const kiosk = useKioskStore();
    kiosk.configure({ db });
    await kiosk.setPin('2468');
    // Every try is counted before the slow check, so the right PIN sent along with five wrong ones is not even checked.
    const tries = await Promise.all([...Array.from({ length: MAX_PIN_FAILURES }, () => '0000'), '2468'].map((pin) => kiosk.unlock(pin, 1_000_000)));
    expect(tries.at(-1)).toEqual({ ok: false, waitMs: PIN_LOCKOUT_MS });
    expect(kiosk.unlocked).toBe(false);

    const hourEarlier = 1_000_000 - 3_600_000;
    expect((await reloaded().unlock('2468', hourEarlier)).ok).toBe(false);
    expect(await reloaded().pinWait(hourEarlier + PIN_LOCKOUT_MS - 1)).toBe(1);
    expect((await reloaded().unlock('2468', hourEarlier + PIN_LOCKOUT_MS)).ok).toBe(true);
  });

  it("names a face only at the school's confidence, when the school's is stricter than the phone's", async () => {
    const klass = await createClass(db, { name: 'Year 7' });
    const [ana] = await addStudents(db, klass.id, [{ rollNo: '1', fullName: 'Ana Lima', guardianName: '', guardianPhone: '', email: '', studentEmail: '' }]);
    await db.schools.put({
      id: 'school-1', name: 'Hill School', keepFaceCrops: false, syncFaceTemplates: false, retentionDays: 365,
      autoMarkConfidence: 0.9, presentSmsConfidence: 0.8, lateAfterMinutes: 10, updatedAt: new Date().toISOString(),
    });
    await db.settings.put({ key: 'autoMarkConfidence', value: 0.6 });
    const models = useClassModelsStore();
    models.activeModel = async () => ({ artifact: new Uint8Array(1), load: async () => new Uint8Array(1), version: 'v1', classes: 2, createdAt: new Date().toISOString() }) as never;
    // 0.85: enough for this phone's threshold, not for the school's.
    useFaceEngineStore().identify = async () =>
      ({ width: 640, faces: [{ box: { x: 200, y: 170, width: 200, height: 220 }, landmarks: [] }], recognitions: [{ label: ana!.id, probability: 0.85 }], liveness: [{ score: 0.8 }] }) as unknown as IdentifyResult;
    const kiosk = useKioskStore();
    kiosk.configure({ db, random: () => 0 });
    await kiosk.load();
    const frame = { close() {} } as ImageBitmap;
    for (let i = 0; i < KIOSK_RULES.unknownFrames; i++) await kiosk.handleFrame(frame);
    expect(kiosk.state).toEqual({ kind: 'failed', studentId: null, reason: 'not-recognised' });
    expect(await listSessions(db, klass.id)).toEqual([]);
  });
});
