import 'fake-indexeddb/auto';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createPinia, setActivePinia } from 'pinia';
import { RollcallDb } from '@/db/db';
import { listModelVersions } from '@/db/modelVersions';
import { parseClassifier, serializeClassifier, trainClassifier, type TrainingSample } from '@/ml/classifier';
import { syntheticPeople } from '@/ml/classifier/syntheticFaces';
import { RETRAIN_DELAY_MS, useModelsStore, type Trainer } from './models';

/** The worker's training, run in this process: same classifier code, no Worker in Node. */
const inProcess: Trainer = {
  async train(samples, negatives) {
    const c = await trainClassifier(samples, { negatives });
    return { model: await serializeClassifier(c), meta: c.meta, operatingPoint: c.openSet.point };
  },
};

let db: RollcallDb;
let good: TrainingSample[];

beforeAll(async () => {
  await tf.setBackend('wasm');
  good = syntheticPeople({ classes: 6, perClass: 6, seed: 11 }).samples;
});

beforeEach(() => {
  setActivePinia(createPinia());
  db = new RollcallDb(`models-${crypto.randomUUID()}`);
});

afterEach(async () => {
  await db.delete();
});

/** Same photos, a third of them filed under the wrong student: held-out accuracy falls. */
function mislabelled(samples: TrainingSample[]): TrainingSample[] {
  const labels = [...new Set(samples.map((s) => s.label))];
  return samples.map((s, i) => (i % 3 === 0 ? { ...s, label: labels[(labels.indexOf(s.label) + 1) % labels.length]! } : s));
}

describe('models store', () => {
  it('activates the first model, rolls back a worse one with the reason, and rolls back by hand', async () => {
    const store = useModelsStore();
    store.configure({ trainer: inProcess, db });
    const first = await store.retrainNow('class-7b', { samples: good, negatives: [] });
    expect(first.status).toBe('active');
    expect(first.accuracy).toBeGreaterThan(0.9);
    expect((await parseClassifier(first.artifact)).meta.classes).toHaveLength(6);

    const worse = await store.retrainNow('class-7b', { samples: mislabelled(good), negatives: [] });
    expect(worse.accuracy!).toBeLessThan(first.accuracy! - 0.01);
    expect(worse.status).toBe('rejected');
    expect(worse.statusReason).toMatch(/^rolled back: held-out accuracy/);
    expect(store.versions['class-7b']!.find((v) => v.status === 'active')!.id).toBe(first.id);

    // Retrained on the same good photos: as accurate, so it replaces the first.
    const again = await store.retrainNow('class-7b', { samples: good, negatives: [] });
    expect(again.status).toBe('active');
    await store.rollBackTo('class-7b', first.id);
    const rows = await listModelVersions(db, 'class-7b');
    expect(rows).toHaveLength(3);
    expect(rows.filter((r) => r.status === 'active')).toEqual([expect.objectContaining({ id: first.id, statusReason: 'rolled back by hand' })]);
    expect(rows.find((r) => r.id === again.id)!.status).toBe('inactive');
  });

  it('trains once after a burst of enrolment edits, on the newest data', async () => {
    const store = useModelsStore();
    let calls = 0;
    store.configure({ trainer: { train: (s, n) => { calls++; return inProcess.train(s, n); } }, db });
    let current = good.slice(0, 24);
    const load = async () => ({ samples: current, negatives: [] });
    store.scheduleRetrain('class-9', load);
    await new Promise((r) => setTimeout(r, RETRAIN_DELAY_MS / 2));
    store.scheduleRetrain('class-9', load);
    current = good;
    store.scheduleRetrain('class-9', load);
    await store.settled('class-9');
    expect(calls).toBe(1);
    const rows = await listModelVersions(db, 'class-9');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.samples).toBe(good.length);
  });

  it('reports a training failure instead of throwing from the timer', async () => {
    const store = useModelsStore();
    store.configure({ trainer: inProcess, db });
    store.scheduleRetrain('class-empty', async () => ({ samples: [], negatives: [] }));
    await store.settled('class-empty');
    expect(store.lastError).toBeTruthy();
    expect(await listModelVersions(db, 'class-empty')).toHaveLength(0);
  });
});
