import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { classify, enrolmentCheck, macroPrecisionRecall, prepareClassifier, trainClassifier, UNKNOWN, type Classifier } from './index';
import { expectedCalibrationError, plattProbability } from './calibrate';
import { syntheticPeople } from './syntheticFaces';
import { ClassifierError, type TrainingSample } from './types';
import { codeOf } from './testing';

const people = syntheticPeople({ classes: 10, perClass: 5, seed: 8 });
let model: Classifier;

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  model = await trainClassifier(people.samples, { id: 'm' });
});

describe('trainClassifier', () => {
  it('records what it trained on and leaves no tensors', async () => {
    const before = tf.memory().numTensors;
    const m = await trainClassifier(people.samples, { svm: { epochs: 20 } });
    expect(tf.memory().numTensors).toBe(before);
    expect(m.meta.classes).toHaveLength(10);
    expect(m.meta.samples).toBe(50);
    expect(m.meta.backend).toBe('wasm');
    expect(m.meta.metrics.cvFolds).toBe(5);
    expect(m.meta.metrics.heldOut).toBe(50);
    expect(m.meta.trainingMs).toBeGreaterThan(0);
    expect(m.openSet.point.targetFar).toBe(0.01);
    expect(model.meta.metrics.cvAccuracy).toBeGreaterThan(0.9);
    expect(model.meta.metrics.cvPrecision).toBeGreaterThan(0.9);
    expect(model.meta.metrics.cvRecall).toBeGreaterThan(0.9);
  });

  it('macro precision and recall count each student equally', () => {
    // Student 0: 2 photos, both right. Student 1: 2 photos, one called 0. Student 2: 1 photo, right.
    const r = macroPrecisionRecall([0, 0, 1, 1, 2], [0, 0, 1, 0, 2]);
    expect(r.cvRecall).toBeCloseTo((1 + 0.5 + 1) / 3, 10);
    expect(r.cvPrecision).toBeCloseTo((2 / 3 + 1 + 1) / 3, 10);
    expect(macroPrecisionRecall([], [])).toEqual({ cvPrecision: null, cvRecall: null });
  });
});

describe('prepareClassifier', () => {
  it('answers exactly as classify does, holds one tensor until disposed, and refuses use after', async () => {
    const faces = people.centres.flatMap((_, i) => people.draw(i, 2));
    const roster = ['p1', 'p2', 'p3'];
    const before = tf.memory().numTensors;
    const prepared = prepareClassifier(model);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(await prepared.classify(faces)).toEqual(await classify(model, faces));
    expect(await prepared.classify(faces, { roster })).toEqual(await classify(model, faces, { roster }));
    expect(tf.memory().numTensors).toBe(before + 1);
    prepared.dispose();
    prepared.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => prepared.classify(faces)).toThrow('disposed');
  });
});

describe('classify', () => {
  it('names enrolled people and calls strangers unknown', async () => {
    const before = tf.memory().numTensors;
    const known = people.centres.flatMap((_, i) => people.draw(i, 3).map((d) => ({ d, label: `p${i}` })));
    const strangers = Array.from({ length: 40 }, (_, i) => people.draw(500 + i, 1)[0]!);
    const out = await classify(model, [...known.map((k) => k.d), ...strangers]);
    expect(tf.memory().numTensors).toBe(before);
    const knownOut = out.slice(0, known.length);
    const right = knownOut.filter((r, i) => r.label === known[i]!.label).length;
    const wrongName = knownOut.filter((r, i) => r.label !== UNKNOWN && r.label !== known[i]!.label).length;
    expect(right / known.length).toBeGreaterThanOrEqual(0.9);
    expect(wrongName).toBe(0);
    const accepted = out.slice(known.length).filter((r) => r.label !== UNKNOWN);
    expect(accepted.length).toBeLessThanOrEqual(1);
    for (const r of out.slice(known.length)) if (r.label === UNKNOWN) expect(['low-probability', 'too-far']).toContain(r.reason);
    const first = knownOut[0]!;
    expect(first.reason).toBe('accepted');
    expect(first.probability).toBeGreaterThan(0.5);
    expect(first.distance!).toBeLessThanOrEqual(model.openSet.point.threshold);
    expect(first.candidate).toBe(first.label);
  });

  it('gives each roster student at most one face in a class photo', async () => {
    // Two photos of p2 in one class photo (a poster on the wall, say) and one of p3.
    const [a, b] = people.draw(2, 2);
    const [c] = people.draw(3, 1);
    const out = await classify(model, [a!, b!, c!], { roster: ['p2', 'p3', 'p4', 'not-enrolled'] });
    const labels = out.map((r) => r.label);
    expect(labels.filter((l) => l === 'p2')).toHaveLength(1);
    expect(labels[2]).toBe('p3');
    const loser = out.find((r, i) => i < 2 && r.label === UNKNOWN)!;
    expect(loser.reason).toBe('assigned-elsewhere');
    expect(loser.candidate).toBe('p2');
    // Judged independently, both would be p2.
    const alone = await classify(model, [a!, b!], { roster: ['p2', 'p3'], assignment: 'independent' });
    expect(alone.map((r) => r.label)).toEqual(['p2', 'p2']);
  });

  it('only names roster students', async () => {
    const out = await classify(model, people.draw(5, 2), { roster: ['p1', 'p2'] });
    for (const r of out) {
      expect(r.label).toBe(UNKNOWN);
      expect(['p1', 'p2', null]).toContain(r.candidate);
    }
    const none = await classify(model, people.draw(5, 1), { roster: ['nobody'] });
    expect(none[0]).toMatchObject({ label: UNKNOWN, reason: 'no-candidate', candidate: null });
  });

  it('marks NaN, zero and wrong-length descriptors and still answers for the rest', async () => {
    const good = people.draw(1, 1)[0]!;
    const out = await classify(model, [good.map(() => NaN), good.map(() => 0), good.slice(0, 64), good]);
    expect(out.slice(0, 3).map((r) => r.reason)).toEqual(['invalid-descriptor', 'invalid-descriptor', 'invalid-descriptor']);
    expect(out.slice(0, 3).every((r) => r.label === UNKNOWN)).toBe(true);
    expect(out[3]!.label).toBe('p1');
    expect(await classify(model, [])).toEqual([]);
  });

  it('refuses a model trained on another descriptor version', async () => {
    expect(await codeOf(classify(model, people.draw(1, 1), { descriptor: { version: 'other', dimension: 128 } }))).toBe('descriptor-mismatch');
  });

  it('probabilities are calibrated on fresh photos of enrolled people', async () => {
    // Noisier people, so the SVM makes mistakes worth calibrating.
    const hard = syntheticPeople({ classes: 15, perClass: 6, seed: 31, noiseSd: 0.12 });
    const m = await trainClassifier(hard.samples);
    const test = hard.centres.flatMap((_, i) => hard.draw(i, 20).map((d) => ({ d, label: `p${i}` })));
    const out = await classify(m, test.map((t) => t.d));
    const right = out.map((r, i) => r.candidate === test[i]!.label);
    const accuracy = right.filter(Boolean).length / right.length;
    expect(accuracy).toBeGreaterThan(0.6);
    expect(accuracy).toBeLessThan(0.98);
    const calibrated = expectedCalibrationError(out.map((r) => r.probability), right);
    const raw = expectedCalibrationError(out.map((r) => plattProbability({ a: 1, b: 0 }, r.margin!)), right);
    expect(m.meta.metrics.calibration).toBe('top1');
    expect(calibrated).toBeLessThan(0.15);
    expect(calibrated).toBeLessThan(raw / 2);
  });
});

describe('corrections ("not this person")', () => {
  it('stop a look-alike from being named as that student', async () => {
    // Someone between p0 and a stranger, close enough to p0 to be accepted as p0 at first.
    const stranger = people.draw(700, 1)[0]!;
    const centre = people.centres[0]!;
    const lookalike = (w: number) => centre.map((v, j) => v * (1 - w) + stranger[j]! * w + 0.01 * Math.sin(j * w * 7));
    const before = await classify(model, [lookalike(0.3)]);
    expect(before[0]!.label).toBe('p0');
    const corrected = await trainClassifier(people.samples, { negatives: [{ label: 'p0', descriptor: lookalike(0.3) }] });
    expect(corrected.meta.negatives).toBe(1);
    const after = await classify(corrected, [lookalike(0.3), lookalike(0.31)]);
    for (const r of after) expect(r.label).not.toBe('p0');
    // p0 is still recognised.
    const own = await classify(corrected, people.draw(0, 4));
    expect(own.filter((r) => r.label === 'p0').length).toBeGreaterThanOrEqual(3);
  });
});

describe('bad training input', () => {
  const s = people.samples;
  it('no samples or one student', async () => {
    expect(await codeOf(trainClassifier([]))).toBe('too-few-classes');
    expect(await codeOf(trainClassifier(s.filter((x) => x.label === 'p0')))).toBe('too-few-classes');
  });

  it('a student with one photo, unless allowed', async () => {
    const one = [...s.filter((x) => x.label !== 'p3'), s.find((x) => x.label === 'p3')!];
    const err = await trainClassifier(one).catch((e: ClassifierError) => e);
    expect(err).toMatchObject({ code: 'too-few-samples', details: ['p3'] });
    const m = await trainClassifier(one, { minSamplesPerClass: 1, svm: { epochs: 20 } });
    expect(m.meta.classes).toContain('p3');
  });

  it('duplicates are counted once, with a warning', async () => {
    const m = await trainClassifier([...s, s[0]!, { label: s[1]!.label, descriptor: Float32Array.from(s[1]!.descriptor) }], { svm: { epochs: 20 } });
    expect(m.meta.samples).toBe(50);
    expect(m.meta.warnings.join(' ')).toMatch(/2 duplicate/);
  });

  it('the same face under two names', async () => {
    expect(await codeOf(trainClassifier([...s, { label: 'p9', descriptor: s[0]!.descriptor }]))).toBe('conflicting-samples');
    expect(await codeOf(trainClassifier(s, { negatives: [{ label: s[0]!.label, descriptor: s[0]!.descriptor }] }))).toBe('conflicting-samples');
  });

  it('NaN, infinite, zero and wrong-length descriptors', async () => {
    const bad = (descriptor: number[]): TrainingSample[] => [...s, { label: 'p0', descriptor }];
    const d = s[0]!.descriptor as number[];
    for (const descriptor of [d.map((v, i) => (i === 5 ? NaN : v)), d.map((v, i) => (i === 0 ? Infinity : v)), d.map(() => 0), d.slice(0, 127), [...d, 0]]) {
      const err = await trainClassifier(bad(descriptor)).catch((e: ClassifierError) => e);
      expect(err).toMatchObject({ code: 'invalid-descriptor', details: [50, 'p0'] });
    }
    expect(await codeOf(trainClassifier(s, { negatives: [{ label: 'p0', descriptor: [1, 2] }] }))).toBe('invalid-descriptor');
  });

  it('empty labels and the reserved label', async () => {
    expect(await codeOf(trainClassifier([...s, { label: '', descriptor: people.draw(3, 1)[0]! }]))).toBe('invalid-label');
    expect(await codeOf(trainClassifier([...s, { label: UNKNOWN, descriptor: people.draw(3, 1)[0]! }]))).toBe('invalid-label');
  });

  it('bad options', async () => {
    expect(await codeOf(trainClassifier(s, { minProbability: 2 }))).toBe('invalid-option');
    expect(await codeOf(trainClassifier(s, { openSet: { targetFar: 0 } }))).toBe('invalid-option');
    expect(await codeOf(trainClassifier(s, { openSet: { k: 0 } }))).toBe('invalid-option');
    expect(await codeOf(trainClassifier(s, { minSamplesPerClass: 0 }))).toBe('invalid-option');
  });

  it('ignores corrections for students who are not enrolled, with a warning', async () => {
    const m = await trainClassifier(s, { negatives: [{ label: 'ghost', descriptor: people.draw(3, 1)[0]! }], svm: { epochs: 20 } });
    expect(m.meta.negatives).toBe(0);
    expect(m.meta.warnings.join(' ')).toMatch(/not enrolled/);
  });
});

describe('enrolmentCheck', () => {
  it('warns when a new student looks like someone enrolled', () => {
    // A twin of p4: new photos close to p4's centre.
    const twin = people.draw(4, 3);
    const check = enrolmentCheck(model, { label: 'newcomer', descriptors: twin });
    expect(check.ok).toBe(false);
    const w = check.warnings.find((x) => x.kind === 'looks-like')!;
    expect(w.other).toBe('p4');
    expect(w.message).toMatch(/looks like p4 .*take 3 more photos of each/);
    expect(w.distance!).toBeLessThanOrEqual(check.threshold);
  });

  it('passes a clearly different newcomer, from a model or plain samples', () => {
    const fresh = people.draw(900, 4);
    expect(enrolmentCheck(model, { label: 'newcomer', descriptors: fresh })).toMatchObject({ ok: true, warnings: [] });
    expect(enrolmentCheck(people.samples, { label: 'newcomer', descriptors: fresh }).ok).toBe(true);
  });

  it('flags too few, repeated, invalid and inconsistent photos', () => {
    const [a, b] = people.draw(901, 2);
    const other = people.draw(902, 1)[0]!;
    const check = enrolmentCheck(people.samples, { label: 'x', descriptors: [a!, a!, b!, other, [NaN]] });
    const kinds = check.warnings.map((w) => w.kind).sort();
    expect(kinds).toEqual(['duplicate-photos', 'inconsistent-photos', 'invalid-descriptor']);
    expect(check.warnings.find((w) => w.kind === 'inconsistent-photos')!.photos).toEqual([3]);
    expect(enrolmentCheck(people.samples, { label: 'x', descriptors: [a!] }).warnings.map((w) => w.kind)).toEqual(['too-few-photos']);
  });

  it('does not compare a student with their own earlier photos', () => {
    const check = enrolmentCheck(model, { label: 'p4', descriptors: people.draw(4, 3) });
    expect(check.warnings.filter((w) => w.kind === 'looks-like')).toEqual([]);
  });
});
