/**
 * The session being taken: photos and camera frames go to the worker, the
 * rules in attendance/ decide the marks, and every change is written to
 * IndexedDB at once, so a reload resumes where the teacher was: the class
 * photos under review too, sealed, until the session is finished.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { applyAutoMarks, clearMark, createFaceTracker, faceLabel, finaliseMarks, rejectFace, setManualMark } from '@/attendance';
import { newFaces, type SeenFace } from '@/attendance/distinctFaces';
import { attendanceRules } from '@/attendance/policy';
import { DEFAULT_RULES, type AttendanceRules, type AttendanceStatus, type FaceLabelKind, type FaceVerdict, type Mark } from '@/attendance/types';
import { getDb, type RollcallDb } from '@/db/db';
import { getClass, listStudents, type ClassRow, type StudentRow } from '@/db/classes';
import { addFaceSamples, addNegative } from '@/db/faceSamples';
import { addRecognitionEvents, createSession, getSession, listMarks, listSessions, markOfRow, saveMarks, updateSession, type MarkRow, type SaveMarksOptions, type SessionMode, type SessionRow } from '@/db/sessions';
import { deviceId } from '@/db/settings';
import { deleteReviewPhotos, listReviewPhotos, saveReviewFaces, saveReviewPhoto } from '@/db/reviewPhotos';
import type { Recognition } from '@/ml/classifier';
import { CURRENT_DESCRIPTOR, UNKNOWN } from '@/ml/classifier/types';
import { cropFace } from '@/ml/faceCrop';
import type { Face } from '@/ml/types';
import type { ClassModelSource } from '@/ml/worker/client';
import type { IdentifyResult } from '@/ml/worker/protocol';
import { useEnrolmentStore } from './enrolment';
import { useFaceEngineStore } from './faceEngine';
import { useClassModelsStore } from './classModels';
import { describeError } from './errors';
import { policyOfDevice } from './devicePolicy';

/** One face of a reviewed photo, with what the recogniser made of it. */
export interface ReviewFace {
  key: string;
  face: Face;
  verdict: FaceVerdict;
  kind: FaceLabelKind;
  recognition: Recognition;
  /** Set once the teacher said who it is (or that it is not the suggested student). */
  resolved: 'confirmed' | 'corrected' | 'rejected' | null;
}

export interface ReviewPhoto {
  id: string;
  url: string;
  width: number;
  height: number;
  scale: number;
  faces: ReviewFace[];
}

/** `liveness` is the face's passive liveness score, when the worker was asked for one; `face` names the face (MarkEvidence.face). */
export function verdictOf(r: Recognition, liveness?: number, face?: string): FaceVerdict {
  return {
    studentId: r.label === UNKNOWN ? null : r.label,
    candidateId: r.candidate,
    confidence: r.probability,
    ...(liveness !== undefined ? { liveness } : {}),
    ...(face !== undefined ? { face } : {}),
  };
}

export const useAttendanceStore = defineStore('attendance', () => {
  const dbRef = shallowRef<RollcallDb | null>(null);
  const session = ref<SessionRow | null>(null);
  const klass = ref<ClassRow | null>(null);
  const roster = ref<StudentRow[]>([]);
  const marks = ref<Mark[]>([]);
  const markRows = ref<MarkRow[]>([]);
  const photos = ref<ReviewPhoto[]>([]);
  const busy = ref<string | null>(null);
  const error = ref<string | null>(null);
  const rules = ref<AttendanceRules>({ ...DEFAULT_RULES });
  let device = 'this-device';
  let tracker = createFaceTracker();
  let trackerKey = 'none';
  /** The faces this session's photos showed so far, for a count of distinct faces. */
  let facesSeen: SeenFace[] = [];
  const db = () => dbRef.value ?? getDb();

  const byStudent = computed(() => new Map(marks.value.map((m) => [m.studentId, m])));
  const nameOf = computed(() => new Map(roster.value.map((s) => [s.id, s.fullName])));

  function configure(options: { db: RollcallDb }) {
    dbRef.value = options.db;
  }

  async function start(classId: string, mode: SessionMode, takenBy: string, startsAt = new Date()): Promise<SessionRow> {
    device = await deviceId(db());
    const row = await createSession(db(), { classId, startsAt: startsAt.toISOString(), takenBy, mode, device });
    await open(row.id);
    return row;
  }

  /** The class's unfinished session from today, if any: the one to resume after a reload. */
  async function unfinishedToday(classId: string, now = new Date()): Promise<SessionRow | undefined> {
    const day = now.toISOString().slice(0, 10);
    return (await listSessions(db(), classId)).find((s) => !s.finalisedAt && s.startsAt.slice(0, 10) === day);
  }

  async function open(sessionId: string) {
    device = await deviceId(db());
    const row = await getSession(db(), sessionId);
    if (!row) throw new Error('This session no longer exists.');
    const cls = await getClass(db(), row.classId);
    if (!cls) throw new Error('The class of this session was deleted.');
    session.value = row;
    klass.value = cls;
    roster.value = await listStudents(db(), row.classId);
    await readMarks(row.id);
    for (const p of photos.value) URL.revokeObjectURL(p.url);
    const kept = await listReviewPhotos<ReviewFace>(db(), row.id);
    photos.value = kept.map(({ image, id, width, height, scale, faces }) => ({ id, url: URL.createObjectURL(image), width, height, scale, faces }));
    facesSeen = kept.flatMap((p) => p.faces.map((f) => ({ studentId: f.verdict.studentId, descriptor: f.face.descriptor ?? null })));
    rules.value = attendanceRules({ ...(await policyOfDevice(db())), klass: cls });
    // The tracker confirms at the same confidence that marks, or a confirmed student could be skipped.
    tracker = createFaceTracker({ minConfidence: rules.value.autoMarkConfidence });
    // Track ids start again with each tracker: the key keeps faces of one camera run apart from another's.
    trackerKey = crypto.randomUUID().slice(0, 8);
    error.value = null;
  }

  async function readMarks(sessionId: string) {
    showMarks(await listMarks(db(), sessionId));
  }

  function showMarks(rows: MarkRow[]) {
    markRows.value = rows;
    marks.value = rows.map(markOfRow);
  }

  /** After a sync: the open session's marks as this device now holds them (a pull may have merged other phones' marks in), so the next save starts from them. */
  async function reloadMarks() {
    if (session.value) await readMarks(session.value.id);
  }

  /**
   * Saves what a rule changed: the marks that differ from those on screen,
   * and clears of the students it left out. Only those: a mark another
   * phone's sync brought in since the screen last read is not undone. The
   * screen then shows the session's marks as stored.
   */
  async function persist(next: Mark[], options: Pick<SaveMarksOptions, 'byHand'> = {}) {
    const s = session.value!;
    const before = new Map(marks.value.map((m) => [m.studentId, JSON.stringify(m)]));
    const changed = next.filter((m) => before.get(m.studentId) !== JSON.stringify(m));
    const clear = marks.value.filter((m) => !next.some((n) => n.studentId === m.studentId)).map((m) => m.studentId);
    showMarks(await saveMarks(db(), s.id, changed, device, new Date(), { ...options, clear }));
  }

  /** The class's model in use: the worker reads and keeps it once per version, not with every photo or frame. */
  async function classModel(): Promise<ClassModelSource> {
    const active = await useClassModelsStore().activeModel(session.value!.classId);
    if (!active) throw new Error('No face model for this class yet: enrol at least two students (two photos each) first, or mark by hand.');
    return active;
  }

  async function log(result: IdentifyResult, at: string) {
    await addRecognitionEvents(
      db(),
      result.recognitions.map((r, i) => ({
        sessionId: session.value!.id,
        at,
        studentId: r.label === UNKNOWN ? null : r.label,
        confidence: r.probability,
        device,
        box: result.faces[i]?.box ?? null,
        reason: r.reason,
      })),
    );
  }

  /** One class photo: every face boxed and named, present marks added, nobody marked twice across photos. */
  async function addPhoto(file: Blob) {
    if (!session.value) throw new Error('Start a session first.');
    busy.value = 'Finding faces…';
    error.value = null;
    try {
      const result = await useFaceEngineStore().identify(file, { model: await classModel(), roster: roster.value.map((s) => s.id), liveness: true });
      const at = new Date().toISOString();
      const id = crypto.randomUUID();
      const verdicts = result.recognitions.map((r, i) => verdictOf(r, result.liveness?.[i]?.score, `${id}-${i}`));
      const applied = applyAutoMarks(marks.value, verdicts, { startsAt: session.value.startsAt, at, rules: rules.value });
      await persist(applied.marks);
      await log(result, at);
      const s = session.value;
      const fresh = newFaces(facesSeen, result.faces.map((f, i) => ({ studentId: verdicts[i]!.studentId, descriptor: f.descriptor ?? null })));
      facesSeen = [...facesSeen, ...fresh];
      await updateSession(db(), s.id, { photos: s.photos + 1, facesDetected: s.facesDetected + fresh.length });
      session.value = { ...s, photos: s.photos + 1, facesDetected: s.facesDetected + fresh.length };
      const faces: ReviewFace[] = result.faces.map((face, i) => ({
        key: `${id}-${i}`,
        face,
        verdict: verdicts[i]!,
        kind: faceLabel(verdicts[i]!, rules.value),
        recognition: result.recognitions[i]!,
        resolved: null,
      }));
      await saveReviewPhoto(db(), { id, sessionId: s.id, classId: s.classId, width: result.width, height: result.height, scale: result.scale, image: file, faces });
      photos.value = [...photos.value, { id, url: URL.createObjectURL(file), width: result.width, height: result.height, scale: result.scale, faces }];
      return { faces: result.faces.length, added: applied.added.length };
    } catch (err) {
      error.value = describeError(err);
      throw err;
    } finally {
      busy.value = null;
    }
  }

  /**
   * One camera frame: faces are tracked across frames and a student is marked
   * only once the tracker has seen the same match over several frames.
   */
  async function addFrame(frame: ImageBitmap, model: ClassModelSource) {
    const s = session.value;
    if (!s) {
      frame.close();
      throw new Error('Start a session first.');
    }
    const result = await useFaceEngineStore().identify(frame, { model, roster: roster.value.map((st) => st.id), analyze: { detector: 'tiny', tiling: 'off' }, liveness: true });
    const update = tracker.update(result.faces.map((f, i) => ({ box: f.box, verdict: verdictOf(result.recognitions[i]!, result.liveness?.[i]?.score) })), performance.now());
    if (result.faces.length > s.facesDetected) {
      await updateSession(db(), s.id, { facesDetected: result.faces.length });
      session.value = { ...s, facesDetected: result.faces.length };
    }
    if (update.confirmed.length) {
      const at = new Date().toISOString();
      // A confirmed track is the face its mark rests on.
      const confirmed = update.confirmed.map((c) => ({ ...c.verdict, face: `live-${trackerKey}-${c.trackId}` }));
      await persist(applyAutoMarks(marks.value, confirmed, { startsAt: s.startsAt, at, rules: rules.value }).marks);
      await log(result, at);
    }
    return { result, tracks: update.tracks };
  }

  async function setStatus(studentId: string, status: AttendanceStatus) {
    await persist(setManualMark(marks.value, studentId, status, new Date().toISOString()));
  }

  /** The teacher clears a mark by hand (manual ones included): the student is unmarked, and the clear syncs as the teacher's change. */
  async function unmark(studentId: string) {
    await persist(clearMark(marks.value, studentId, { includeManual: true }), { byHand: true });
  }

  /** Kept on the phone before the screen shows it: what the teacher sees answered survives a reload. */
  async function updateFace(photoId: string, key: string, change: Partial<ReviewFace>) {
    const photo = photos.value.find((p) => p.id === photoId);
    if (!photo) return;
    const faces = photo.faces.map((f) => (f.key === key ? { ...f, ...change } : f));
    await saveReviewFaces(db(), photoId, faces);
    photos.value = photos.value.map((p) => (p.id !== photoId ? p : { ...p, faces }));
  }

  /** "This is …": the student is present (a manual mark), and the face becomes one of their samples. */
  async function thisIs(photo: ReviewPhoto, face: ReviewFace, studentId: string) {
    const status = byStudent.value.get(studentId)?.status;
    await setStatus(studentId, status === 'late' ? 'late' : 'present');
    const student = roster.value.find((r) => r.id === studentId);
    // The face is kept to improve recognition only with consent on record; the mark stands either way.
    const consented = !!student && !(await useEnrolmentStore().consentRefusal(student));
    if (face.face.descriptor && face.face.quality.ok && consented) {
      const file = await fetch(photo.url).then((r) => r.blob());
      await addFaceSamples(db(), [{
        studentId, classId: session.value!.classId, descriptor: face.face.descriptor, descriptorVersion: CURRENT_DESCRIPTOR.version,
        crop: await cropFace(file, face.face.box, photo.scale), quality: face.face.quality, source: 'correction',
      }]);
      await useEnrolmentStore().scheduleRetrain(session.value!.classId);
    }
    await updateFace(photo.id, face.key, { resolved: face.verdict.studentId === studentId ? 'confirmed' : 'corrected', verdict: { studentId, candidateId: studentId, confidence: 1 }, kind: 'named' });
  }

  /**
   * "Not …": what rested on this face goes (the student's automatic mark,
   * unless another face still shows them), and the face is kept as a
   * negative so the next model learns it.
   */
  async function notThis(photo: ReviewPhoto, face: ReviewFace) {
    const wrong = face.verdict.studentId ?? face.verdict.candidateId;
    if (!wrong) return;
    // A mark the teacher set by hand stays, and so does one that other faces show.
    await persist(rejectFace(marks.value, wrong, face.key, { startsAt: session.value!.startsAt, rules: rules.value }));
    if (face.face.descriptor) {
      await addNegative(db(), { studentId: wrong, classId: session.value!.classId, descriptor: face.face.descriptor, descriptorVersion: CURRENT_DESCRIPTOR.version });
      await useEnrolmentStore().scheduleRetrain(session.value!.classId);
    }
    await updateFace(photo.id, face.key, { resolved: 'rejected', verdict: { studentId: null, candidateId: null, confidence: 0 }, kind: 'unknown' });
  }

  /** Everyone not seen is absent; the session is closed for automatic marks. */
  async function finalise() {
    const s = session.value!;
    const at = new Date().toISOString();
    await persist(finaliseMarks(roster.value.map((st) => st.id), marks.value, at));
    await updateSession(db(), s.id, { finalisedAt: at });
    // Kept only for review: a finished session's photos leave the phone (the screen keeps them until it closes).
    await deleteReviewPhotos(db(), s.id);
    session.value = { ...s, finalisedAt: at };
  }

  async function reopen() {
    const s = session.value!;
    await updateSession(db(), s.id, { finalisedAt: null });
    session.value = { ...s, finalisedAt: null };
  }

  function close() {
    for (const p of photos.value) URL.revokeObjectURL(p.url);
    photos.value = [];
    facesSeen = [];
    session.value = null;
  }

  return {
    session, klass, roster, marks, markRows, photos, busy, error, rules, byStudent, nameOf,
    configure, start, unfinishedToday, open, reloadMarks, addPhoto, addFrame, classModel, setStatus, unmark, thisIs, notThis, finalise, reopen, close,
  };
});
