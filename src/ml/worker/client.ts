/**
 * Main-thread side of the ML worker: request/response with ids, progress
 * callbacks, and a fresh worker if the old one dies (out of memory, a crash in
 * a GPU driver) so the next request still gets an answer.
 */
import type { AnalyzeOptions } from '../pipeline';
import type { BackendName, DetectorKind } from '../types';
import type { BackendCheckResult, ErrorCode, IdentifyResult, InitResult, LoadClassModelResult, MemoryResult, PhotoResult, TrainResult, WorkerMessage, WorkerRequest } from './protocol';
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
  stage: 'models' | 'training';
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

export interface IdleCheckCall {
  /** How long no call may have been waiting or answered before the check is sent. */
  quietMs?: number;
  /** Waits `ms`; a setTimeout, replaced in tests. */
  sleep?: (ms: number) => Promise<void>;
}

/** Long enough that a teacher pointing the camera again does not wait behind a check. */
export const BACKEND_CHECK_QUIET_MS = 4000;

/** The page's next idle moment, where the browser offers one. */
const nextIdleMoment = () =>
  new Promise<void>((resolve) => (typeof requestIdleCallback === 'function' ? requestIdleCallback(() => resolve(), { timeout: 2000 }) : resolve()));

/**
 * A class model as the caller has it: its version, and a way to read its
 * bytes (decrypting them) only when the worker does not hold it yet.
 */
export interface ClassModelSource {
  version: string;
  load(): Promise<Uint8Array>;
}

export interface AnalyzeCall {
  analyze?: Partial<AnalyzeOptions>;
  /** For enrolment: also describe the one face in altered copies of the photo (PhotoResult.augmented). */
  augment?: boolean;
  /** Also score every face with the passive liveness models (PhotoResult.liveness). */
  liveness?: boolean;
}

export interface TrainCall {
  negatives?: NegativeSample[];
  /** Augmented copies of enrolment photos: the SVM trains on them, calibration does not. */
  extraSamples?: TrainingSample[];
  onProgress?: (p: Progress) => void;
}

export interface IdentifyCall {
  model: ClassModelSource;
  /** The session's class: only these students can be named, each at most once. */
  roster?: string[];
  analyze?: Partial<AnalyzeOptions>;
  /** Also score every face with the passive liveness models (IdentifyResult.liveness). */
  liveness?: boolean;
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
  /** When a call was last sent or answered: a background check waits for quiet. */
  let lastActivity = Date.now();
  let ready: Promise<InitResult> | null = null;
  /** The class model the worker holds (or is being sent), by version; a new worker holds none. */
  let classModel: { version: string; loaded: Promise<LoadClassModelResult> } | null = null;

  function failAll(message: string) {
    for (const p of pending.values()) p.reject(new MlError('internal', message));
    pending.clear();
    worker?.terminate();
    worker = null;
    ready = null;
    classModel = null;
  }

  function ensureWorker(): Worker {
    if (worker) return worker;
    const w = createWorker();
    w.onmessage = (event: MessageEvent<WorkerMessage>) => {
      const msg = event.data;
      lastActivity = Date.now();
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
    lastActivity = Date.now();
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

  /** Sends `source` to the worker unless it holds that version already; its bytes are read only then. */
  function useClassModel(source: ClassModelSource): Promise<LoadClassModelResult> {
    if (classModel?.version === source.version) return classModel.loaded;
    const loaded = source.load().then((model) => send<LoadClassModelResult>({ type: 'loadClassModel', version: source.version, model }));
    const current = { version: source.version, loaded };
    classModel = current;
    loaded.catch(() => {
      if (classModel === current) classModel = null;
    });
    return loaded;
  }

  async function identifyOnce(image: Blob | ImageBitmap, call: IdentifyCall): Promise<IdentifyResult> {
    await useClassModel(call.model);
    return send<IdentifyResult>({ type: 'identify', image, version: call.model.version, roster: call.roster, options: call.analyze, liveness: call.liveness ?? false }, undefined, transferOf(image));
  }

  /**
   * Checks the backends ahead of the one in use once the engine has been
   * quiet for `quietMs` and the page is idle; a check that gave way to a call
   * waits for the next quiet moment and is sent again.
   */
  async function checkBackendsWhenIdle(call: IdleCheckCall = {}): Promise<BackendCheckResult> {
    const quietMs = call.quietMs ?? BACKEND_CHECK_QUIET_MS;
    const sleep = call.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    await init();
    for (;;) {
      const quietFor = Date.now() - lastActivity;
      if (pending.size || quietFor < quietMs) {
        await sleep(pending.size ? quietMs : quietMs - quietFor);
        continue;
      }
      await nextIdleMoment();
      if (pending.size || Date.now() - lastActivity < quietMs) continue;
      const result = await send<BackendCheckResult>({ type: 'checkBackends' });
      if (result.done) return result;
    }
  }

  return {
    init,
    checkBackendsWhenIdle,
    async analyze(image: Blob | ImageBitmap, call: AnalyzeCall = {}): Promise<PhotoResult> {
      await init();
      return send<PhotoResult>({ type: 'analyze', image, options: call.analyze, augment: call.augment ?? false, liveness: call.liveness ?? false }, undefined, transferOf(image));
    },
    /** Trains in the worker (the UI keeps running) on the chosen backend; the model comes back serialised, ready to store. */
    async train(samples: TrainingSample[], call: TrainCall = {}): Promise<TrainResult> {
      await init();
      return send<TrainResult>({ type: 'train', samples, negatives: call.negatives ?? [], extraSamples: call.extraSamples ?? [] }, call.onProgress);
    },
    /** Loads the class model into the worker once (see useClassModel), then names the faces of `image` with it. */
    async identify(image: Blob | ImageBitmap, call: IdentifyCall): Promise<IdentifyResult> {
      await init();
      try {
        return await identifyOnce(image, call);
      } catch (err) {
        // Another version took the worker's place between loading and identifying: load this one again.
        if (!(err instanceof MlError && err.code === 'class-model-not-loaded')) throw err;
        if (classModel?.version === call.model.version) classModel = null;
        // A camera frame went to the worker with the first try; the next frame will find the model loaded.
        if (!(image instanceof Blob)) throw err;
        return identifyOnce(image, call);
      }
    },
    memory: () => send<MemoryResult>({ type: 'memory' }),
    terminate: () => failAll('The face engine was shut down.'),
  };
}

export type MlClient = ReturnType<typeof createMlClient>;
