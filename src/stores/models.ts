/**
 * Trained models per class: retraining after enrolment changes (debounced, in
 * the worker), a version row for every model, and the rule that a version more
 * than a point worse than the active one is rolled back automatically.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { NegativeSample, TrainingSample } from '@/ml/classifier';
import { decideActivation } from '@/ml/classifier/versioning';
import type { TrainResult } from '@/ml/worker/protocol';
import type { Progress } from '@/ml/worker/client';
import { getDb, type RollcallDb } from '@/db/db';
import { useFaceEngineStore } from './faceEngine';
import { activateModelVersion, activeModelVersion, listModelVersions, rejectModelVersion, saveModelVersion, type ModelVersionRow } from '@/db/modelVersions';
import { describeError } from './errors';

export interface Trainer {
  train(samples: TrainingSample[], negatives: NegativeSample[], onProgress?: (p: Progress) => void, extraSamples?: TrainingSample[]): Promise<TrainResult>;
}

export interface TrainingData {
  samples: TrainingSample[];
  negatives: NegativeSample[];
  /** Augmented copies of the enrolment photos (see ml/augment.ts). */
  extraSamples?: TrainingSample[];
}

/** Enrolment edits come in bursts (five photos, then a deletion): train once they settle. */
export const RETRAIN_DELAY_MS = 1500;

export const useModelsStore = defineStore('models', () => {
  const versions = ref<Record<string, ModelVersionRow[]>>({});
  const training = ref<Record<string, string>>({});
  const lastError = ref<string | null>(null);
  const deps = shallowRef<{ trainer: Trainer | null; db: RollcallDb | null }>({ trainer: null, db: null });
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const running = new Map<string, Promise<ModelVersionRow | null>>();

  /** Wires the worker client (and, in tests, a database of their own). */
  function configure(options: { trainer: Trainer; db?: RollcallDb }) {
    deps.value = { trainer: options.trainer, db: options.db ?? getDb() };
  }

  function db(): RollcallDb {
    return deps.value.db ?? getDb();
  }

  async function refresh(scope: string) {
    versions.value = { ...versions.value, [scope]: await listModelVersions(db(), scope) };
  }

  async function retrainNow(scope: string, data: TrainingData): Promise<ModelVersionRow> {
    // The app trains in the ML worker; tests configure a trainer of their own.
    const trainer = deps.value.trainer ?? useFaceEngineStore();
    training.value = { ...training.value, [scope]: 'Training…' };
    try {
      const { model, meta, operatingPoint } = await trainer.train(
        data.samples,
        data.negatives,
        (p) => {
          training.value = { ...training.value, [scope]: p.message };
        },
        data.extraSamples ?? [],
      );
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
      };
      const active = await activeModelVersion(db(), scope);
      await saveModelVersion(db(), row);
      const decision = decideActivation({ id: row.id, accuracy: row.accuracy }, active && { id: active.id, accuracy: active.accuracy });
      if (decision.activate) await activateModelVersion(db(), row.id, decision.reason);
      else await rejectModelVersion(db(), row.id, decision.reason);
      await refresh(scope);
      lastError.value = null;
      return (await listModelVersions(db(), scope)).find((v) => v.id === row.id)!;
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
  async function activeModel(scope: string): Promise<ModelVersionRow | undefined> {
    return activeModelVersion(db(), scope);
  }

  return { versions, training, lastError, configure, refresh, retrainNow, scheduleRetrain, settled, rollBackTo, activeModel };
});
