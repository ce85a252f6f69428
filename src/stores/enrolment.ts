/**
 * Enrolment: a student's face photos (from the camera, a file or a folder),
 * each checked before it is kept, and the class model retrained after every
 * change. Classifier labels are student ids.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { getDb, type RollcallDb } from '@/db/db';
import { addFaceSamples, deleteFaceSample, listClassFaceSamples, listClassNegatives, listFaceSamples } from '@/db/faceSamples';
import { listStudents } from '@/db/classes';
import type { FaceSampleRow, SampleSource, StudentRow } from '@/db/rows';
import { CURRENT_DESCRIPTOR, enrolmentCheck, type TrainingSample } from '@/ml/classifier';
import { cropFace } from '@/ml/faceCrop';
import type { Face } from '@/ml/types';
import type { PhotoResult } from '@/ml/worker/protocol';
import { useFaceEngineStore } from './faceEngine';
import { useModelsStore, type TrainingData } from './models';
import { checkEnrolmentConsent, checkEnrolmentFace, matchFolderToStudent, type EnrolmentRefusal } from './enrolmentRules';
import { listConsents } from '@/db/consents';
import { consentStatus } from '@/privacy/consent';
import { describeError } from './errors';

/** The classifier needs two photos of a student to hold one out. */
export const MIN_PHOTOS_TO_TRAIN = 2;

export interface EnrolOutcome {
  ok: boolean;
  /** Why the photo was refused, or what to watch out for when it was kept. */
  messages: string[];
  refusal?: EnrolmentRefusal;
  sample?: FaceSampleRow;
}

export interface FolderImportReport {
  enrolled: number;
  refused: { file: string; reason: string }[];
  unmatchedFolders: string[];
}

export const useEnrolmentStore = defineStore('enrolment', () => {
  const dbRef = shallowRef<RollcallDb | null>(null);
  const samples = ref<FaceSampleRow[]>([]);
  const progress = ref<{ done: number; total: number; message: string } | null>(null);
  const trainingNote = ref<Record<string, string>>({});
  const db = () => dbRef.value ?? getDb();

  function configure(options: { db: RollcallDb }) {
    dbRef.value = options.db;
  }

  async function loadSamples(studentId: string) {
    samples.value = await listFaceSamples(db(), studentId);
  }

  /** Everything the class model trains on: students with enough photos, and the teacher's corrections. */
  async function trainingData(classId: string): Promise<TrainingData & { skipped: string[] }> {
    const [rows, negatives, students] = await Promise.all([listClassFaceSamples(db(), classId), listClassNegatives(db(), classId), listStudents(db(), classId)]);
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
    useModelsStore().scheduleRetrain(classId, async () => trainingData(classId));
  }

  async function names(classId: string): Promise<Map<string, string>> {
    return new Map((await listStudents(db(), classId)).map((s) => [s.id, s.fullName]));
  }

  /** Why no photo of `student` can be kept (no consent in force), or null. The database checks again when it writes. */
  async function consentRefusal(student: StudentRow): Promise<EnrolmentRefusal | null> {
    return checkEnrolmentConsent(student, consentStatus(await listConsents(db(), student.id)).state);
  }

  /** Keeps one face as a sample of `student`, after the look-alike check. */
  async function keepFace(student: StudentRow, face: Face, crop: Blob | null, source: SampleSource, augmented: number[][] = []): Promise<EnrolOutcome> {
    const all = await listClassFaceSamples(db(), student.classId);
    const others: TrainingSample[] = all.filter((s) => s.studentId !== student.id).map((s) => ({ label: s.studentId, descriptor: s.descriptor }));
    const own = all.filter((s) => s.studentId === student.id).map((s) => s.descriptor);
    const check = enrolmentCheck(others, { label: student.id, descriptors: [...own, face.descriptor!] });
    const who = await names(student.classId);
    const messages = check.warnings
      .filter((w) => w.kind === 'looks-like' || w.kind === 'duplicate-photos' || w.kind === 'inconsistent-photos')
      .map((w) => [...who].reduce((m, [id, name]) => m.replaceAll(id, name), w.message));
    const [sample] = await addFaceSamples(db(), [
      { studentId: student.id, classId: student.classId, descriptor: face.descriptor!, descriptorVersion: CURRENT_DESCRIPTOR.version, augmented, crop, quality: face.quality, source },
    ]);
    await scheduleRetrain(student.classId);
    return { ok: true, messages, sample };
  }

  function refused(refusal: EnrolmentRefusal): EnrolOutcome {
    return { ok: false, messages: [refusal.message], refusal };
  }

  /** A photo from a file: exactly one good face, or a clear reason why not. */
  async function enrolPhoto(student: StudentRow, file: Blob, source: SampleSource = 'upload'): Promise<EnrolOutcome> {
    const noConsent = await consentRefusal(student);
    if (noConsent) return refused(noConsent);
    const result = await useFaceEngineStore().describeFaces(file, undefined, true);
    const refusal = checkEnrolmentFace(result.faces);
    if (refusal) return refused(refusal);
    const face = result.faces[0]!;
    return keepFace(student, face, await cropFace(file, face.box, result.scale), source, result.augmented);
  }

  /** A shot the guided camera already analysed and cropped. */
  async function enrolCaptured(student: StudentRow, result: PhotoResult, crop: Blob): Promise<EnrolOutcome> {
    const refusal = (await consentRefusal(student)) ?? checkEnrolmentFace(result.faces);
    if (refusal) return refused(refusal);
    return keepFace(student, result.faces[0]!, crop, 'camera');
  }

  async function removeSample(sample: FaceSampleRow) {
    await deleteFaceSample(db(), sample.id);
    samples.value = samples.value.filter((s) => s.id !== sample.id);
    await scheduleRetrain(sample.classId);
  }

  /**
   * A folder of folders, one per student named by roll number or name
   * (`12/a.jpg`, `Priya Shah/b.jpg`), as a browser folder picker gives it.
   */
  async function importFolder(classId: string, files: readonly File[]): Promise<FolderImportReport> {
    const students = await listStudents(db(), classId);
    const report: FolderImportReport = { enrolled: 0, refused: [], unmatchedFolders: [] };
    const images = files.filter((f) => /\.(jpe?g|png|webp)$/i.test(f.name));
    const unmatched = new Set<string>();
    // Checked once per student: a folder of photos without consent is not even read.
    const noConsent = new Map<string, EnrolmentRefusal | null>();
    progress.value = { done: 0, total: images.length, message: 'Reading photos' };
    try {
      for (const [i, file] of images.entries()) {
        const parts = (file.webkitRelativePath || file.name).split('/');
        // Without a folder (a plain multi-file pick), the file name stands in: `12-1.jpg`, `Priya Shah.jpg`.
        const folder = parts.length >= 2 ? parts[parts.length - 2]! : file.name.replace(/\.[^.]+$/, '');
        const student = matchFolderToStudent(folder, students);
        progress.value = { done: i, total: images.length, message: `${folder}/${file.name}` };
        if (!student) {
          unmatched.add(folder || file.name);
          continue;
        }
        if (!noConsent.has(student.id)) noConsent.set(student.id, await consentRefusal(student));
        const refusal = noConsent.get(student.id);
        if (refusal) {
          report.refused.push({ file: `${folder}/${file.name}`, reason: refusal.message });
          continue;
        }
        try {
          const outcome = await enrolPhoto(student, file, 'folder');
          if (outcome.ok) report.enrolled++;
          else report.refused.push({ file: `${folder}/${file.name}`, reason: outcome.messages.join(' ') });
        } catch (err) {
          report.refused.push({ file: `${folder}/${file.name}`, reason: describeError(err) });
        }
      }
    } finally {
      progress.value = null;
    }
    report.unmatchedFolders = [...unmatched];
    return report;
  }

  return { samples, progress, trainingNote, configure, loadSamples, trainingData, refreshNote, scheduleRetrain, consentRefusal, enrolPhoto, enrolCaptured, removeSample, importFolder };
});
