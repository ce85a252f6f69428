/**
 * "Who is this?": train on enrolment descriptors (trainClassifier.ts), then
 * name faces or call them unknown (classify.ts); enrolmentCheck.ts looks at a
 * student's photos before they are trained on. This file is the public face
 * of the folder: the app imports from here.
 */
export type { Classifier, ClassifierMeta } from './model';
export { ClassifierError, CURRENT_DESCRIPTOR, UNKNOWN } from './types';
export type { ClassifierErrorCode, NegativeSample, TrainingSample } from './types';
export { parseClassifier, serializeClassifier } from './serialize';
export type { OperatingPoint } from './openSetRules';
export { macroPrecisionRecall, trainClassifier, type TrainClassifierOptions } from './trainClassifier';
export { classify, prepareClassifier, type PreparedClassifier, type Recognition } from './classify';
export { DEFAULT_LOOKALIKE_THRESHOLD, enrolmentCheck } from './enrolmentCheck';
