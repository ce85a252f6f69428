import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { fitNormaliser, normaliseRows, scoreSvm } from './svm';
import { solveSpd, trainSvm } from './trainSvm';
import { syntheticPeople } from './syntheticFaces';
import { ClassifierError, CURRENT_DESCRIPTOR } from './types';

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});

function argmax(row: number[]): number {
  return row.reduce((b, v, i) => (v > row[b]! ? i : b), 0);
}

describe('trainSvm', () => {
  const people = syntheticPeople({ classes: 12, perClass: 5, seed: 11, noiseSd: 0.04 });

  it('gives each held-out photo a positive margin for its own student and negative ones for the rest', async () => {
    const before = tf.memory().numTensors;
    const model = await trainSvm(people.samples);
    expect(tf.memory().numTensors).toBe(before);
    expect(model.classes).toHaveLength(12);
    expect(model.weights).toHaveLength(129 * 12);
    expect(model.descriptorVersion).toBe(CURRENT_DESCRIPTOR.version);

    const test = people.centres.flatMap((_, i) => people.draw(i, 4).map((d) => ({ d, label: `p${i}` })));
    const margins = await scoreSvm(model, test.map((t) => t.d));
    expect(tf.memory().numTensors).toBe(before);
    let right = 0;
    let ownPositive = 0;
    let othersNegative = 0;
    margins.forEach((row, k) => {
      const own = model.classes.indexOf(test[k]!.label);
      if (argmax(row) === own) right++;
      if (row[own]! > 0) ownPositive++;
      othersNegative += row.filter((v, c) => c !== own && v < 0).length;
    });
    expect(right / test.length).toBeGreaterThanOrEqual(0.95);
    expect(ownPositive / test.length).toBeGreaterThanOrEqual(0.9);
    expect(othersNegative / (test.length * 11)).toBeGreaterThanOrEqual(0.97);
  });

  it('gives strangers a lower top margin than any enrolled person', async () => {
    const model = await trainSvm(people.samples);
    const top = (rows: number[][]) => rows.map((r) => Math.max(...r));
    const strangers = top(await scoreSvm(model, Array.from({ length: 30 }, (_, i) => people.draw(100 + i, 1)[0]!)));
    const genuine = top(await scoreSvm(model, people.centres.flatMap((_, i) => people.draw(i, 3))));
    expect(Math.max(...strangers)).toBeLessThan(Math.min(...genuine));
    expect(genuine.every((m) => m > 0.5)).toBe(true);
    expect(strangers.every((m) => m < 0)).toBe(true);
  });

  it('learns a "not this person" correction', async () => {
    // A look-alike of p0 (half-way to a new person) that the plain model calls p0.
    const lookalike = people.centres[0]!.map((v, j) => (v + people.draw(200, 1)[0]![j]!) / 2);
    const plain = await trainSvm(people.samples);
    const p0 = plain.classes.indexOf('p0');
    const [before] = await scoreSvm(plain, [lookalike]);
    const corrected = await trainSvm(people.samples, { negatives: [{ label: 'p0', descriptor: lookalike }] });
    const [after] = await scoreSvm(corrected, [lookalike]);
    expect(after![p0]!).toBeLessThan(before![p0]!);
    expect(after![p0]!).toBeLessThan(0);
    // The correction does not cost p0 its own photos.
    const own = await scoreSvm(corrected, people.draw(0, 5));
    expect(own.filter((row) => argmax(row) === p0).length).toBeGreaterThanOrEqual(4);
  });

  it('trains with every normalisation and without the least-squares start', async () => {
    for (const options of [{ normalise: 'standardize' as const }, { normalise: 'l2-standardize' as const }, { warmStart: false, epochs: 300 }]) {
      const model = await trainSvm(people.samples, options);
      const margins = await scoreSvm(model, people.draw(3, 3));
      for (const row of margins) expect(model.classes[argmax(row)]).toBe('p3');
    }
  });

  it('stops early once the loss settles, and runs every epoch with tolerance 0', async () => {
    const early = await trainSvm(people.samples, { epochs: 400 });
    const full = await trainSvm(people.samples, { epochs: 40, tolerance: 0 });
    expect(early.epochs).toBeLessThan(400);
    expect(full.epochs).toBe(40);
  });

  it('rejects bad options and descriptors of the wrong length when scoring', async () => {
    await expect(trainSvm(people.samples, { lambda: -1 })).rejects.toMatchObject({ code: 'invalid-option' });
    await expect(trainSvm(people.samples, { epochs: 1.5 })).rejects.toBeInstanceOf(ClassifierError);
    const model = await trainSvm(people.samples, { epochs: 5 });
    await expect(scoreSvm(model, [[1, 2, 3]])).rejects.toMatchObject({ code: 'invalid-descriptor' });
    expect(await scoreSvm(model, [])).toEqual([]);
  });
});

describe('normalisation and the linear solve', () => {
  it('standardises to zero mean and unit variance per dimension', () => {
    const x = new Float32Array([1, 10, 3, 30, 5, 50]);
    const norm = fitNormaliser(x, 3, 2, 'standardize');
    const rows = normaliseRows(x, 3, norm);
    const col = (j: number) => [rows[j]!, rows[3 + j]!, rows[6 + j]!];
    for (const j of [0, 1]) {
      const c = col(j);
      expect(c.reduce((s, v) => s + v, 0)).toBeCloseTo(0, 5);
      expect(c.reduce((s, v) => s + v * v, 0) / 3).toBeCloseTo(1, 4);
    }
    expect(col(2)).toEqual([1, 1, 1]);
  });

  it('l2-standardize makes scaled copies of a descriptor identical', () => {
    const x = new Float32Array([1, 2, 3, 2, 4, 6, 0, 1, 1]);
    const norm = fitNormaliser(x, 3, 3, 'l2-standardize');
    const rows = normaliseRows(x, 3, norm);
    for (let j = 0; j < 3; j++) expect(rows[j]!).toBeCloseTo(rows[4 + j]!, 5);
  });

  it('solves a symmetric positive definite system', () => {
    const a = new Float64Array([4, 1, 1, 3]);
    const b = new Float64Array([1, 2, 2, 1]);
    const x = solveSpd(a, 2, b, 2);
    // A·X = B, column by column.
    expect(4 * x[0]! + 1 * x[2]!).toBeCloseTo(1, 10);
    expect(1 * x[0]! + 3 * x[2]!).toBeCloseTo(2, 10);
    expect(4 * x[1]! + 1 * x[3]!).toBeCloseTo(2, 10);
    expect(1 * x[1]! + 3 * x[3]!).toBeCloseTo(1, 10);
    expect(() => solveSpd(new Float64Array([0, 0, 0, 0]), 2, b, 2)).toThrow(ClassifierError);
  });
});
