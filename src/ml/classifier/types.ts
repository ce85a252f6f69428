/** Plain data shared by the classifier modules. Nothing here holds a tensor. */
import { DESCRIPTOR_DIMENSION, DESCRIPTOR_VERSION } from '../embedder/descriptor';

/** Which embedding a descriptor came from. Descriptors of different versions are not comparable. */
export interface DescriptorSpec {
  version: string;
  dimension: number;
}

/** The descriptors `createFacePipeline` produces today (see ml/embedder). */
export const CURRENT_DESCRIPTOR: DescriptorSpec = {
  version: DESCRIPTOR_VERSION,
  dimension: DESCRIPTOR_DIMENSION,
};

/** What `classify` answers for a face it does not accept as anyone; no class may use this label. */
export const UNKNOWN = 'unknown';

export interface TrainingSample {
  label: string;
  descriptor: ArrayLike<number>;
}

/** A "not this person" correction: `descriptor` must not be recognised as `label`. */
export interface NegativeSample {
  label: string;
  descriptor: ArrayLike<number>;
}

/**
 * Validated training data as flat arrays, rows of `dimension` floats.
 * Rows of `positive` are enrolment samples; rows of `negative` are corrections.
 */
export interface TrainingSet {
  classes: string[];
  dimension: number;
  x: Float32Array;
  /** Class index of each row of `x`. */
  y: Int32Array;
  negX: Float32Array;
  /** Class index each row of `negX` must not score as. */
  negY: Int32Array;
}

export type ClassifierErrorCode =
  /** No samples, or fewer than two students to tell apart. */
  | 'too-few-classes'
  /** A student has fewer samples than `minSamplesPerClass`. */
  | 'too-few-samples'
  /** NaN/Infinity, an all-zero vector, or the wrong length. */
  | 'invalid-descriptor'
  /** Empty label or the reserved label "unknown". */
  | 'invalid-label'
  /** The same descriptor enrolled under two students, or as both a sample and a negative of one. */
  | 'conflicting-samples'
  | 'invalid-option'
  /** Stored bytes are not a classifier or are cut short. */
  | 'corrupt-model'
  | 'checksum-mismatch'
  | 'unsupported-format-version'
  /** The model was trained on descriptors of another version or length than the pipeline's. */
  | 'descriptor-mismatch';

export class ClassifierError extends Error {
  readonly code: ClassifierErrorCode;
  /** Labels or row indices the error is about, for a caller that wants to point at them. */
  readonly details: readonly (string | number)[];
  constructor(code: ClassifierErrorCode, message: string, details: readonly (string | number)[] = []) {
    super(message);
    this.name = 'ClassifierError';
    this.code = code;
    this.details = details;
  }
}
