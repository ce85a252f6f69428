import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { calibrateOpenSet, classRanges, forEachDistanceRow, inverseNormalCdf, operatingPoint } from './openset';
import { meanOfSmallest } from './openSetRules';
import { seededRandom } from './random';
import { syntheticPeople } from './syntheticFaces';
import { buildTrainingSet } from './trainingSet';
import { ClassifierError } from './types';

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});

describe('meanOfSmallest', () => {
  it('averages the k smallest values in a range', () => {
    expect(meanOfSmallest([5, 1, 3, 2], 2)).toBe(1.5);
    expect(meanOfSmallest([5, 1, 3, 2], 1)).toBe(1);
    expect(meanOfSmallest([5, 1, 3, 2], 10)).toBe(2.75);
    expect(meanOfSmallest([5, 1, 3, 2], 2, 2, 4)).toBe(2.5);
    expect(meanOfSmallest([], 2)).toBe(Infinity);
  });
});

describe('inverseNormalCdf', () => {
  it('matches tabulated quantiles', () => {
    expect(inverseNormalCdf(0.5)).toBeCloseTo(0, 9);
    expect(inverseNormalCdf(0.01)).toBeCloseTo(-2.326348, 5);
    expect(inverseNormalCdf(0.975)).toBeCloseTo(1.959964, 5);
    expect(inverseNormalCdf(1e-4)).toBeCloseTo(-3.719016, 5);
    expect(inverseNormalCdf(0)).toBe(-Infinity);
  });
});

describe('operatingPoint', () => {
  it('takes the impostor quantile at the target false-accept rate', () => {
    // 1000 impostor scores 0.500, 0.501, … ; at 1% FAR ten may pass.
    const impostor = Array.from({ length: 1000 }, (_, i) => 0.5 + i / 1000);
    const genuine = [0.2, 0.3, 0.4, 0.505, 0.6];
    const p = operatingPoint(genuine, impostor, 0.01);
    expect(p.method).toBe('empirical');
    expect(p.threshold).toBeCloseTo(0.5095, 10);
    expect(p.estimatedFar).toBe(0.01);
    expect(p.estimatedFrr).toBe(0.2);
    expect(p.genuine).toBe(5);
    expect(p.impostor).toBe(1000);
  });

  it('uses the lower of the quantile and a normal fit when impostors are few', () => {
    const impostor = [0.7, 0.72, 0.75, 0.78, 0.8, 0.81, 0.83, 0.85, 0.9, 0.95];
    const p = operatingPoint([0.3, 0.4], impostor, 0.01);
    expect(p.method).toBe('gaussian-tail');
    const mean = impostor.reduce((s, v) => s + v, 0) / impostor.length;
    const sd = Math.sqrt(impostor.reduce((s, v) => s + (v - mean) ** 2, 0) / (impostor.length - 1));
    expect(p.threshold).toBeCloseTo(mean - 2.326348 * sd, 5);
    expect(p.threshold).toBeLessThan(0.7);
    expect(p.estimatedFar).toBe(0);
    expect(p.estimatedFrr).toBe(0);
  });

  it('reports NaN FRR without genuine pairs and refuses bad input', () => {
    expect(operatingPoint([], [0.8, 0.9], 0.01).estimatedFrr).toBeNaN();
    expect(() => operatingPoint([0.1], [], 0.01)).toThrow(ClassifierError);
    expect(() => operatingPoint([0.1], [0.5], 0)).toThrow(ClassifierError);
    expect(() => operatingPoint([0.1], [0.5], 1)).toThrow(ClassifierError);
  });
});

describe('forEachDistanceRow', () => {
  it('matches plain Euclidean distances, across chunk boundaries, and leaves no tensors', async () => {
    const random = seededRandom(9);
    const d = 7;
    const a = Float32Array.from({ length: 13 * d }, () => random());
    const b = Float32Array.from({ length: 5 * d }, () => random());
    const before = tf.memory().numTensors;
    const seen: number[] = [];
    await forEachDistanceRow(
      a,
      b,
      d,
      (i, dist) => {
        seen.push(i);
        for (let j = 0; j < 5; j++) {
          let s = 0;
          for (let k = 0; k < d; k++) s += (a[i * d + k]! - b[j * d + k]!) ** 2;
          expect(dist[j]!).toBeCloseTo(Math.sqrt(s), 4);
        }
      },
      4,
    );
    expect(seen).toEqual(Array.from({ length: 13 }, (_, i) => i));
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('classRanges', () => {
  it('finds contiguous runs and refuses interleaved classes', () => {
    expect(classRanges(new Int32Array([0, 0, 2, 2, 2]), 3)).toEqual([
      [0, 2],
      [0, 0],
      [2, 5],
    ]);
    expect(() => classRanges(new Int32Array([0, 1, 0]), 2)).toThrow(ClassifierError);
  });
});

describe('calibrateOpenSet', () => {
  it('keeps fresh strangers out at about the target rate while letting enrolled people in', async () => {
    const people = syntheticPeople({ classes: 30, perClass: 5, seed: 4, noiseSd: 0.04 });
    const { set } = buildTrainingSet(people.samples, [], { dimension: 128 });
    const before = tf.memory().numTensors;
    const cal = await calibrateOpenSet(set, { k: 2, targetFar: 0.01, maxThreshold: Infinity });
    expect(tf.memory().numTensors).toBe(before);
    const p = cal.point;
    expect(p.genuine).toBe(150);
    expect(p.impostor).toBe(150);
    expect(p.estimatedFar).toBeLessThanOrEqual(0.01);

    const ranges = classRanges(set.y, 30);
    const score = (q: number[], c: number) => {
      const [s, e] = ranges[c]!;
      const dist: number[] = [];
      for (let r = s; r < e; r++) {
        let t = 0;
        for (let j = 0; j < 128; j++) t += (q[j]! - set.x[r * 128 + j]!) ** 2;
        dist.push(Math.sqrt(t));
      }
      return meanOfSmallest(dist, 2);
    };
    const strangers = Array.from({ length: 200 }, (_, i) => people.draw(1000 + i, 1)[0]!);
    const far = strangers.filter((q) => Math.min(...set.classes.map((_, c) => score(q, c))) <= p.threshold).length / strangers.length;
    expect(far).toBeLessThanOrEqual(0.03);
    const genuine = set.classes.flatMap((label, c) => people.draw(Number(label.slice(1)), 4).map((q) => score(q, c)));
    const frr = genuine.filter((s) => s > p.threshold).length / genuine.length;
    expect(frr).toBeLessThan(0.1);
    expect(Math.abs(frr - p.estimatedFrr)).toBeLessThan(0.1);
  });

  it('never goes above maxThreshold', async () => {
    // Noisy, far-apart people: the calibrated threshold would be loose.
    const people = syntheticPeople({ classes: 6, perClass: 3, seed: 6, noiseSd: 0.06 });
    const { set } = buildTrainingSet(people.samples, [], { dimension: 128 });
    const free = await calibrateOpenSet(set, { maxThreshold: Infinity });
    expect(free.point.threshold).toBeGreaterThan(0.6);
    const capped = await calibrateOpenSet(set);
    expect(capped.point).toMatchObject({ threshold: 0.6, method: 'capped' });
    expect(capped.point.estimatedFrr).toBeGreaterThan(free.point.estimatedFrr);
  });

  it('samples at most maxProbes impostor probes', async () => {
    const people = syntheticPeople({ classes: 10, perClass: 3, seed: 5 });
    const { set } = buildTrainingSet(people.samples, [], { dimension: 128 });
    const cal = await calibrateOpenSet(set, { maxProbes: 12 });
    expect(cal.impostor).toHaveLength(12);
    expect(cal.genuine).toHaveLength(30);
    for (const n of cal.nearestOther) expect(n.other).not.toBe(n.own);
  });
});
