/** The typed messages between the main thread and the ML worker. Only plain data crosses. */
import type { AnalyzeOptions } from '../pipeline';
import type { BackendAttempt } from '../backend';
import type { AnalyzeResult, BackendName, DetectorKind, PipelineErrorCode } from '../types';
import type { ClassifierErrorCode, ClassifierMeta, NegativeSample, OperatingPoint, Recognition, TrainingSample } from '../classifier';
import type { PassiveScore } from '../liveness/types';

export interface InitRequest {
  type: 'init';
  id: number;
  /** Absolute URL of the folder holding manifest.json and the weights. */
  modelsUrl: string;
  detectors: DetectorKind[];
  preference?: BackendName[];
  /** Backend that passed parity on this device before; it is used without checking again. */
  trusted?: BackendName;
}

/**
 * Check the backends ahead of the one in use (parity and speed against the
 * reference) and switch to the first that passes. Sent when the page is idle;
 * it gives way to any request that arrives meanwhile (`done: false`).
 */
export interface CheckBackendsRequest {
  type: 'checkBackends';
  id: number;
}

export interface AnalyzeRequest {
  type: 'analyze';
  id: number;
  /** The file as the user gave it (the worker sniffs, decodes and orients it), or a camera frame. */
  image: Blob | ImageBitmap;
  options?: Partial<AnalyzeOptions>;
  /**
   * For enrolment: when the photo holds exactly one face, also describe it in
   * altered copies of the photo (ENROLMENT_AUGMENTATIONS), as extra training samples.
   */
  augment?: boolean;
  /** Also score every face with the passive liveness models (loaded on the first such request). */
  liveness?: boolean;
}

export interface MemoryRequest {
  type: 'memory';
  id: number;
}

/** Train a classifier on enrolment descriptors; answered with a serialised, checksummed model. */
export interface TrainRequest {
  type: 'train';
  id: number;
  samples: TrainingSample[];
  negatives?: NegativeSample[];
  /** Augmented copies of enrolment photos: the SVM trains on them, calibration does not. */
  extraSamples?: TrainingSample[];
}

/**
 * Hand the worker a class model for the identify calls that follow. It holds
 * one: a session loads its class's model once, and another version (another
 * class, a retrained model) replaces it, its tensors disposed.
 */
export interface LoadClassModelRequest {
  type: 'loadClassModel';
  id: number;
  /** The model version's id, which identify calls name. */
  version: string;
  /** The model as `train` returned it (or as stored in IndexedDB). */
  model: Uint8Array;
}

/** Find the faces of a photo and name them with the class model loaded. */
export interface IdentifyRequest {
  type: 'identify';
  id: number;
  image: Blob | ImageBitmap;
  /** The version loaded with loadClassModel; another answers 'class-model-not-loaded'. */
  version: string;
  /** The session's class: only these students can be named, each at most once. */
  roster?: string[];
  options?: Partial<AnalyzeOptions>;
  /** Also score every face with the passive liveness models (loaded on the first such request). */
  liveness?: boolean;
}

export type WorkerRequest = InitRequest | CheckBackendsRequest | AnalyzeRequest | MemoryRequest | TrainRequest | LoadClassModelRequest | IdentifyRequest;

export interface TrainResult {
  model: Uint8Array;
  meta: ClassifierMeta;
  /** The open-set threshold and its estimated false-accept / false-reject rates. */
  operatingPoint: OperatingPoint;
}

export interface LoadClassModelResult {
  version: string;
  /** The classifier's own id (its meta.id). */
  modelId: string;
}

export interface IdentifyResult extends PhotoResult {
  /** One per face, in the order of `faces`. */
  recognitions: Recognition[];
  modelId: string;
}

export interface InitResult {
  backend: BackendName;
  reason: string;
  /** The candidates the background check tried, once it has run. */
  attempts: BackendAttempt[];
  /** 'pending': started on the reference, the check is still to run; 'done': it ran in this session; 'earlier': started on a verdict kept from before. */
  check: 'pending' | 'done' | 'earlier';
  detectors: DetectorKind[];
  crossOriginIsolated: boolean;
  /** WASM features in use when WASM was chosen: threads need cross-origin isolation. */
  wasm: { simd: boolean; threads: boolean } | null;
  loadMs: number;
}

export interface BackendCheckResult {
  /** False when the check gave way to a waiting request; it is sent again at the next idle moment. */
  done: boolean;
  /** The engine as it is now, on the backend chosen when done. */
  info: InitResult;
}

export interface PhotoResult extends AnalyzeResult {
  /** Size of the photo as stored (after EXIF rotation), before any downscale. */
  originalWidth: number;
  originalHeight: number;
  /** Coordinates in `faces` are in the downscaled image; divide by this to map to the original. */
  scale: number;
  /** With `augment`: descriptors of the one face in altered copies of the photo. */
  augmented?: number[][];
  /** With `liveness`: one passive score per face, in the order of `faces`. */
  liveness?: PassiveScore[];
}

export interface MemoryResult {
  numTensors: number;
  numBytes: number;
}

export type ErrorCode = PipelineErrorCode | ClassifierErrorCode | 'internal';

export type WorkerMessage =
  | { type: 'progress'; id: number; stage: 'models' | 'training'; loadedBytes: number; totalBytes: number; message: string }
  | { type: 'result'; id: number; ok: true; value: InitResult | BackendCheckResult | PhotoResult | MemoryResult | TrainResult | LoadClassModelResult | IdentifyResult }
  | { type: 'result'; id: number; ok: false; error: { code: ErrorCode; message: string } };
