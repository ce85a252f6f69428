/**
 * The self check-in kiosk: a tablet at the door recognises one student at a
 * time among everyone enrolled on the device (the 'school' model), asks for a
 * random liveness challenge, and marks the student present in today's session
 * of their class. A student the camera cannot check uses the PIN fallback
 * (class and roll number), which waits for the teacher to confirm. Leaving
 * the kiosk needs the teacher's PIN.
 *
 * The flow is the pure `stepKiosk` (attendance/kioskFlow.ts) and the PIN's
 * hashing is privacy/kioskPin.ts; this store feeds frames in and does the
 * reading and writing.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { applyAutoMarks, setManualMark } from '@/attendance';
import { attendanceRules, confidenceThreshold } from '@/attendance/policy';
import { stepKiosk, FAILURE_MESSAGES, WAITING, type KioskFace, type KioskState } from '@/attendance/kioskFlow';
import { DEFAULT_RULES } from '@/attendance/types';
import { getDb, type RollcallDb } from '@/db/db';
import { listClasses, listStudents, type ClassRow, type StudentRow } from '@/db/classes';
import { addRecognitionEvents, createSession, listMarks, listSessions, markOfRow, saveMarks, type SessionRow } from '@/db/sessions';
import { deviceId, getSetting, setSetting, updateSetting } from '@/db/settings';
import { UNKNOWN } from '@/ml/classifier/types';
import { CHALLENGE_PROMPTS, currentChallenge } from '@/ml/liveness/challenge';
import type { Box } from '@/ml/types';
import type { ClassModelSource } from '@/ml/worker/client';
import type { IdentifyResult } from '@/ml/worker/protocol';
import { claimPinTry, hashPin, NO_PIN_FAILURES, pinWaitMs, verifyPin, type PinFailures, type StoredPin } from '@/privacy/kioskPin';
import { useEnrolmentStore } from './enrolment';
import { useFaceEngineStore } from './faceEngine';
import { useClassModelsStore, type TrainingData } from './classModels';
import { describeError } from './errors';
import { policyOfDevice } from './devicePolicy';

export const PIN_SETTING = 'kioskPin';
export const LOCK_SETTING = 'kioskLocked';
export const CHECKINS_SETTING = 'kioskPinCheckins';
/** Wrong teacher PINs in a row (privacy/kioskPin.ts's PinFailures): one record per device, as the PIN is. */
export const PIN_FAILURES_SETTING = 'kioskPinFailures';
export const SCHOOL_SCOPE = 'school';

export interface PinCheckin {
  id: string;
  studentId: string;
  classId: string;
  at: string;
  /** Why the camera did not check the student in. */
  reason: string;
}

export interface KioskResult {
  tone: 'green' | 'red' | 'amber';
  title: string;
  detail: string;
  studentId: string | null;
}

interface Person {
  student: StudentRow;
  klass: ClassRow;
}

export const useKioskStore = defineStore('kiosk', () => {
  const dbRef = shallowRef<RollcallDb | null>(null);
  const db = () => dbRef.value ?? getDb();
  const pinSet = ref(false);
  const locked = ref(false);
  const unlocked = ref(false);
  const state = shallowRef<KioskState>(WAITING);
  const result = ref<KioskResult | null>(null);
  const checkins = ref<PinCheckin[]>([]);
  const people = shallowRef<Map<string, Person>>(new Map());
  const classes = shallowRef<ClassRow[]>([]);
  const model = shallowRef<{ source: ClassModelSource; students: number; createdAt: string } | null>(null);
  const busy = ref<string | null>(null);
  const error = ref<string | null>(null);
  /** A face is named at the threshold a session marks by: the school's, when the phone has one. */
  let minConfidence = DEFAULT_RULES.autoMarkConfidence;
  let random: () => number = Math.random;
  let device = 'this-device';

  const prompt = computed(() => {
    const s = state.value;
    if (s.kind !== 'challenge') return null;
    const kind = currentChallenge(s.challenge);
    return kind ? CHALLENGE_PROMPTS[kind] : null;
  });
  const step = computed(() => (state.value.kind === 'challenge' ? { index: state.value.challenge.step + 1, of: state.value.challenge.plan.length } : null));
  const nameOf = (id: string | null) => (id ? (people.value.get(id)?.student.fullName ?? 'A student') : null);

  /** Tests pass their own database and random numbers. */
  function configure(options: { db?: RollcallDb; random?: () => number }) {
    if (options.db) dbRef.value = options.db;
    if (options.random) random = options.random;
  }

  async function load() {
    pinSet.value = (await getSetting<StoredPin | null>(db(), PIN_SETTING, null)) !== null;
    locked.value = await getSetting(db(), LOCK_SETTING, false);
    checkins.value = await getSetting<PinCheckin[]>(db(), CHECKINS_SETTING, []);
    minConfidence = confidenceThreshold(await policyOfDevice(db()));
    device = await deviceId(db());
    await loadPeople();
    const active = await useClassModelsStore().activeModel(SCHOOL_SCOPE);
    model.value = active ? { source: active, students: active.classes, createdAt: active.createdAt } : null;
  }

  async function loadPeople() {
    classes.value = await listClasses(db());
    const map = new Map<string, Person>();
    for (const klass of classes.value) for (const student of await listStudents(db(), klass.id)) map.set(student.id, { student, klass });
    people.value = map;
  }

  async function setPin(pin: string) {
    await setSetting(db(), PIN_SETTING, await hashPin(pin));
    pinSet.value = true;
  }

  /** Milliseconds before the teacher PIN pad takes another try; read from the device, so a reload or another tab sees the same wait. */
  async function pinWait(now = Date.now()): Promise<number> {
    return pinWaitMs(await getSetting<PinFailures>(db(), PIN_FAILURES_SETTING, NO_PIN_FAILURES), now);
  }

  /** Checks the teacher's PIN; the try is recorded before the check (claimPinTry says why). */
  async function unlock(pin: string, now = Date.now()): Promise<{ ok: boolean; waitMs: number }> {
    const { before, after } = await updateSetting(db(), PIN_FAILURES_SETTING, NO_PIN_FAILURES, (failures) => claimPinTry(failures, now));
    const wait = pinWaitMs(before, now);
    if (wait > 0) return { ok: false, waitMs: wait };
    const stored = await getSetting<StoredPin | null>(db(), PIN_SETTING, null);
    if (stored && (await verifyPin(pin, stored))) {
      await setSetting(db(), PIN_FAILURES_SETTING, NO_PIN_FAILURES);
      unlocked.value = true;
      return { ok: true, waitMs: 0 };
    }
    return { ok: false, waitMs: pinWaitMs(after, now) };
  }

  /** Everyone enrolled in every class: the school model's training data. */
  async function schoolTrainingData(): Promise<TrainingData> {
    const enrolment = useEnrolmentStore();
    const parts = await Promise.all(classes.value.map((c) => enrolment.trainingData(c.id)));
    return {
      samples: parts.flatMap((p) => p.samples),
      negatives: parts.flatMap((p) => p.negatives),
      extraSamples: parts.flatMap((p) => p.extraSamples ?? []),
    };
  }

  /** Students the school model would know if trained now. */
  async function enrolledNow(): Promise<number> {
    return new Set((await schoolTrainingData()).samples.map((s) => s.label)).size;
  }

  async function trainSchoolModel() {
    busy.value = 'Training the school model…';
    error.value = null;
    try {
      await loadPeople();
      const data = await schoolTrainingData();
      if (new Set(data.samples.map((s) => s.label)).size < 2) throw new Error('Enrol at least two students (two photos each) in any class first.');
      await useClassModelsStore().retrainNow(SCHOOL_SCOPE, data);
      const active = await useClassModelsStore().activeModel(SCHOOL_SCOPE);
      model.value = active ? { source: active, students: active.classes, createdAt: active.createdAt } : null;
    } catch (err) {
      error.value = describeError(err);
    } finally {
      busy.value = null;
    }
  }

  /** Locks the device in kiosk mode: leaving needs the teacher's PIN. */
  async function startKiosk() {
    if (!pinSet.value) throw new Error('Set the teacher PIN first.');
    if (!model.value || (await enrolledNow()) !== model.value.students) await trainSchoolModel();
    if (!model.value) throw new Error(error.value ?? 'The school model could not be trained.');
    await setSetting(db(), LOCK_SETTING, true);
    locked.value = true;
    unlocked.value = false;
    reset();
  }

  async function exitKiosk() {
    if (!unlocked.value) throw new Error('Enter the teacher PIN first.');
    await setSetting(db(), LOCK_SETTING, false);
    locked.value = false;
  }

  function relock() {
    unlocked.value = false;
    reset();
  }

  function reset() {
    state.value = WAITING;
    result.value = null;
  }

  /**
   * Today's session of a class: an open one, else the one this kiosk took
   * today (finished, say, by the close of day: a check-in after it is a
   * late arrival there, not a second session that would be finished at
   * midnight and mark the rest of the class absent again), else a new one.
   */
  async function sessionFor(klass: ClassRow, at: Date): Promise<SessionRow> {
    const day = at.toISOString().slice(0, 10);
    const today = (await listSessions(db(), klass.id)).filter((s) => s.startsAt.slice(0, 10) === day);
    const found = today.find((s) => !s.finalisedAt) ?? today.find((s) => s.device === device);
    return found ?? createSession(db(), { classId: klass.id, startsAt: at.toISOString(), takenBy: 'Kiosk', mode: 'live', device }, at);
  }

  async function markPresent(studentId: string, confidence: number, liveness: number | null, box: Box | null): Promise<KioskResult> {
    const person = people.value.get(studentId);
    if (!person) return { tone: 'red', title: 'Not checked in', detail: 'This student is no longer on any class list. Please see your teacher.', studentId };
    const now = new Date();
    const at = now.toISOString();
    const session = await sessionFor(person.klass, now);
    const rules = attendanceRules({ ...(await policyOfDevice(db())), klass: person.klass });
    const before = (await listMarks(db(), session.id)).map(markOfRow);
    const applied = applyAutoMarks(before, [{ studentId, candidateId: studentId, confidence, ...(liveness !== null ? { liveness } : {}) }], { startsAt: session.startsAt, at, rules });
    await saveMarks(db(), session.id, applied.marks, device, now);
    await addRecognitionEvents(db(), [{ sessionId: session.id, at, studentId, confidence, device, box, reason: 'kiosk check-in, liveness challenge passed' }], now);
    const mark = applied.marks.find((m) => m.studentId === studentId)!;
    const time = new Date(mark.markedAt).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
    const first = applied.added.includes(studentId);
    return {
      tone: 'green',
      title: person.student.fullName,
      detail: first ? `You are checked in — ${person.klass.name}, ${time}` : `Already checked in at ${time} — ${person.klass.name}`,
      studentId,
    };
  }

  /** One camera frame (handed over to the worker). Returns the state after it. */
  async function handleFrame(frame: ImageBitmap): Promise<{ identify: IdentifyResult; state: KioskState }> {
    if (!model.value) {
      frame.close();
      throw new Error('There is no school model yet.');
    }
    const identify = await useFaceEngineStore().identify(frame, { model: model.value.source, analyze: { detector: 'tiny', tiling: 'off' }, liveness: true });
    if (result.value) return { identify, state: state.value };
    const faces: KioskFace[] = identify.faces.map((f, i) => {
      const r = identify.recognitions[i]!;
      const named = r.label !== UNKNOWN && r.probability >= minConfidence;
      return { box: f.box, landmarks: f.landmarks, studentId: named ? r.label : null, confidence: r.probability, liveness: identify.liveness?.[i]?.score ?? null };
    });
    const next = stepKiosk(state.value, { at: performance.now(), width: identify.width, faces }, random);
    state.value = next;
    if (next.kind === 'passed') {
      const best = faces.filter((f) => f.studentId === next.studentId).reduce((a, f) => Math.max(a, f.confidence), minConfidence);
      try {
        result.value = await markPresent(next.studentId, best, next.liveness, faces[0]?.box ?? null);
      } catch (err) {
        result.value = { tone: 'red', title: 'Not checked in', detail: `Something went wrong saving it: ${describeError(err)}`, studentId: next.studentId };
      }
    } else if (next.kind === 'failed') {
      const name = nameOf(next.studentId);
      result.value = {
        tone: 'red',
        title: 'Not checked in',
        detail: `${FAILURE_MESSAGES[next.reason]} ${name && next.reason !== 'not-recognised' ? `(${name}?) ` : ''}Try again, or use your roll number.`,
        studentId: next.studentId,
      };
    }
    return { identify, state: next };
  }

  /** A plain copy: IndexedDB cannot store Vue's reactive proxies. */
  const saveCheckins = () => setSetting(db(), CHECKINS_SETTING, checkins.value.map((c) => ({ ...c })));

  /** Students of a class, for the PIN fallback. */
  function studentsOf(classId: string): StudentRow[] {
    return [...people.value.values()].filter((p) => p.klass.id === classId).map((p) => p.student);
  }

  /** The PIN fallback: a student names their class and roll number; the teacher confirms later. */
  async function pinCheckin(classId: string, rollNo: string, reason: string): Promise<KioskResult> {
    const student = studentsOf(classId).find((s) => s.rollNo.trim() === rollNo.trim());
    if (!student) return { tone: 'red', title: 'Not found', detail: `There is no roll number ${rollNo} in that class. Please see your teacher.`, studentId: null };
    const entry: PinCheckin = { id: crypto.randomUUID(), studentId: student.id, classId, at: new Date().toISOString(), reason };
    checkins.value = [...checkins.value, entry];
    await saveCheckins();
    result.value = { tone: 'amber', title: student.fullName, detail: 'Your teacher will confirm your check-in.', studentId: student.id };
    return result.value;
  }

  /** The teacher confirms a PIN check-in: a mark by hand, present, in that day's session. */
  async function confirmCheckin(id: string) {
    if (!unlocked.value) throw new Error('Enter the teacher PIN first.');
    const entry = checkins.value.find((c) => c.id === id);
    const person = entry && people.value.get(entry.studentId);
    if (entry && person) {
      const at = new Date(entry.at);
      const session = await sessionFor(person.klass, at);
      const current = (await listMarks(db(), session.id)).map(markOfRow);
      await saveMarks(db(), session.id, setManualMark(current, entry.studentId, 'present', entry.at), device);
    }
    await dropCheckin(id);
  }

  async function dropCheckin(id: string) {
    if (!unlocked.value) throw new Error('Enter the teacher PIN first.');
    checkins.value = checkins.value.filter((c) => c.id !== id);
    await saveCheckins();
  }

  return {
    pinSet, locked, unlocked, state, result, checkins, classes, model, busy, error, prompt, step,
    configure, load, setPin, pinWait, unlock, trainSchoolModel, enrolledNow, startKiosk, exitKiosk, relock, reset, handleFrame,
    studentsOf, pinCheckin, confirmCheckin, dropCheckin, nameOf,
  };
});

/** For a router guard: while true, every route but the kiosk's should lead back to it. */
export async function isKioskLocked(db: RollcallDb = getDb()): Promise<boolean> {
  return getSetting(db, LOCK_SETTING, false);
}
