import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { seededRandom } from '@/ml/classifier/random';
import { evaluateForecast, forecastNextWeek } from './evaluateForecast';
import { createForecaster, trainAndPredict, trainForecast } from './forecast';
import { auc } from './metrics';
import { syntheticSchool } from './synthetic';
import { historyOf } from './testing';

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});

/** y = 1 with chance sigmoid(3·x0 − 2·x1 − 1); x2 is noise. */
function toyData(n: number, seed: number) {
  const random = seededRandom(seed);
  const rows = Array.from({ length: n }, () => [random(), random(), random()]);
  const labels = rows.map(([a, b]) => (random() < 1 / (1 + Math.exp(-(3 * a! - 2 * b! - 1))) ? 1 : 0) as 0 | 1);
  return { rows, labels };
}

describe('trainForecast', () => {
  it('leaves no tensors behind after training, predicting and disposing', async () => {
    for (const hiddenUnits of [0, 4]) {
      const before = tf.memory().numTensors;
      const { rows, labels } = toyData(300, 1);
      const model = await trainForecast(rows, labels, { hiddenUnits, epochs: 30 });
      expect(tf.memory().numTensors).toBe(before);
      const forecaster = createForecaster(model);
      const held = tf.memory().numTensors;
      expect(held).toBeGreaterThan(before);
      await forecaster.predict(rows.slice(0, 10));
      expect(tf.memory().numTensors).toBe(held);
      forecaster.dispose();
      expect(tf.memory().numTensors).toBe(before);
      await expect(forecaster.predict(rows)).rejects.toThrow(/disposed/);
    }
  });

  it('learns the direction of each feature, and repeats exactly with the same seed', async () => {
    const train = toyData(2000, 2);
    const test = toyData(1000, 3);
    const first = await trainAndPredict(train, test, { hiddenUnits: 0, l2: 1e-3 });
    const again = await trainAndPredict(train, test, { hiddenUnits: 0, l2: 1e-3 });
    expect(again.predictions).toEqual(first.predictions);
    expect(first.model.w1[0]).toBeGreaterThan(0);
    expect(first.model.w1[1]).toBeLessThan(0);
    expect(Math.abs(first.model.w1[2]!)).toBeLessThan(Math.abs(first.model.w1[1]!) / 3);
    expect(auc(first.predictions, test.labels)).toBeGreaterThan(0.7);
  });

  it('refuses what it cannot train on', async () => {
    await expect(trainForecast([], [])).rejects.toThrow(RangeError);
    await expect(trainForecast([[1, 2], [1]], [0, 1])).rejects.toThrow(RangeError);
  });
});

describe('evaluateForecast on a synthetic school (seed 1)', () => {
  it('beats both baselines on held-out weeks, so the decision keeps it', async () => {
    const before = tf.memory().numTensors;
    const school = syntheticSchool({ seed: 1 });
    const e = await evaluateForecast(school.histories);
    expect(tf.memory().numTensors).toBe(before);
    const d = e.daily!;
    expect(e.test.examples).toBeGreaterThan(2000);
    expect(d.forecast.auc!).toBeGreaterThan(d.lastFourWeeks.auc!);
    expect(d.forecast.auc!).toBeGreaterThan(d.sameWeekdayLastWeek.auc!);
    expect(d.forecast.brier).toBeLessThan(d.lastFourWeeks.brier);
    expect(d.forecast.brier).toBeLessThan(d.sameWeekdayLastWeek.brier);
    expect(d.forecast.ece).toBeLessThan(0.08);
    expect(e.decision).toMatchObject({ keep: true, use: 'forecast' });
  });

  it('forecasts next week with the kept method for every student', async () => {
    const school = syntheticSchool({ seed: 1, classes: 1, studentsPerClass: 30 });
    const { evaluation, outlooks } = await forecastNextWeek(school.histories);
    expect(outlooks).toHaveLength(30);
    expect(outlooks.every((o) => o.method === evaluation.decision.use && o.days.length >= 4)).toBe(true);
    expect(outlooks.every((o) => o.days.every((d) => d.chance >= 0 && d.chance <= 1))).toBe(true);
  });

  it('does not train on a couple of weeks of one class, and says why', async () => {
    const h = historyOf({ a: 'PPPPPPPPPP', b: 'PAPPPPPPAP' });
    const { evaluation, outlooks } = await forecastNextWeek([h]);
    expect(evaluation.daily).toBeNull();
    expect(evaluation.decision).toMatchObject({ keep: false, use: 'lastFourWeeks' });
    expect(evaluation.decision.reason).toMatch(/not enough attendance history/);
    expect(outlooks.find((o) => o.studentId === 'b')!.days[0]!.chance).toBeCloseTo(0.2);
  });
});
