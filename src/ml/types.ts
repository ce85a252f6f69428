/** Plain data shared by every part of the face pipeline. Nothing here holds a tensor. */

export interface Point { x: number; y: number }

/** Axis-aligned box in source-image pixels. */
export interface Box { x: number; y: number; width: number; height: number }

export type DetectorKind = 'mtcnn' | 'ssd' | 'tiny';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** A face as a detector reports it, before landmarks and embedding. */
export interface Detection {
  box: Box;
  score: number;
  /** Five points (left eye, right eye, nose, left mouth corner, right mouth corner) when the detector gives them (MTCNN). */
  points5?: Point[];
}

export interface Quality {
  /** Width of the face box in source pixels. */
  sizePx: number;
  /** Variance of the Laplacian on the aligned grey crop: below ~30 the face is blurred. */
  sharpness: number;
  /** Mean luma of the aligned crop, 0..255. */
  brightness: number;
  /** Head turn estimated from landmarks, degrees; negative = turned to the image's left. */
  yaw: number;
  /** Head nod estimated from landmarks, degrees; positive = looking down. */
  pitch: number;
  /** In-plane rotation of the eye line, degrees. */
  roll: number;
  /** Overall verdict and the first reason a face is not good enough for enrolment. */
  ok: boolean;
  issues: QualityIssue[];
}

export type QualityIssue = 'too-small' | 'blurry' | 'too-dark' | 'too-bright' | 'turned' | 'tilted';

export interface Face {
  box: Box;
  score: number;
  /** 68 landmark points in source pixels. */
  landmarks: Point[];
  quality: Quality;
  /** 128-D descriptor as the recognition net gives it (not normalised), when embedding was requested. */
  descriptor?: number[];
}

export interface StageTimings {
  decode?: number;
  detect: number;
  landmarks: number;
  align: number;
  embed: number;
  total: number;
}

export interface AnalyzeResult {
  width: number;
  height: number;
  faces: Face[];
  backend: BackendName;
  detector: DetectorKind;
  timings: StageTimings;
}

/** Errors a caller can show to a person. `code` is stable; `message` is readable. */
export type PipelineErrorCode =
  | 'not-an-image'
  | 'truncated-image'
  | 'empty-image'
  | 'image-too-large'
  /** A real image, of a format this runtime cannot decode (HEIC in Node, say). */
  | 'unsupported-format'
  | 'models-not-loaded'
  | 'model-integrity'
  | 'backend-unavailable'
  /** An identify call named a class model version the worker does not hold (it restarted, or another replaced it). */
  | 'class-model-not-loaded';

export class PipelineError extends Error {
  readonly code: PipelineErrorCode;
  constructor(code: PipelineErrorCode, message: string) {
    super(message);
    this.name = 'PipelineError';
    this.code = code;
  }
}
