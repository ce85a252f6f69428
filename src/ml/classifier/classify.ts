/**
 * Naming faces with a trained classifier. A face is accepted only when the
 * SVM's calibrated probability clears `minProbability` AND it is within the
 * calibrated distance of that student's own enrolment photos AND it is not
 * closer to one of that student's "not this person" corrections. In a class
 * photo the faces are assigned one-to-one to the roster (Hungarian), so no
 * student is marked twice.
 */
import type * as tf from '@tensorflow/tfjs';
import { assignFaces } from './assign';
import { euclidean } from '../geometry';
import { plattProbability } from './calibrate';
import type { Classifier } from './model';
import { classRanges } from './openset';
import { meanOfSmallest } from './openSetRules';
import { scoreSvm, uploadSvmWeights } from './svm';
import { descriptorProblem, rowOf } from './trainingSet';
import { ClassifierError, CURRENT_DESCRIPTOR, UNKNOWN, type DescriptorSpec } from './types';

export type RecognitionReason =
  | 'accepted'
  /** The SVM's calibrated probability for the best student is under minProbability. */
  | 'low-probability'
  /** Not close enough to the best student's enrolment photos. */
  | 'too-far'
  /** Closer to a "not this person" correction of the best student than to the student. */
  | 'negative-match'
  /** Its best student went to a face that fits that student better. */
  | 'assigned-elsewhere'
  /** No student to compare with (empty roster, or no roster name is enrolled). */
  | 'no-candidate'
  /** NaN, all zeros or the wrong length: no decision was made. */
  | 'invalid-descriptor';

export interface Recognition {
  /** A student, or UNKNOWN. */
  label: string;
  /** The best student considered, even when rejected (null when there was none). */
  candidate: string | null;
  /** Calibrated probability that `candidate` is right (0 when there is no candidate). */
  probability: number;
  margin: number | null;
  /** Distance score to the candidate's enrolment photos. */
  distance: number | null;
  reason: RecognitionReason;
}

export interface ClassifyOptions {
  /** Only these students can be named (labels not in the model can never match). */
  roster?: readonly string[];
  /**
   * 'one-to-one': the descriptors are faces of one photo, so each student gets at most one face.
   * 'independent': each descriptor is judged alone. Defaults to one-to-one when a roster is given.
   */
  assignment?: 'one-to-one' | 'independent';
  /** What the pipeline produces now; a model trained on other descriptors is refused. */
  descriptor?: DescriptorSpec;
}

interface PairVerdict {
  probability: number;
  margin: number;
  distance: number | null;
  reason: RecognitionReason;
}
/** What classify can reuse between calls with one model. */
interface Prepared {
  weights: tf.Tensor2D;
  ranges: [number, number][];
}

/**
 * A classifier ready for many calls: its weights stay on the backend and the
 * gallery's class ranges are computed once. With 10,000 students this takes a
 * single face from ~6 ms to under 1 ms (bench/results/classifier.md). Holds one
 * tensor until `dispose()`.
 */
export interface PreparedClassifier {
  readonly model: Classifier;
  classify(descriptors: readonly ArrayLike<number>[], options?: ClassifyOptions): Promise<Recognition[]>;
  dispose(): void;
}

export function prepareClassifier(model: Classifier): PreparedClassifier {
  const prepared: Prepared = { weights: uploadSvmWeights(model.svm), ranges: classRanges(model.gallery.y, model.svm.classes.length) };
  let disposed = false;
  return {
    model,
    classify(descriptors, options) {
      if (disposed) throw new Error('This prepared classifier was disposed.');
      return classifyWith(model, descriptors, options, prepared);
    },
    dispose() {
      if (!disposed) prepared.weights.dispose();
      disposed = true;
    },
  };
}

/** Names faces with `model`; stateless (see prepareClassifier for repeated calls). */
export function classify(model: Classifier, descriptors: readonly ArrayLike<number>[], options: ClassifyOptions = {}): Promise<Recognition[]> {
  return classifyWith(model, descriptors, options, null);
}

async function classifyWith(model: Classifier, descriptors: readonly ArrayLike<number>[], options: ClassifyOptions = {}, prepared: Prepared | null): Promise<Recognition[]> {
  const spec = options.descriptor ?? CURRENT_DESCRIPTOR;
  if (model.meta.descriptor.version !== spec.version || model.meta.descriptor.dimension !== spec.dimension) {
    throw new ClassifierError(
      'descriptor-mismatch',
      `This classifier was trained on "${model.meta.descriptor.version}" descriptors but the pipeline produces "${spec.version}". Retrain it.`,
    );
  }
  const d = model.svm.dimension;
  const classes = model.svm.classes;
  const columns = options.roster
    ? [...new Set(options.roster)].map((label) => classes.indexOf(label)).filter((c) => c >= 0).sort((a, b) => a - b)
    : classes.map((_, c) => c);
  const oneToOne = (options.assignment ?? (options.roster ? 'one-to-one' : 'independent')) === 'one-to-one';

  const results: Recognition[] = descriptors.map(() => ({ label: UNKNOWN, candidate: null, probability: 0, margin: null, distance: null, reason: 'no-candidate' }));
  const valid: number[] = [];
  descriptors.forEach((desc, i) => {
    if (descriptorProblem(desc, d)) results[i]!.reason = 'invalid-descriptor';
    else valid.push(i);
  });
  if (!valid.length || !columns.length) return results;

  const margins = await scoreSvm(model.svm, valid.map((i) => descriptors[i]!), prepared?.weights);
  const ranges = prepared?.ranges ?? classRanges(model.gallery.y, classes.length);
  const negByClass = new Map<number, Float32Array[]>();
  model.gallery.negY.forEach((c, i) => negByClass.set(c, [...(negByClass.get(c) ?? []), rowOf(model.gallery.negX, i, d)]));
  const { k, minProbability, point } = model.openSet;

  const verdict = (desc: ArrayLike<number>, margin: number, c: number): PairVerdict => {
    const probability = plattProbability(model.calibration, margin);
    const [s, e] = ranges[c]!;
    const dist = new Float64Array(e - s);
    for (let r = s; r < e; r++) dist[r - s] = euclidean(desc, rowOf(model.gallery.x, r, d));
    const distance = meanOfSmallest(dist, k);
    let reason: RecognitionReason = 'accepted';
    if (probability < minProbability) reason = 'low-probability';
    else if (!(distance <= point.threshold)) reason = 'too-far';
    // Nearest correction against nearest photo: like with like, whatever k is.
    else if ((negByClass.get(c) ?? []).some((n) => euclidean(desc, n) < meanOfSmallest(dist, 1))) reason = 'negative-match';
    return { probability, margin, distance, reason };
  };
  const fill = (i: number, c: number, v: PairVerdict, reason: RecognitionReason = v.reason) => {
    results[i] = {
      label: reason === 'accepted' ? classes[c]! : UNKNOWN,
      candidate: classes[c]!,
      probability: v.probability,
      margin: v.margin,
      distance: v.distance,
      reason,
    };
  };
  const best = (row: number[]) => columns.reduce((b, c) => (row[c]! > row[b]! ? c : b), columns[0]!);

  if (!oneToOne) {
    valid.forEach((i, q) => {
      const c = best(margins[q]!);
      fill(i, c, verdict(descriptors[i]!, margins[q]![c]!, c));
    });
    return results;
  }

  // Only pairs that clear the probability bar can be accepted, so only they need distances.
  const verdicts = valid.map((i, q) => {
    const row = margins[q]!;
    const out = new Map<number, PairVerdict>();
    const top = best(row);
    out.set(top, verdict(descriptors[i]!, row[top]!, top));
    for (const c of columns) {
      if (c !== top && plattProbability(model.calibration, row[c]!) >= minProbability) out.set(c, verdict(descriptors[i]!, row[c]!, c));
    }
    return { top, out };
  });
  const utility = verdicts.map(({ out }) => columns.map((c) => (out.get(c)?.reason === 'accepted' ? out.get(c)!.probability : null)));
  const assigned = assignFaces(utility);
  valid.forEach((i, q) => {
    const { top, out } = verdicts[q]!;
    const a = assigned[q];
    if (a !== null && a !== undefined) {
      const c = columns[a]!;
      fill(i, c, out.get(c)!);
    } else {
      const v = out.get(top)!;
      fill(i, top, v, v.reason === 'accepted' ? 'assigned-elsewhere' : v.reason);
    }
  });
  return results;
}
