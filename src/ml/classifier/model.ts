/** The trained classifier as plain data: what `trainClassifier` returns, `classify` reads and serialize.ts stores. */
import type { PlattParams } from './calibrate';
import type { OperatingPoint } from './openSetRules';
import type { SvmModel } from './svm';
import type { DescriptorSpec } from './types';

export interface ClassifierMetrics {
  /** Folds of the enrolment cross-validation (0 when no student had two photos to spare). */
  cvFolds: number;
  /** Which fit the probabilities come from (see calibrate.ts); 'none' = plain logistic of the margin. */
  calibration: 'top1' | 'column' | 'none';
  /** Enrolment photos scored by a model that did not train on them. */
  heldOut: number;
  /** Top-1 accuracy on those photos; null without cross-validation. */
  cvAccuracy: number | null;
  /** Expected calibration error of the fitted probabilities on those photos (optimistic: fitted on the same margins). */
  cvEce: number | null;
  /** Macro precision and recall over students on those photos (closed set); null without cross-validation. */
  cvPrecision?: number | null;
  cvRecall?: number | null;
  svmLoss: number;
  svmEpochs: number;
}

export interface ClassifierMeta {
  id: string;
  /** ISO 8601. */
  createdAt: string;
  classes: string[];
  /** Enrolment samples trained on, after duplicates were dropped. */
  samples: number;
  /** "Not this person" corrections trained on. */
  negatives: number;
  trainingMs: number;
  /** tfjs backend that trained it. */
  backend: string;
  descriptor: DescriptorSpec;
  metrics: ClassifierMetrics;
  /** What was dropped or worked around while training, in words. */
  warnings: string[];
}

export interface OpenSetModel {
  point: OperatingPoint;
  /** Distance score = mean of the k smallest distances to a student's photos. */
  k: number;
  /** Calibrated probability a face must reach as well as the distance test. */
  minProbability: number;
}

/** Enrolment descriptors, raw (as the pipeline gives them), rows grouped by class. */
export interface Gallery {
  x: Float32Array;
  y: Int32Array;
  negX: Float32Array;
  negY: Int32Array;
}

export interface Classifier {
  meta: ClassifierMeta;
  svm: SvmModel;
  calibration: PlattParams;
  openSet: OpenSetModel;
  gallery: Gallery;
}
