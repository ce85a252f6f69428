/**
 * Training: the SVM on enrolment descriptors, its probabilities calibrated on
 * held-out photos, and the distance threshold that lets a face be unknown.
 */
import * as tf from '@tensorflow/tfjs';
import { crossValidatedMargins, expectedCalibrationError, fitCalibration, plattProbability, type CalibrationMode } from './calibrate';
import type { Classifier } from './model';
import { calibrateOpenSet } from './openset';
import { OPEN_SET_DEFAULTS, type OpenSetOptions } from './openSetRules';
import type { SvmOptions } from './svm';
import { trainSvmOnSet } from './trainSvm';
import { buildTrainingSet, descriptorProblem } from './trainingSet';
import { ClassifierError, CURRENT_DESCRIPTOR, type DescriptorSpec, type NegativeSample, type TrainingSample, type TrainingSet } from './types';

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
