/**
 * Enrolment: a student's face photos (from the camera, a file or a folder),
 * each checked before it is kept, and the class model retrained after every
 * change. Classifier labels are student ids. A photo that looks like a
 * classmate, or unlike the student's other photos, is held here (never
 * stored, never trained on) until the teacher keeps or drops it.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { getDb, type RollcallDb } from '@/db/db';
import { addFaceSamples, deleteFaceSample, listClassFaces, listClassNegatives, listFaceSamples, type FaceSampleRow, type NewFaceSample, type OpenedFaces, type SampleFace, type SampleSource } from '@/db/faceSamples';
import { listStudents, type StudentRow } from '@/db/classes';
import { enrolmentCheck } from '@/ml/classifier/enrolmentCheck';
import { CURRENT_DESCRIPTOR, type TrainingSample } from '@/ml/classifier/types';
import { cropFace } from '@/ml/faceCrop';
import type { Face } from '@/ml/types';
import type { PhotoResult } from '@/ml/worker/protocol';
import { useFaceEngineStore } from './faceEngine';
import { useClassModelsStore, type TrainingData } from './classModels';
import {
  checkEnrolmentConsent,
  checkEnrolmentFace,
  doubtAboutPhoto,
  doubtBadge,
  doubtQuestion,
  doubtStatement,
  judgeNewPhotos,
  matchFolderToStudent,
  type EnrolmentRefusal,
  type PhotoDoubt,
} from '@/enrolment/photos';
import type { FolderRefusal } from '@/enrolment/folderReport';
import { listConsents } from '@/db/consents';
import { consentStatus } from '@/privacy/consent';
import { describeError } from './errors';

/** The classifier needs two photos of a student to hold one out. */
export const MIN_PHOTOS_TO_TRAIN = 2;

export interface EnrolOutcome {
  ok: boolean;
  /** Why the photo was refused or held back, or what to watch out for when it was kept. */
  messages: string[];
  refusal?: EnrolmentRefusal;
  sample?: FaceSampleRow;
  /** Held back until the teacher answers `question` (keepDoubtful / dropDoubtful). */
  doubtful?: DoubtfulPhoto;
}

/** A photo waiting on the teacher: what they see to decide. The face itself stays inside the store. */
export interface DoubtfulPhoto {
  id: string;
  studentId: string;
  classId: string;
  studentName: string;
  /** Where it came from: a file name, a folder path, or null for a camera shot. */
  file: string | null;
  doubt: PhotoDoubt;
  /** "This looks like Penny Hill, not Howard Wu. Keep it anyway?" */
  question: string;
  crop: Blob | null;
}

export interface FolderImportReport {
  enrolled: number;
  /** Photo by photo; `groupFolderRefusals` (enrolment/folderReport.ts) makes the teacher's lines of them. */
  refused: FolderRefusal[];
  unmatchedFolders: string[];
  /** Ids of this import's photos held back for the teacher (see `doubtful`). */
  doubtful: string[];
}

export const useEnrolmentStore = defineStore('enrolment', () => {
  const dbRef = shallowRef<RollcallDb | null>(null);
  const samples = ref<FaceSampleRow[]>([]);
  const progress = ref<{ done: number; total: number; message: string } | null>(null);
  const trainingNote = ref<Record<string, string>>({});
  const doubtful = shallowRef<DoubtfulPhoto[]>([]);
  /** The held photos' face data, out of reactive state: written only when the teacher keeps one. */
  const held = new Map<string, NewFaceSample>();
  /**
   * The import each held photo came with. A batch retrains the class once, when its last photo is
   * answered and if any was kept: a teacher answering twenty photos one by one would otherwise make twenty model versions.
   */
  const batchOf = new Map<string, string>();
  const keptInBatch = new Set<string>();
  /** Names of the students the loaded samples look like, by student id. */
  const otherNames = ref<Record<string, string>>({});
  /** Whose photos `samples` holds. */
  let loadedStudent: string | null = null;
  /**
   * Each class's faces opened so far: judging a photo, the note and the
   * retrain after it all read the class's faces, and each stored face is
   * decrypted once, not once per read.
   */
  let opened = new Map<string, OpenedFaces>();
  const db = () => dbRef.value ?? getDb();

  function configure(options: { db: RollcallDb }) {
    dbRef.value = options.db;
    opened = new Map();
  }

  function openedOf(classId: string): OpenedFaces {
    let faces = opened.get(classId);
    if (!faces) opened.set(classId, (faces = new Map()));
    return faces;
  }

  /** The class's faces, without crops, each decrypted once per session. */
  function classFaces(classId: string): Promise<SampleFace[]> {
    return listClassFaces(db(), classId, openedOf(classId));
  }

  /** Samples this store just wrote: their faces are known without opening them. */
  function remember(rows: readonly FaceSampleRow[]) {
    for (const r of rows) openedOf(r.classId).set(r.id, { descriptor: r.descriptor, ...(r.augmented?.length ? { augmented: r.augmented } : {}) });
  }

  async function loadSamples(studentId: string) {
    const rows = await listFaceSamples(db(), studentId);
    const classId = rows.find((r) => r.doubtful)?.classId;
    otherNames.value = classId ? Object.fromEntries(await names(classId)) : {};
    samples.value = rows;
    loadedStudent = studentId;
  }

  /** The doubt mark of each loaded sample that was kept anyway, by sample id. */
  function sampleBadges(studentName: string): Record<string, string> {
    return Object.fromEntries(samples.value.flatMap((s) => (s.doubtful ? [[s.id, doubtBadge(s.doubtful, studentName, otherName(s.doubtful, otherNames.value))]] : [])));
  }

  /** Everything the class model trains on: students with enough photos, and the teacher's corrections. */
  async function trainingData(classId: string): Promise<TrainingData & { skipped: string[] }> {
    const [rows, negatives, students] = await Promise.all([classFaces(classId), listClassNegatives(db(), classId), listStudents(db(), classId)]);
    const current = new Set(students.map((s) => s.id));
    const usable = rows.filter((r) => current.has(r.studentId) && r.descriptorVersion === CURRENT_DESCRIPTOR.version);
    const counts = new Map<string, number>();
    for (const r of usable) counts.set(r.studentId, (counts.get(r.studentId) ?? 0) + 1);
    const skipped = students.filter((s) => (counts.get(s.id) ?? 0) > 0 && counts.get(s.id)! < MIN_PHOTOS_TO_TRAIN).map((s) => s.fullName);
    const trained = usable.filter((r) => counts.get(r.studentId)! >= MIN_PHOTOS_TO_TRAIN);
    return {
      samples: trained.map((r) => ({ label: r.studentId, descriptor: r.descriptor })),
      extraSamples: trained.flatMap((r) => (r.augmented ?? []).map((descriptor) => ({ label: r.studentId, descriptor }))),
      negatives: negatives.filter((n) => current.has(n.studentId) && n.descriptorVersion === CURRENT_DESCRIPTOR.version).map((n) => ({ label: n.studentId, descriptor: n.descriptor })),
      skipped,
    };
  }

  /** Says plainly when there is not enough to train on yet; returns the training data. */
  async function refreshNote(classId: string) {
    const data = await trainingData(classId);
    const enrolled = new Set(data.samples.map((s) => s.label)).size;
    const notes: string[] = [];
    if (enrolled < 2) notes.push('Enrol at least two students (two photos each) to start recognising faces.');
    if (data.skipped.length) notes.push(`Needs one more photo: ${data.skipped.join(', ')}.`);
    trainingNote.value = { ...trainingNote.value, [classId]: notes.join(' ') };
    return { data, enrolled };
  }

  /** Retrains the class after edits settle (debounced in the models store). */
  async function scheduleRetrain(classId: string) {
    const { enrolled } = await refreshNote(classId);
    if (enrolled < 2) return;
    useClassModelsStore().scheduleRetrain(classId, async () => trainingData(classId));
  }

  async function names(classId: string): Promise<Map<string, string>> {
    return new Map((await listStudents(db(), classId)).map((s) => [s.id, s.fullName]));
  }

  /** Why no photo of `student` can be kept (no consent in force), or null. The database checks again when it writes. */
  async function consentRefusal(student: StudentRow): Promise<EnrolmentRefusal | null> {
    return checkEnrolmentConsent(student, consentStatus(await listConsents(db(), student.id)).state);
  }

  /** The class's photos that a new one is judged against: current students, current descriptors. */
  async function comparableSamples(classId: string): Promise<{ rows: SampleFace[]; who: Map<string, string> }> {
    const [all, who] = await Promise.all([classFaces(classId), names(classId)]);
    return { rows: all.filter((s) => who.has(s.studentId) && s.descriptorVersion === CURRENT_DESCRIPTOR.version), who };
  }

  function newSample(student: StudentRow, face: Face, crop: Blob | null, source: SampleSource, augmented: number[][]): NewFaceSample {
    return { studentId: student.id, classId: student.classId, descriptor: face.descriptor!, descriptorVersion: CURRENT_DESCRIPTOR.version, augmented, crop, quality: face.quality, source };
  }

  /** Keeps the photo aside, for the teacher to keep or drop. */
  function holdBack(student: StudentRow, sample: NewFaceSample, doubt: PhotoDoubt, who: Map<string, string>, file: string | null, batch: string = crypto.randomUUID()): EnrolOutcome {
    const other = otherName(doubt, Object.fromEntries(who));
    const photo: DoubtfulPhoto = {
      id: crypto.randomUUID(),
      studentId: student.id,
      classId: student.classId,
      studentName: student.fullName,
      file,
      doubt,
      question: doubtQuestion(doubt, student.fullName, other),
      crop: sample.crop,
    };
    held.set(photo.id, sample);
    batchOf.set(photo.id, batch);
    doubtful.value = [...doubtful.value, photo];
    return { ok: false, messages: [doubtStatement(doubt, student.fullName, other)], doubtful: photo };
  }

  /** Keeps one face as a sample of `student`, unless it looks like someone else: then it waits for the teacher. */
  async function keepFace(student: StudentRow, sample: NewFaceSample, file: string | null): Promise<EnrolOutcome> {
    const { rows, who } = await comparableSamples(student.classId);
    const own = rows.filter((s) => s.studentId === student.id).map((s) => s.descriptor);
    const classmates = rows.filter((s) => s.studentId !== student.id);
    const doubt = doubtAboutPhoto(sample.descriptor, own, classmates);
    if (doubt) return holdBack(student, sample, doubt, who, file);
    const others: TrainingSample[] = classmates.map((s) => ({ label: s.studentId, descriptor: s.descriptor }));
    const check = enrolmentCheck(others, { label: student.id, descriptors: [...own, sample.descriptor] });
    // Whether this photo is of the student was decided above; these are notes for the class as a whole.
    const messages = check.warnings
      .filter((w) => w.kind === 'looks-like' || w.kind === 'duplicate-photos')
      .map((w) => [...who].reduce((m, [id, name]) => m.replaceAll(id, name), w.message));
    const [kept] = await addFaceSamples(db(), [sample]);
    remember([kept!]);
    await scheduleRetrain(student.classId);
    return { ok: true, messages, sample: kept };
  }

  function takeHeld(id: string): { photo: DoubtfulPhoto; sample: NewFaceSample } {
    const photo = doubtful.value.find((d) => d.id === id);
    const sample = held.get(id);
    if (!photo || !sample) throw new Error('That photo is no longer waiting for an answer.');
    return { photo, sample };
  }

  /** Forgets an answered photo; the class to retrain when it was the last of its batch and one of the batch was kept. */
  function answered(id: string, kept: boolean): string | null {
    const classId = doubtful.value.find((d) => d.id === id)?.classId ?? null;
    const batch = batchOf.get(id);
    held.delete(id);
    batchOf.delete(id);
    doubtful.value = doubtful.value.filter((d) => d.id !== id);
    if (!batch) return null;
    if (kept) keptInBatch.add(batch);
    if ([...batchOf.values()].includes(batch) || !keptInBatch.delete(batch)) return null;
    return classId;
  }

  /** The teacher says a held photo is of its student after all: it is kept, marked, and the class retrains with it. */
  async function keepDoubtful(id: string): Promise<FaceSampleRow> {
    const { photo, sample } = takeHeld(id);
    const who = await names(photo.classId);
    if (!who.has(photo.studentId)) {
      const retrain = answered(id, false);
      if (retrain) await scheduleRetrain(retrain);
      throw new Error(`${photo.studentName} is no longer in this class; the photo was not kept.`);
    }
    const [kept] = await addFaceSamples(db(), [{ ...sample, doubtful: { ...photo.doubt, keptAt: new Date().toISOString() } }]);
    remember([kept!]);
    const retrain = answered(id, true);
    if (loadedStudent === photo.studentId) {
      otherNames.value = { ...otherNames.value, ...Object.fromEntries(who) };
      samples.value = [...samples.value, kept!];
    }
    if (retrain) await scheduleRetrain(retrain);
    return kept!;
  }

  /** The teacher does not keep a held photo: nothing of it remains. */
  function dropDoubtful(id: string) {
    takeHeld(id);
    const retrain = answered(id, false);
    if (retrain) void scheduleRetrain(retrain);
  }

  function refused(refusal: EnrolmentRefusal): EnrolOutcome {
    return { ok: false, messages: [refusal.message], refusal };
  }

  /** The one good face of a photo file, cropped, ready to keep; or why there is none. */
  async function readPhoto(student: StudentRow, file: Blob, source: SampleSource): Promise<{ refusal: EnrolmentRefusal } | { sample: NewFaceSample }> {
    const result = await useFaceEngineStore().describeFaces(file, { augment: true });
    const refusal = checkEnrolmentFace(result.faces);
    if (refusal) return { refusal };
    const face = result.faces[0]!;
    return { sample: newSample(student, face, await cropFace(file, face.box, result.scale), source, result.augmented ?? []) };
  }

  /** A photo from a file: exactly one good face of this student, or a clear reason why not. */
  async function enrolPhoto(student: StudentRow, file: Blob, source: SampleSource = 'upload'): Promise<EnrolOutcome> {
    const noConsent = await consentRefusal(student);
    if (noConsent) return refused(noConsent);
    const photo = await readPhoto(student, file, source);
    if ('refusal' in photo) return refused(photo.refusal);
    return keepFace(student, photo.sample, file instanceof File ? file.name : null);
  }

  /** A shot the guided camera already analysed and cropped. */
  async function enrolCaptured(student: StudentRow, result: PhotoResult, crop: Blob): Promise<EnrolOutcome> {
    const refusal = (await consentRefusal(student)) ?? checkEnrolmentFace(result.faces);
    if (refusal) return refused(refusal);
    return keepFace(student, newSample(student, result.faces[0]!, crop, 'camera', []), null);
  }

  async function removeSample(sample: FaceSampleRow) {
    await deleteFaceSample(db(), sample.id);
    samples.value = samples.value.filter((s) => s.id !== sample.id);
    await scheduleRetrain(sample.classId);
  }

  /**
   * A folder of folders, one per student named by roll number or name
   * (`12/a.jpg`, `Priya Shah/b.jpg`), as a browser folder picker gives it.
   * Every photo is read first, then all are judged together with the photos
   * already kept, so a classmate's photo in the wrong folder is caught
   * whichever folder comes first; those are held back for the teacher.
   */
  async function importFolder(classId: string, files: readonly File[]): Promise<FolderImportReport> {
    const students = await listStudents(db(), classId);
    const report: FolderImportReport = { enrolled: 0, refused: [], unmatchedFolders: [], doubtful: [] };
    const images = files.filter((f) => /\.(jpe?g|png|webp)$/i.test(f.name));
    const unmatched = new Set<string>();
    // Checked once per student: a folder of photos without consent is not even read.
    const noConsent = new Map<string, EnrolmentRefusal | null>();
    const read: { student: StudentRow; file: string; sample: NewFaceSample }[] = [];
    const batch = crypto.randomUUID();
    progress.value = { done: 0, total: images.length, message: 'Reading photos' };
    try {
      for (const [i, file] of images.entries()) {
        const parts = (file.webkitRelativePath || file.name).split('/');
        // Without a folder (a plain multi-file pick), the file name stands in: `12-1.jpg`, `Priya Shah.jpg`.
        const folder = parts.length >= 2 ? parts[parts.length - 2]! : file.name.replace(/\.[^.]+$/, '');
        const student = matchFolderToStudent(folder, students);
        const path = `${folder}/${file.name}`;
        progress.value = { done: i, total: images.length, message: path };
        if (!student) {
          unmatched.add(folder || file.name);
          continue;
        }
        if (!noConsent.has(student.id)) noConsent.set(student.id, await consentRefusal(student));
        const refusal = noConsent.get(student.id);
        const whose = { studentId: student.id, studentName: student.fullName };
        if (refusal) {
          report.refused.push({ file: path, reason: refusal.message, kind: refusal.kind, ...whose });
          continue;
        }
        try {
          const photo = await readPhoto(student, file, 'folder');
          if ('refusal' in photo) report.refused.push({ file: path, reason: photo.refusal.message, kind: photo.refusal.kind, ...whose });
          else read.push({ student, file: path, sample: photo.sample });
        } catch (err) {
          report.refused.push({ file: path, reason: describeError(err), ...whose });
        }
      }

      progress.value = { done: images.length, total: images.length, message: 'Checking each photo is of its student' };
      const { rows, who } = await comparableSamples(classId);
      const doubts = judgeNewPhotos(read.map((r) => r.sample), rows);
      for (const [i, r] of read.entries()) {
        const doubt = doubts[i];
        if (doubt) {
          report.doubtful.push(holdBack(r.student, r.sample, doubt, who, r.file, batch).doubtful!.id);
          continue;
        }
        try {
          remember(await addFaceSamples(db(), [r.sample]));
          report.enrolled++;
        } catch (err) {
          report.refused.push({ file: r.file, reason: describeError(err) });
        }
      }
      if (report.enrolled) await scheduleRetrain(classId);
    } finally {
      progress.value = null;
    }
    report.unmatchedFolders = [...unmatched];
    return report;
  }

  return {
    samples,
    progress,
    trainingNote,
    doubtful,
    configure,
    loadSamples,
    sampleBadges,
    trainingData,
    refreshNote,
    scheduleRetrain,
    consentRefusal,
    enrolPhoto,
    enrolCaptured,
    keepDoubtful,
    dropDoubtful,
    removeSample,
    importFolder,
  };
});

/** The name of the student a doubt is about, when they are still in the class. */
function otherName(doubt: PhotoDoubt, names: Record<string, string>): string | null {
  return doubt.otherStudentId ? (names[doubt.otherStudentId] ?? null) : null;
}
