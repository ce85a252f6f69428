/**
 * Main-thread side of the ML worker: request/response with ids, progress
 * callbacks, and a fresh worker if the old one dies (out of memory, a crash in
 * a GPU driver) so the next request still gets an answer.
 */
import type { AnalyzeOptions } from '../pipeline';
import type { BackendName, DetectorKind } from '../types';
import type { ErrorCode, IdentifyResult, InitResult, MemoryResult, PhotoResult, TrainResult, WorkerMessage, WorkerRequest } from './protocol';
import type { NegativeSample, TrainingSample } from '../classifier';

export class MlError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'MlError';
    this.code = code;
  }
}

export interface Progress {
  stage: 'models' | 'backend' | 'training';
  loadedBytes: number;
  totalBytes: number;
  message: string;
}

export interface MlClientOptions {
  modelsUrl: string;
  detectors: DetectorKind[];
  preference?: BackendName[];
  trusted?: BackendName;
  createWorker?: () => Worker;
}

interface Pending {
  resolve: (value: never) => void;
  reject: (err: Error) => void;
  onProgress?: (p: Progress) => void;
}

type Request = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

export function createMlClient(options: MlClientOptions) {
  const createWorker = options.createWorker ?? (() => new Worker(new URL('./ml.worker.ts', import.meta.url), { type: 'module', name: 'ml' }));
  let worker: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  let ready: Promise<InitResult> | null = null;

  function failAll(message: string) {
    for (const p of pending.values()) p.reject(new MlError('internal', message));
    pending.clear();
    worker?.terminate();
    worker = null;
    ready = null;
  }

  function ensureWorker(): Worker {
    if (worker) return worker;
    const w = createWorker();
    w.onmessage = (event: MessageEvent<WorkerMessage>) => {
      const msg = event.data;
      const p = pending.get(msg.id);
      if (!p) return;
      if (msg.type === 'progress') {
        p.onProgress?.(msg);
        return;
      }
      pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.value as never);
      else p.reject(new MlError(msg.error.code, msg.error.message));
    };
    w.onerror = (event) => {
      event.preventDefault();
      failAll(`The face engine stopped unexpectedly (${event.message || 'worker error'}). It will restart on the next request.`);
    };
    worker = w;
    return w;
  }

  function send<T>(req: Request, onProgress?: (p: Progress) => void, transfer: Transferable[] = []): Promise<T> {
    const w = ensureWorker();
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: never) => void, reject, onProgress });
      w.postMessage({ ...req, id }, transfer);
    });
  }

  /** Camera frames move to the worker instead of being copied. */
  const transferOf = (image: Blob | ImageBitmap): Transferable[] => (image instanceof Blob ? [] : [image]);

  function init(onProgress?: (p: Progress) => void): Promise<InitResult> {
    ready ??= send<InitResult>({ type: 'init', modelsUrl: options.modelsUrl, detectors: options.detectors, preference: options.preference, trusted: options.trusted }, onProgress).catch((err) => {
      ready = null;
      throw err;
    });
    return ready;
  }

  return {
    init,
    async analyze(image: Blob | ImageBitmap, analyzeOptions?: Partial<AnalyzeOptions>, augment = false, liveness = false): Promise<PhotoResult> {
      await init();
      return send<PhotoResult>({ type: 'analyze', image, options: analyzeOptions, augment, liveness }, undefined, transferOf(image));
    },
    /** Trains in the worker (the UI keeps running) on the chosen backend; the model comes back serialised, ready to store. */
    async train(samples: TrainingSample[], negatives: NegativeSample[] = [], onProgress?: (p: Progress) => void, extraSamples: TrainingSample[] = []): Promise<TrainResult> {
      await init();
      return send<TrainResult>({ type: 'train', samples, negatives, extraSamples }, onProgress);
    },
    /** With `liveness`, each face also gets a passive liveness score (IdentifyResult.liveness). */
    async identify(image: Blob | ImageBitmap, model: Uint8Array, roster?: string[], analyzeOptions?: Partial<AnalyzeOptions>, liveness = false): Promise<IdentifyResult> {
      await init();
      return send<IdentifyResult>({ type: 'identify', image, model, roster, options: analyzeOptions, liveness }, undefined, transferOf(image));
    },
    memory: () => send<MemoryResult>({ type: 'memory' }),
    terminate: () => failAll('The face engine was shut down.'),
  };
}

export type MlClient = ReturnType<typeof createMlClient>;
