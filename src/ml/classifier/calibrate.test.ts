import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { assignFolds, crossValidatedMargins, expectedCalibrationError, fitPlatt, foldCount, plattProbability, reliabilityBins, UNFITTED_PLATT } from './calibrate';
import { gaussian, seededRandom } from './random';
import { syntheticPeople } from './syntheticFaces';
import { buildTrainingSet } from './trainingSet';

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});

describe('fitPlatt', () => {
  it('recovers the slope and offset of a known logistic relationship', () => {
    const random = seededRandom(3);
    const scores: number[] = [];
    const labels: boolean[] = [];
    for (let i = 0; i < 5000; i++) {
      const s = 2 * gaussian(random);
      scores.push(s);
      labels.push(random() < plattProbability({ a: 1.5, b: -0.5 }, s));
    }
    const fit = fitPlatt(scores, labels);
    expect(fit.a).toBeGreaterThan(1.35);
    expect(fit.a).toBeLessThan(1.65);
    expect(fit.b).toBeGreaterThan(-0.65);
    expect(fit.b).toBeLessThan(-0.35);
    // And the fitted probabilities are calibrated on fresh data from the same source.
    const probs: number[] = [];
    const right: boolean[] = [];
    for (let i = 0; i < 5000; i++) {
      const s = 2 * gaussian(random);
      probs.push(plattProbability(fit, s));
      right.push(random() < plattProbability({ a: 1.5, b: -0.5 }, s));
    }
    expect(expectedCalibrationError(probs, right)).toBeLessThan(0.03);
  });

  it('stays finite on perfectly separated data, short of certainty', () => {
    const fit = fitPlatt([-3, -2, -1, 1, 2, 3], [false, false, false, true, true, true]);
    expect(Number.isFinite(fit.a) && Number.isFinite(fit.b)).toBe(true);
    expect(fit.a).toBeGreaterThan(0);
    // Platt's smoothed targets: with three positives the top target is 4/5.
    expect(plattProbability(fit, 3)).toBeLessThan(0.9);
    expect(plattProbability(fit, 3)).toBeGreaterThan(0.7);
    expect(plattProbability(fit, -3)).toBeLessThan(0.3);
  });

  it('falls back to the prior with nothing to fit', () => {
    expect(fitPlatt([], [])).toEqual(UNFITTED_PLATT);
    expect(plattProbability(UNFITTED_PLATT, 0.5)).toBe(0.5);
    expect(plattProbability(UNFITTED_PLATT, 2)).toBeCloseTo(0.953, 3);
  });

  it('computes probabilities without overflow', () => {
    expect(plattProbability({ a: 1, b: 0 }, 1000)).toBe(1);
    expect(plattProbability({ a: 1, b: 0 }, -1000)).toBe(0);
  });
});

describe('expectedCalibrationError', () => {
  it('matches a hand computation', () => {
    // Bin 0.9: four faces shown at 90%, three right (75%) → gap 0.15, weight 4/5.
    // Bin 0.1: one face shown at 10%, wrong → gap 0.1, weight 1/5.
    const ece = expectedCalibrationError([0.9, 0.9, 0.9, 0.9, 0.1], [true, true, true, false, false]);
    expect(ece).toBeCloseTo(0.14, 10);
  });

  it('is large for overconfident probabilities and NaN with no data', () => {
    const probs = Array(100).fill(0.99);
    const right = Array.from({ length: 100 }, (_, i) => i < 60);
    expect(expectedCalibrationError(probs, right)).toBeCloseTo(0.39, 10);
    expect(expectedCalibrationError([], [])).toBeNaN();
  });

  it('puts probability 1 in the last bin', () => {
    const bins = reliabilityBins([1, 0, 0.55], [true, false, true], 10);
    expect(bins[9]!.count).toBe(1);
    expect(bins[0]!.count).toBe(1);
    expect(bins[5]!.count).toBe(1);
  });
});

describe('cross-validation', () => {
  it('deals each class evenly over the folds and never holds out a lone sample', () => {
    const y = new Int32Array([0, 0, 0, 0, 0, 1, 1, 2, 3, 3, 3, 3, 3, 3, 3]);
    const fold = assignFolds(y, 4, 3, 1);
    expect(fold[7]).toBe(-1);
    for (const c of [0, 1, 3]) {
      const counts = [0, 0, 0];
      y.forEach((k, i) => {
        if (k === c) counts[fold[i]!]!++;
      });
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    }
    expect(assignFolds(y, 4, 3, 1)).toEqual(fold);
  });

  it('scores every photo of a class with two or more with a model that did not see it', async () => {
    const people = syntheticPeople({ classes: 6, perClass: 4, seed: 2 });
    const { set } = buildTrainingSet(people.samples, [], { dimension: 128 });
    expect(foldCount(set, 5)).toBe(4);
    const before = tf.memory().numTensors;
    const held = await crossValidatedMargins(set, { folds: 5, seed: 1, svm: { epochs: 60 } });
    expect(tf.memory().numTensors).toBe(before);
    expect(held.folds).toBe(4);
    expect([...held.rows].sort((a, b) => a - b)).toEqual(Array.from({ length: 24 }, (_, i) => i));
    const accuracy = held.predicted.filter((p, i) => p === held.truth[i]).length / held.rows.length;
    expect(accuracy).toBeGreaterThan(0.9);
  });
});
