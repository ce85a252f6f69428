/**
 * "Who is this?": train on enrolment descriptors, then name faces or call
 * them unknown. A face is accepted only when the SVM's calibrated probability
 * clears `minProbability` AND it is within the calibrated distance of that
 * student's own enrolment photos AND it is not closer to one of that
 * student's "not this person" corrections. In a class photo the faces are
 * assigned one-to-one to the roster (Hungarian), so no student is marked twice.
 */
import * as tf from '@tensorflow/tfjs';
import { assignFaces } from './assign';
import { euclidean } from '../geometry';
import { crossValidatedMargins, expectedCalibrationError, fitCalibration, plattProbability, type CalibrationMode } from './calibrate';
import type { Classifier } from './model';
import { calibrateOpenSet, classRanges, meanOfSmallest, OPEN_SET_DEFAULTS, type OpenSetOptions } from './openset';
import { scoreSvm, trainSvmOnSet, uploadSvmWeights, type SvmOptions } from './svm';
import { buildTrainingSet, descriptorProblem } from './trainingSet';
import { ClassifierError, CURRENT_DESCRIPTOR, UNKNOWN, type DescriptorSpec, type NegativeSample, type TrainingSample, type TrainingSet } from './types';

export type { Classifier, ClassifierMeta, ClassifierMetrics } from './model';
export { ClassifierError, CURRENT_DESCRIPTOR, UNKNOWN } from './types';
export type { ClassifierErrorCode, DescriptorSpec, NegativeSample, TrainingSample } from './types';
export { parseClassifier, serializeClassifier } from './serialize';
export type { OperatingPoint } from './openset';

export interface TrainClassifierOptions {
  /** "Not this person" corrections: each must not be recognised as its label. */
  negatives?: readonly NegativeSample[];
  /**
   * More samples for the final SVM only, e.g. augmented variants of the enrolment photos.
   * They are near-copies of photos that calibration holds out, so they take no part in
   * cross-validation, the distance threshold or the gallery.
   */
  extraSamples?: readonly TrainingSample[];
  descriptor?: DescriptorSpec;
  minSamplesPerClass?: number;
  svm?: Partial<SvmOptions>;
  /** Cross-validation folds for calibration; 0 or 1 skips it and uses a plain logistic of the margin. */
  folds?: number;
  /** Which probability to fit; see fitCalibration. */
  calibration?: CalibrationMode;
  seed?: number;
  openSet?: Partial<Omit<OpenSetOptions, 'seed'>>;
  /** Calibrated probability a face must reach (besides the distance test). */
  minProbability?: number;
  id?: string;
  now?: Date;
}

export const DEFAULT_FOLDS = 5;
export const DEFAULT_MIN_PROBABILITY = 0.5;

export async function trainClassifier(samples: readonly TrainingSample[], options: TrainClassifierOptions = {}): Promise<Classifier> {
  const t0 = performance.now();
  const descriptor = options.descriptor ?? CURRENT_DESCRIPTOR;
  const seed = options.seed ?? 1;
  const minProbability = options.minProbability ?? DEFAULT_MIN_PROBABILITY;
  if (!(minProbability >= 0 && minProbability <= 1)) throw new ClassifierError('invalid-option', `minProbability must be between 0 and 1, not ${minProbability}.`);
  const built = buildTrainingSet(samples, options.negatives, { dimension: descriptor.dimension, minSamplesPerClass: options.minSamplesPerClass });
  const { set } = built;
  const warnings: string[] = [];
  if (built.duplicatesDropped) warnings.push(`${built.duplicatesDropped} duplicate photo(s) were counted once.`);
  if (built.negativesDropped) warnings.push(`${built.negativesDropped} correction(s) for students who are not enrolled (or repeated) were ignored.`);

  const svm = await trainSvmOnSet(withExtraSamples(set, options.extraSamples ?? [], warnings), options.svm, descriptor.version);

  const heldOut = await crossValidatedMargins(set, { folds: options.folds ?? DEFAULT_FOLDS, seed, svm: options.svm });
  const correct = heldOut.predicted.map((p, i) => p === heldOut.truth[i]);
  const fitted = fitCalibration(heldOut, options.calibration);
  const calibration = fitted.params;
  if (!heldOut.rows.length) warnings.push('No photos could be held out for calibration; probabilities are uncalibrated.');
  const probabilities = heldOut.topMargin.map((m) => plattProbability(calibration, m));

  const openSetOptions = { ...OPEN_SET_DEFAULTS, ...options.openSet, seed };
  const openSet = await calibrateOpenSet(set, openSetOptions);

  return {
    meta: {
      id: options.id ?? crypto.randomUUID(),
      createdAt: (options.now ?? new Date()).toISOString(),
      classes: [...set.classes],
      samples: set.y.length,
      negatives: set.negY.length,
      trainingMs: performance.now() - t0,
      backend: tf.getBackend(),
      descriptor: { ...descriptor },
      metrics: {
        cvFolds: heldOut.folds,
        calibration: fitted.mode,
        heldOut: heldOut.rows.length,
        cvAccuracy: correct.length ? correct.filter(Boolean).length / correct.length : null,
        cvEce: correct.length ? expectedCalibrationError(probabilities, correct) : null,
        ...macroPrecisionRecall(heldOut.truth, heldOut.predicted),
        svmLoss: svm.loss,
        svmEpochs: svm.epochs,
      },
      warnings,
    },
    svm,
    calibration,
    openSet: { point: openSet.point, k: openSetOptions.k, minProbability },
    gallery: { x: set.x, y: set.y, negX: set.negX, negY: set.negY },
  };
}

/** Macro-averaged over the students that occur as truth or as a prediction. */
export function macroPrecisionRecall(truth: ArrayLike<number>, predicted: ArrayLike<number>): { cvPrecision: number | null; cvRecall: number | null } {
  if (!truth.length) return { cvPrecision: null, cvRecall: null };
  const classes = new Set<number>([...Array.from(truth), ...Array.from(predicted)]);
  let precision = 0;
  let recall = 0;
  for (const c of classes) {
    let tp = 0;
    let predictedC = 0;
    let actualC = 0;
    for (let i = 0; i < truth.length; i++) {
      if (predicted[i] === c) predictedC++;
      if (truth[i] === c) actualC++;
      if (predicted[i] === c && truth[i] === c) tp++;
    }
    precision += predictedC ? tp / predictedC : 0;
    recall += actualC ? tp / actualC : 0;
  }
  return { cvPrecision: precision / classes.size, cvRecall: recall / classes.size };
}

function withExtraSamples(set: TrainingSet, extra: readonly TrainingSample[], warnings: string[]): TrainingSet {
  if (!extra.length) return set;
  const index = new Map(set.classes.map((c, i) => [c, i]));
  const kept = extra.filter((s) => index.has(s.label) && !descriptorProblem(s.descriptor, set.dimension));
  if (kept.length < extra.length) warnings.push(`${extra.length - kept.length} extra sample(s) were unusable or of students not enrolled and were ignored.`);
  const d = set.dimension;
  const x = new Float32Array(set.x.length + kept.length * d);
  x.set(set.x);
  const y = new Int32Array(set.y.length + kept.length);
  y.set(set.y);
  kept.forEach((s, i) => {
    for (let j = 0; j < d; j++) x[set.x.length + i * d + j] = s.descriptor[j]!;
    y[set.y.length + i] = index.get(s.label)!;
  });
  return { ...set, x, y };
}

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

function rowOf(x: Float32Array, i: number, d: number): Float32Array {
  return x.subarray(i * d, i * d + d);
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

export type EnrolmentWarningKind = 'looks-like' | 'inconsistent-photos' | 'too-few-photos' | 'duplicate-photos' | 'invalid-descriptor';

export interface EnrolmentWarning {
  kind: EnrolmentWarningKind;
  message: string;
  /** The other student, for 'looks-like'. */
  other?: string;
  distance?: number;
  /** Indices of the new student's photos concerned. */
  photos: number[];
}

export interface EnrolmentCheck {
  ok: boolean;
  warnings: EnrolmentWarning[];
  /** The distance under which two students count as look-alikes. */
  threshold: number;
}

/** Used without a trained model: between our measured same-person (~0.4) and different-person (~0.75) medians. */
export const DEFAULT_LOOKALIKE_THRESHOLD = 0.55;
export const MIN_ENROLMENT_PHOTOS = 3;

/**
 * Checks a student's new enrolment photos against everyone already enrolled
 * (a trained classifier or plain samples) before training: look-alikes get a
 * warning to add photos of both, since that is what lets the SVM separate them.
 */
export function enrolmentCheck(
  existing: Classifier | readonly TrainingSample[],
  candidate: { label: string; descriptors: readonly ArrayLike<number>[] },
  options: { threshold?: number; k?: number; dimension?: number } = {},
): EnrolmentCheck {
  const isModel = !Array.isArray(existing);
  const model = isModel ? (existing as Classifier) : null;
  const dimension = options.dimension ?? model?.svm.dimension ?? CURRENT_DESCRIPTOR.dimension;
  const threshold = options.threshold ?? model?.openSet.point.threshold ?? DEFAULT_LOOKALIKE_THRESHOLD;
  const k = options.k ?? model?.openSet.k ?? OPEN_SET_DEFAULTS.k;
  const warnings: EnrolmentWarning[] = [];

  const others = new Map<string, ArrayLike<number>[]>();
  if (model) {
    model.gallery.y.forEach((c, i) => {
      const label = model.svm.classes[c]!;
      others.set(label, [...(others.get(label) ?? []), rowOf(model.gallery.x, i, dimension)]);
    });
  } else {
    for (const s of existing as readonly TrainingSample[]) {
      if (descriptorProblem(s.descriptor, dimension)) continue;
      others.set(s.label, [...(others.get(s.label) ?? []), s.descriptor]);
    }
  }
  others.delete(candidate.label);

  const photos: { index: number; d: ArrayLike<number> }[] = [];
  const bad: number[] = [];
  candidate.descriptors.forEach((d, index) => (descriptorProblem(d, dimension) ? bad.push(index) : photos.push({ index, d })));
  if (bad.length) warnings.push({ kind: 'invalid-descriptor', message: `${bad.length} photo(s) gave no usable face description; retake them.`, photos: bad });

  const dist = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    let s = 0;
    for (let j = 0; j < dimension; j++) s += (a[j]! - b[j]!) ** 2;
    return Math.sqrt(s);
  };
  const dupes = photos.filter((p, i) => photos.slice(0, i).some((q) => dist(p.d, q.d) < 1e-6)).map((p) => p.index);
  if (dupes.length) warnings.push({ kind: 'duplicate-photos', message: `${dupes.length} photo(s) are repeats of another; they count once.`, photos: dupes });
  const distinct = photos.length - dupes.length;
  if (distinct < MIN_ENROLMENT_PHOTOS) {
    warnings.push({ kind: 'too-few-photos', message: `Only ${distinct} distinct photo(s); take at least ${MIN_ENROLMENT_PHOTOS}.`, photos: photos.map((p) => p.index) });
  }

  const unique = photos.filter((p) => !dupes.includes(p.index));
  if (unique.length >= 2) {
    // Nearest other photo, not mean-of-k: one odd photo must not make the good ones look odd too.
    const loners = unique.filter((p) => meanOfSmallest(unique.filter((q) => q !== p).map((q) => dist(p.d, q.d)), 1) > threshold).map((p) => p.index);
    if (loners.length) {
      warnings.push({
        kind: 'inconsistent-photos',
        message: `${loners.length} photo(s) look unlike ${candidate.label}'s others; check they are all of ${candidate.label}.`,
        photos: loners,
      });
    }
  }

  const lookalikes: { other: string; distance: number; photos: number[] }[] = [];
  for (const [other, gallery] of others) {
    const scores = photos.map((p) => ({ index: p.index, s: meanOfSmallest(gallery.map((g) => dist(p.d, g)), k) }));
    const close = scores.filter((s) => s.s <= threshold);
    if (close.length) lookalikes.push({ other, distance: Math.min(...close.map((s) => s.s)), photos: close.map((s) => s.index) });
  }
  lookalikes.sort((a, b) => a.distance - b.distance);
  for (const l of lookalikes) {
    warnings.push({
      kind: 'looks-like',
      other: l.other,
      distance: l.distance,
      photos: l.photos,
      message: `${candidate.label} looks like ${l.other} (distance ${l.distance.toFixed(2)}); take ${MIN_ENROLMENT_PHOTOS} more photos of each.`,
    });
  }
  return { ok: warnings.length === 0, warnings, threshold };
}
