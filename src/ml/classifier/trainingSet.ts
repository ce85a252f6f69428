/**
 * Turns caller samples into a validated TrainingSet. Every rule about bad
 * input lives here so the maths modules can assume clean arrays.
 *
 * Fallbacks (everything else throws a ClassifierError):
 * - an exact duplicate of a sample of the same student is dropped and counted;
 * - a negative for a student who is not enrolled is dropped and counted.
 */
import { ClassifierError, UNKNOWN, type NegativeSample, type TrainingSample, type TrainingSet } from './types';

export interface BuildOptions {
  dimension: number;
  /** Fewer samples than this for any student is an error (default 2: one photo says nothing about spread). */
  minSamplesPerClass?: number;
}

export interface BuiltTrainingSet {
  set: TrainingSet;
  duplicatesDropped: number;
  negativesDropped: number;
}

/** Why a descriptor cannot be used, or null when it can. */
export function descriptorProblem(d: ArrayLike<number> | null | undefined, dimension: number): string | null {
  if (!d || typeof d.length !== 'number') return 'is missing';
  if (d.length !== dimension) return `has ${d.length} values instead of ${dimension}`;
  let sumSq = 0;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (!Number.isFinite(v)) return `has a non-finite value at ${i}`;
    sumSq += v * v;
  }
  // A real face never embeds to the origin; zeros mean a failed or blank embedding.
  if (sumSq < 1e-12) return 'is all zeros';
  return null;
}

function keyOf(d: ArrayLike<number>): string {
  let key = '';
  for (let i = 0; i < d.length; i++) key += `${Math.round(d[i]! * 1e6)},`;
  return key;
}

export function buildTrainingSet(
  samples: readonly TrainingSample[],
  negatives: readonly NegativeSample[] = [],
  options: BuildOptions,
): BuiltTrainingSet {
  const { dimension } = options;
  const minSamples = options.minSamplesPerClass ?? 2;
  if (!Number.isInteger(minSamples) || minSamples < 1) {
    throw new ClassifierError('invalid-option', `minSamplesPerClass must be a positive integer, not ${minSamples}.`);
  }
  const seen = new Map<string, string>();
  const byClass = new Map<string, ArrayLike<number>[]>();
  let duplicatesDropped = 0;
  samples.forEach((s, i) => {
    if (typeof s?.label !== 'string' || !s.label.trim() || s.label === UNKNOWN) {
      throw new ClassifierError('invalid-label', `Sample ${i} has the label ${JSON.stringify(s?.label)}; labels must be non-empty and not "${UNKNOWN}".`, [i]);
    }
    const problem = descriptorProblem(s.descriptor, dimension);
    if (problem) throw new ClassifierError('invalid-descriptor', `The descriptor of sample ${i} (${s.label}) ${problem}.`, [i, s.label]);
    const key = keyOf(s.descriptor);
    const owner = seen.get(key);
    if (owner !== undefined) {
      if (owner !== s.label) {
        throw new ClassifierError('conflicting-samples', `Sample ${i} is the same face enrolled as both ${owner} and ${s.label}.`, [i, owner, s.label]);
      }
      duplicatesDropped++;
      return;
    }
    seen.set(key, s.label);
    const list = byClass.get(s.label) ?? [];
    list.push(s.descriptor);
    byClass.set(s.label, list);
  });

  const classes = [...byClass.keys()].sort();
  if (classes.length < 2) {
    throw new ClassifierError(
      'too-few-classes',
      classes.length ? `Only ${classes[0]} is enrolled; at least two students are needed to tell people apart.` : 'No samples to train on.',
      classes,
    );
  }
  const short = classes.filter((c) => byClass.get(c)!.length < minSamples);
  if (short.length) {
    throw new ClassifierError('too-few-samples', `${short.join(', ')} ${short.length === 1 ? 'has' : 'have'} fewer than ${minSamples} distinct photos.`, short);
  }

  const index = new Map(classes.map((c, i) => [c, i]));
  const n = seen.size;
  const x = new Float32Array(n * dimension);
  const y = new Int32Array(n);
  let row = 0;
  for (const c of classes) {
    for (const d of byClass.get(c)!) {
      for (let j = 0; j < dimension; j++) x[row * dimension + j] = d[j]!;
      y[row++] = index.get(c)!;
    }
  }

  const negRows: { d: ArrayLike<number>; c: number }[] = [];
  let negativesDropped = 0;
  const negSeen = new Set<string>();
  negatives.forEach((s, i) => {
    const problem = descriptorProblem(s?.descriptor, dimension);
    if (problem) throw new ClassifierError('invalid-descriptor', `The descriptor of negative ${i} (not ${s?.label}) ${problem}.`, [i, s?.label ?? '']);
    const c = index.get(s.label);
    const key = keyOf(s.descriptor);
    if (c === undefined || negSeen.has(`${c}:${key}`)) {
      negativesDropped++;
      return;
    }
    if (seen.get(key) === s.label) {
      throw new ClassifierError('conflicting-samples', `Negative ${i} is one of ${s.label}'s own enrolment photos.`, [i, s.label]);
    }
    negSeen.add(`${c}:${key}`);
    negRows.push({ d: s.descriptor, c });
  });
  const negX = new Float32Array(negRows.length * dimension);
  const negY = new Int32Array(negRows.length);
  negRows.forEach((r, i) => {
    for (let j = 0; j < dimension; j++) negX[i * dimension + j] = r.d[j]!;
    negY[i] = r.c;
  });

  return { set: { classes, dimension, x, y, negX, negY }, duplicatesDropped, negativesDropped };
}

/** The rows of `set` selected by `rows` (positives) and `negRows`, keeping all classes. */
export function subsetOf(set: TrainingSet, rows: readonly number[], negRows: readonly number[] = []): TrainingSet {
  const d = set.dimension;
  const x = new Float32Array(rows.length * d);
  const y = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    x.set(set.x.subarray(r * d, r * d + d), i * d);
    y[i] = set.y[r]!;
  });
  const negX = new Float32Array(negRows.length * d);
  const negY = new Int32Array(negRows.length);
  negRows.forEach((r, i) => {
    negX.set(set.negX.subarray(r * d, r * d + d), i * d);
    negY[i] = set.negY[r]!;
  });
  return { classes: set.classes, dimension: d, x, y, negX, negY };
}

/** Row `i` of a flat array of `d`-float rows, without copying. */
export function rowOf(x: Float32Array, i: number, d: number): Float32Array {
  return x.subarray(i * d, i * d + d);
}
