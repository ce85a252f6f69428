/**
 * A class's trained recogniser versions: retraining after enrolment changes (debounced, in
 * the worker), a version row for every model, and the rule that a version more
 * than a point worse than the active one is rolled back automatically. Also
 * which students the model in use does not know, and why each version is or
 * is not in use (the rules are in attendance/modelCoverage.ts).
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { parseClassifier } from '@/ml/classifier/serialize';
import { CURRENT_DESCRIPTOR, type NegativeSample, type TrainingSample } from '@/ml/classifier/types';
import { decideActivation } from '@/ml/classifier/versioning';
import type { TrainResult } from '@/ml/worker/protocol';
import type { TrainCall } from '@/ml/worker/client';
import { getDb, type RollcallDb } from '@/db/db';
import { listStudents } from '@/db/classes';
import { sampleCounts } from '@/db/faceSamples';
import { studentsInArtifact } from '@/privacy/modelArtifact';
import { useFaceEngineStore } from './faceEngine';
import { MIN_PHOTOS_TO_TRAIN } from './enrolment';
import { activateModelVersion, activeModelSummary, getModelVersion, listModelVersions, recordModelFacts, rejectModelVersion, saveModelVersion, type ModelVersionRow, type ModelVersionSummary } from '@/db/modelVersions';
import { explainVersion, studentsMissingFromModel as missingFromModel, type MissingStudent, type VersionExplanation, type VersionFacts } from '@/attendance/modelCoverage';
import { describeError } from './errors';

/** The worker's `train` (ml/worker/client.ts); tests pass one that trains in-process. */
export interface Trainer {
  train(samples: TrainingSample[], call?: TrainCall): Promise<TrainResult>;
}

export interface TrainingData {
  samples: TrainingSample[];
  negatives: NegativeSample[];
  /** Augmented copies of the enrolment photos (see ml/augment.ts). */
  extraSamples?: TrainingSample[];
}

/** The students a model recognises and the photos of each it trained on; from the header alone when it cannot be parsed. */
async function factsOfArtifact(artifact: Uint8Array): Promise<{ students: string[] | null; photos: Record<string, number> | null }> {
  try {
    const model = await parseClassifier(artifact);
    const photos: Record<string, number> = {};
    for (const c of model.gallery.y) photos[model.svm.classes[c]!] = (photos[model.svm.classes[c]!] ?? 0) + 1;
    return { students: model.svm.classes, photos };
  } catch {
    return { students: studentsInArtifact(artifact), photos: null };
  }
}

/** A version as the rules in attendance/modelCoverage.ts read it, from what is stored beside it. */
function versionFacts(row: ModelVersionSummary): VersionFacts {
  return {
    id: row.id,
    createdAt: row.createdAt,
    status: row.status,
    statusReason: row.statusReason,
    accuracy: row.accuracy,
    students: row.students,
    photos: row.photos ? new Map(Object.entries(row.photos)) : null,
  };
}

/**
 * A version stored without its photo counts (by an older app, or taken from
 * another phone) is opened once and the counts stored beside it; one that
 * cannot be opened is recorded as unreadable, so it is not tried again.
 */
async function withFacts(db: RollcallDb, row: ModelVersionSummary): Promise<ModelVersionSummary> {
  if (row.photos !== undefined) return row;
  const facts = await getModelVersion(db, row.id).then(
    (v) => (v ? factsOfArtifact(v.artifact) : { students: row.students, photos: null }),
    () => ({ students: row.students, photos: null }),
  );
  await recordModelFacts(db, row.id, facts);
  return { ...row, ...facts };
}

/** The model a scope takes attendance with: its version, and how to read it (decrypted only when the worker needs it). */
export interface ActiveClassModel {
  version: string;
  classes: number;
  createdAt: string;
  load(): Promise<Uint8Array>;
}

/** Enrolment edits come in bursts (five photos, then a deletion): train once they settle. */
export const RETRAIN_DELAY_MS = 1500;

export const useClassModelsStore = defineStore('classModels', () => {
  const versions = ref<Record<string, ModelVersionSummary[]>>({});
  /** Per scope, per version id: why it is or is not in use, and what to do. */
  const explanations = ref<Record<string, Record<string, VersionExplanation>>>({});
  const training = ref<Record<string, string>>({});
  const lastError = ref<string | null>(null);
  const deps = shallowRef<{ trainer: Trainer | null; db: RollcallDb | null }>({ trainer: null, db: null });
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const running = new Map<string, Promise<ModelVersionSummary | null>>();

  /** Wires the worker client (and, in tests, a database of their own). */
  function configure(options: { trainer: Trainer; db?: RollcallDb }) {
    deps.value = { trainer: options.trainer, db: options.db ?? getDb() };
  }

  function db(): RollcallDb {
    return deps.value.db ?? getDb();
  }

  async function refresh(scope: string) {
    const [stored, students] = await Promise.all([listModelVersions(db(), scope), listStudents(db(), scope)]);
    const rows = await Promise.all(stored.map((r) => withFacts(db(), r)));
    const facts = rows.map(versionFacts);
    const names = new Map(students.map((s) => [s.id, s.fullName]));
    explanations.value = { ...explanations.value, [scope]: Object.fromEntries(facts.map((f) => [f.id, explainVersion(f, facts, (id) => names.get(id))])) };
    versions.value = { ...versions.value, [scope]: rows };
  }

  async function retrainNow(scope: string, data: TrainingData): Promise<ModelVersionSummary & { artifact: Uint8Array }> {
    // The app trains in the ML worker; tests configure a trainer of their own.
    const trainer = deps.value.trainer ?? useFaceEngineStore();
    training.value = { ...training.value, [scope]: 'Training…' };
    try {
      const { model, meta, operatingPoint } = await trainer.train(data.samples, {
        negatives: data.negatives,
        extraSamples: data.extraSamples ?? [],
        onProgress: (p) => {
          training.value = { ...training.value, [scope]: p.message };
        },
      });
      const now = new Date().toISOString();
      const row: ModelVersionRow = {
        id: meta.id,
        scope,
        createdAt: now,
        updatedAt: now,
        status: 'inactive',
        statusReason: 'trained',
        classes: meta.classes.length,
        samples: meta.samples,
        trainingMs: meta.trainingMs,
        backend: meta.backend,
        accuracy: meta.metrics.cvAccuracy,
        precision: meta.metrics.cvPrecision ?? null,
        recall: meta.metrics.cvRecall ?? null,
        far: operatingPoint.estimatedFar,
        frr: operatingPoint.estimatedFrr,
        descriptorVersion: meta.descriptor.version,
        artifact: model,
        photos: (await factsOfArtifact(model)).photos ?? undefined,
      };
      const active = await activeModelSummary(db(), scope);
      await saveModelVersion(db(), row);
      const decision = decideActivation({ id: row.id, accuracy: row.accuracy }, active && { id: active.id, accuracy: active.accuracy });
      if (decision.activate) await activateModelVersion(db(), row.id, decision.reason);
      else await rejectModelVersion(db(), row.id, decision.reason);
      await refresh(scope);
      lastError.value = null;
      const saved = (await listModelVersions(db(), scope)).find((v) => v.id === row.id)!;
      return { ...saved, artifact: model };
    } finally {
      const { [scope]: _done, ...rest } = training.value;
      training.value = rest;
    }
  }

  /**
   * Retrains `scope` once edits stop for RETRAIN_DELAY_MS. `load` is read when
   * the timer fires, so the newest enrolment is what gets trained. A call while
   * a training runs waits for it, then trains again.
   */
  function scheduleRetrain(scope: string, load: () => Promise<TrainingData>): void {
    clearTimeout(timers.get(scope));
    timers.set(
      scope,
      setTimeout(() => {
        timers.delete(scope);
        const previous = running.get(scope) ?? Promise.resolve(null);
        const next = previous
          .catch(() => null)
          .then(async () => retrainNow(scope, await load()))
          .catch((err: unknown) => {
            lastError.value = describeError(err);
            return null;
          })
          .finally(() => {
            if (running.get(scope) === next) running.delete(scope);
          });
        running.set(scope, next);
      }, RETRAIN_DELAY_MS),
    );
  }

  /** Resolves when nothing is scheduled or running for `scope`. */
  async function settled(scope: string): Promise<void> {
    while (timers.has(scope) || running.has(scope)) {
      await (running.get(scope) ?? new Promise((r) => setTimeout(r, 50)));
    }
  }

  async function rollBackTo(scope: string, id: string) {
    await activateModelVersion(db(), id, 'rolled back by hand');
    await refresh(scope);
  }

  /** The model a class takes attendance with, or undefined before two students are enrolled. */
  async function activeModel(scope: string): Promise<ActiveClassModel | undefined> {
    const active = await activeModelSummary(db(), scope);
    if (!active) return undefined;
    const from = db();
    return {
      version: active.id,
      classes: active.classes,
      createdAt: active.createdAt,
      async load() {
        const row = await getModelVersion(from, active.id);
        if (!row) throw new Error('This face model was deleted meanwhile; start the session again.');
        return row.artifact;
      },
    };
  }

  /**
   * The class's students that the model in use does not recognise, and why:
   * the camera can't mark them, so the teacher must. Photos count as the next
   * training would count them (this descriptor version only).
   */
  async function studentsMissingFromModel(classId: string): Promise<MissingStudent[]> {
    const [roster, photos, rows] = await Promise.all([listStudents(db(), classId), sampleCounts(db(), classId, CURRENT_DESCRIPTOR.version), listModelVersions(db(), classId)]);
    const versionsOfClass: VersionFacts[] = rows.map((r) => ({ ...versionFacts(r), photos: null }));
    return missingFromModel({ roster, photos, versions: versionsOfClass, retrainPending: timers.has(classId) || running.has(classId), minPhotos: MIN_PHOTOS_TO_TRAIN });
  }

  return { versions, explanations, training, lastError, configure, refresh, retrainNow, scheduleRetrain, settled, rollBackTo, activeModel, studentsMissingFromModel };
});
