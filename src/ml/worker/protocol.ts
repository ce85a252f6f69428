/** The typed messages between the main thread and the ML worker. Only plain data crosses. */
import type { AnalyzeOptions } from '../pipeline';
import type { BackendAttempt } from '../backend';
import type { AnalyzeResult, BackendName, DetectorKind, PipelineErrorCode } from '../types';

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

export interface AnalyzeRequest {
  type: 'analyze';
  id: number;
  /** The file as the user gave it; the worker sniffs, decodes and orients it. */
  image: Blob;
  options?: Partial<AnalyzeOptions>;
}

export interface MemoryRequest {
  type: 'memory';
  id: number;
}

export type WorkerRequest = InitRequest | AnalyzeRequest | MemoryRequest;

export interface InitResult {
  backend: BackendName;
  reason: string;
  attempts: BackendAttempt[];
  detectors: DetectorKind[];
  crossOriginIsolated: boolean;
  /** WASM features in use when WASM was chosen: threads need cross-origin isolation. */
  wasm: { simd: boolean; threads: number } | null;
  loadMs: number;
}

export interface PhotoResult extends AnalyzeResult {
  /** Size of the photo as stored (after EXIF rotation), before any downscale. */
  originalWidth: number;
  originalHeight: number;
  /** Coordinates in `faces` are in the downscaled image; divide by this to map to the original. */
  scale: number;
}

export interface MemoryResult {
  numTensors: number;
  numBytes: number;
}

export type ResultOf<R extends WorkerRequest> = R extends InitRequest ? InitResult : R extends AnalyzeRequest ? PhotoResult : MemoryResult;

export type ErrorCode = PipelineErrorCode | 'busy' | 'internal';

export type WorkerMessage =
  | { type: 'progress'; id: number; stage: 'models' | 'backend'; loadedBytes: number; totalBytes: number; message: string }
  | { type: 'result'; id: number; ok: true; value: InitResult | PhotoResult | MemoryResult }
  | { type: 'result'; id: number; ok: false; error: { code: ErrorCode; message: string } };
