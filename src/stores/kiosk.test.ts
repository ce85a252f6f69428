import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { RollcallDb } from '@/db/db';
import { addStudents, createClass } from '@/db/classes';
import { listMarks, listSessions, updateSession } from '@/db/sessions';
import { getSetting } from '@/db/settings';
import type { Point } from '@/ml/types';
import {
  hashPin,
  isValidPin,
  KIOSK_RULES,
  MAX_PIN_FAILURES,
  PIN_LOCKOUT_MS,
  PIN_SETTING,
  pinWaitMs,
  stepKiosk,
  useKioskStore,
  verifyPin,
  WAITING,
  type KioskFace,
  type KioskState,
  type StoredPin,
} from './kiosk';
import { useFaceEngineStore } from './faceEngine';
import { useClassModelsStore } from './classModels';
import type { IdentifyResult } from '@/ml/worker/protocol';

/** A frontal 68-point face (see ml/liveness/challenge.test.ts); `closed` shuts the lids, `turn` turns the head. */
function landmarks(closed = 0, turn = 0): Point[] {
  const p: Point[] = [];
  for (let i = 0; i <= 16; i++) {
    const a = Math.PI * (i / 16);
    p.push({ x: 300 - 100 * Math.cos(a), y: 280 + 110 * Math.sin(a) * (i === 0 || i === 16 ? 0.2 : 1) });
  }
  const inner = turn * 45;
  for (let i = 0; i < 10; i++) p.push({ x: 220 + i * 17.7 + inner, y: 230 });
  for (let i = 0; i < 4; i++) p.push({ x: 300 + inner * 1.3, y: 250 + i * 18 });
  for (let i = 0; i < 5; i++) p.push({ x: 280 + i * 10 + inner, y: 310 });
  const gap = 12 * (1 - closed);
  for (const ex of [255, 345]) {
    const x = ex + inner;
    p.push({ x: x - 18, y: 260 }, { x: x - 6, y: 260 - gap / 2 }, { x: x + 6, y: 260 - gap / 2 }, { x: x + 18, y: 260 }, { x: x + 6, y: 260 + gap / 2 }, { x: x - 6, y: 260 + gap / 2 });
  }
  for (let i = 0; i < 20; i++) {
    const a = (2 * Math.PI * i) / 20;
    p.push({ x: 300 + inner + 30 * Math.cos(a), y: 345 + 10 * Math.sin(a) });
  }
  return p;
}

const face = (studentId: string | null, opts: { closed?: number; turn?: number; liveness?: number | null; x?: number; width?: number } = {}): KioskFace => ({
  box: { x: opts.x ?? 200, y: 170, width: opts.width ?? 200, height: 220 },
  landmarks: landmarks(opts.closed, opts.turn),
  studentId,
  confidence: studentId ? 0.95 : 0.2,
  liveness: opts.liveness === undefined ? 0.8 : opts.liveness,
});

/** Runs frames 250 ms apart through the kiosk flow; `random` 0 plans blink then turn-left... */
function run(frames: KioskFace[][], random = () => 0.0, start: KioskState = WAITING): KioskState {
  return frames.reduce<KioskState>((s, faces, i) => stepKiosk(s, { at: i * 250, width: 640, faces }, random), start);
}

/** The frames that do each challenge. */
const does = {
  blink: [[face('ana')], [face('ana', { closed: 0.9 })], [face('ana')]],
  'turn-left': [[face('ana', { turn: 0.9 })], [face('ana', { turn: 1 })], [face('ana')]],
  'turn-right': [[face('ana', { turn: -0.9 })], [face('ana', { turn: -1 })], [face('ana')]],
};
const planOf = (s: KioskState) => (s.kind === 'challenge' ? s.challenge.plan : []);

describe('PIN', () => {
  it('accepts 4 to 8 digits only', () => {
    expect(['1234', '12345678'].map(isValidPin)).toEqual([true, true]);
    expect(['123', '123456789', '12a4', ''].map(isValidPin)).toEqual([false, false, false, false]);
  });

  it('stores a salted PBKDF2 hash, never the PIN, and checks it', async () => {
    const stored = await hashPin('4821', { iterations: 1000 });
    expect(JSON.stringify(stored)).not.toContain('4821');
    expect(stored).toMatchObject({ algorithm: 'PBKDF2-SHA-256', iterations: 1000 });
    expect(await verifyPin('4821', stored)).toBe(true);
    expect(await verifyPin('4822', stored)).toBe(false);
    expect(await verifyPin('48210', stored)).toBe(false);
    const again = await hashPin('4821', { iterations: 1000 });
    expect(again.salt).not.toBe(stored.salt);
    expect(again.hash).not.toBe(stored.hash);
  });

  it('waits after too many wrong PINs', () => {
    expect(pinWaitMs(MAX_PIN_FAILURES - 1, 1000, 1000)).toBe(0);
    expect(pinWaitMs(MAX_PIN_FAILURES, 1000, 1000)).toBe(PIN_LOCKOUT_MS);
    expect(pinWaitMs(MAX_PIN_FAILURES, 1000, 1000 + PIN_LOCKOUT_MS)).toBe(0);
  });
});

describe('stepKiosk', () => {
  it('asks for one person and for them to come closer', () => {
    expect(run([[face('ana'), face('ben', { x: 0 })]])).toMatchObject({ kind: 'waiting', message: 'One person at a time, please' });
    expect(run([[face('ana', { width: 40 })]])).toMatchObject({ kind: 'waiting', message: 'Come closer to the camera' });
    expect(run([[]])).toBe(WAITING);
  });

  it('recognises a student over a few frames, then challenges them in a random order', () => {
    const started = run([[face('ana')], [face(null)], [face('ana')], [face('ana')]]);
    expect(started.kind).toBe('challenge');
    expect(planOf(started)).toHaveLength(2);
    expect(planOf(run([[face('ana')], [face('ana')], [face('ana')]], () => 0.99))).not.toEqual(planOf(started));
  });

  it('checks in a live student who does what is asked, with the median liveness', () => {
    for (const random of [() => 0, () => 0.5, () => 0.99]) {
      let s = run([[face('ana')], [face('ana')], [face('ana')]], random);
      for (const kind of planOf(s)) s = run(does[kind], random, s);
      expect(s).toEqual({ kind: 'passed', studentId: 'ana', liveness: 0.8 });
    }
  });

  it('turns a still photo away when it runs out of time', () => {
    const still = Array.from({ length: 60 }, () => [face('ana')]);
    expect(run(still)).toEqual({ kind: 'failed', studentId: 'ana', reason: 'timeout' });
  });

  it('turns away a face the passive models call a photo, even when it does the challenge', () => {
    const fake = (f: KioskFace[]) => f.map((x) => ({ ...x, liveness: 0.05 }));
    let s = run([[face('ana')], [face('ana')], [face('ana')]].map(fake));
    for (const kind of planOf(s)) s = run(does[kind].map(fake), () => 0, s);
    expect(s).toMatchObject({ kind: 'failed', reason: 'looks-like-photo' });
  });

  it('says when it does not know the person', () => {
    expect(run(Array.from({ length: KIOSK_RULES.unknownFrames }, () => [face(null)]))).toEqual({ kind: 'failed', studentId: null, reason: 'not-recognised' });
  });

  it('stops when the face doing the challenge is recognised as someone else', () => {
    const s = run([[face('ana')], [face('ana')], [face('ana')], [face('ben')], [face('ben')], [face('ben')]]);
    expect(s).toMatchObject({ kind: 'failed', reason: 'someone-else' });
  });
});

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

  it("names a face only at the school's confidence, when the school's is stricter than the phone's", async () => {
    const klass = await createClass(db, { name: 'Year 7' });
    const [ana] = await addStudents(db, klass.id, [{ rollNo: '1', fullName: 'Ana Lima', guardianName: '', guardianPhone: '', email: '', studentEmail: '' }]);
    await db.schools.put({
      id: 'school-1', name: 'Hill School', keepFaceCrops: false, syncFaceTemplates: false, retentionDays: 365,
      autoMarkConfidence: 0.9, presentSmsConfidence: 0.8, lateAfterMinutes: 10, updatedAt: new Date().toISOString(),
    });
    await db.settings.put({ key: 'autoMarkConfidence', value: 0.6 });
    const models = useClassModelsStore();
    models.activeModel = async () => ({ artifact: new Uint8Array(1), classes: 2, createdAt: new Date().toISOString() }) as never;
    // 0.85: enough for this phone's threshold, not for the school's.
    useFaceEngineStore().identify = async () =>
      ({ width: 640, faces: [{ box: { x: 200, y: 170, width: 200, height: 220 }, landmarks: landmarks() }], recognitions: [{ label: ana!.id, probability: 0.85 }], liveness: [{ score: 0.8 }] }) as unknown as IdentifyResult;
    const kiosk = useKioskStore();
    kiosk.configure({ db, random: () => 0 });
    await kiosk.load();
    const frame = { close() {} } as ImageBitmap;
    for (let i = 0; i < KIOSK_RULES.unknownFrames; i++) await kiosk.handleFrame(frame);
    expect(kiosk.state).toEqual({ kind: 'failed', studentId: null, reason: 'not-recognised' });
    expect(await listSessions(db, klass.id)).toEqual([]);
  });
});
