/// <reference lib="webworker" />
/**
 * The ML worker: owns tfjs, the models and the pipeline. Requests are handled
 * one at a time in arrival order; a failure answers that request with an error
 * and leaves the worker ready for the next one. A backend switch happens only
 * inside a checkBackends request, so never during another call, and that
 * check gives way at its next photo when any request is waiting.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { BackendCheckInterrupted, checkCandidates, startBackend } from '../backend';
import { fetchModelFile, fetchModelManifest, fetchParityPhoto, loadWeightMap, totalBytes, type ModelManifest, type ModelName } from '../weights';
import { createFacePipeline, type FacePipeline } from '../pipeline';
import { createParityRun, PARITY_SIDE, type ParityRun } from '../parity';
import { PipelineError, type AnalyzeResult, type BackendName, type DetectorKind } from '../types';
import { decodeBlob } from './decodeBlob';
import { installWorkerEnv } from './faceapiEnv';
import type { AnalyzeRequest, BackendCheckResult, IdentifyResult, InitRequest, InitResult, LoadClassModelResult, PhotoResult, TrainResult, WorkerMessage, WorkerRequest } from './protocol';
import { ClassifierError, serializeClassifier, trainClassifier } from '../classifier';
import { createClassModelSlot } from './classModelSlot';
import { recognizeFaces } from '../recognize';
import { augmentImage, ENROLMENT_AUGMENTATIONS } from '../augment';
import { loadPassiveLiveness, type PassiveLivenessModel } from '../liveness';

declare const self: DedicatedWorkerGlobalScope;

installWorkerEnv();
// Threads run only when the page is cross-origin isolated (COOP/COEP). tfjs
// would use half the cores, which is one thread on a two-core phone; at least
// two keep the WASM fallback ahead of the UI on every device.
setThreadsCount(Math.max(2, Math.min(4, Math.floor((navigator.hardwareConcurrency || 2) / 2))));
setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

let pipeline: FacePipeline | null = null;
let initResult: InitResult | null = null;
let queue: Promise<unknown> = Promise.resolve();
/** Requests received and not yet started: a backend check gives way to them. */
let waiting = 0;
/** What the background backend check needs; null once it has decided, or when the start used an earlier verdict. */
let pendingCheck: { reference: BackendName; candidates: BackendName[]; detectors: DetectorKind[]; modelsUrl: string; run?: ParityRun } | null = null;
/** The class model identify calls use, loaded once per session (loadClassModel). */
const classModel = createClassModelSlot();
/** Where init found the models, for the liveness models that load on first use. */
let modelSource: { manifest: ModelManifest; read: ReturnType<typeof fetchModelFile> } | null = null;
let passive: Promise<PassiveLivenessModel> | null = null;

/** The passive liveness models, loaded on the first request that asks for them: most sessions never do. */
function passiveLiveness(): Promise<PassiveLivenessModel> {
  if (!modelSource) throw new PipelineError('models-not-loaded', 'The models are not loaded yet.');
  const { manifest, read } = modelSource;
  passive ??= loadPassiveLiveness(manifest, read).catch((err: unknown) => {
    passive = null;
    throw err;
  });
  return passive;
}

/** Adds one passive liveness score per face when asked. */
async function withLiveness<T extends AnalyzeResult>(result: T, image: tf.Tensor3D, wanted: boolean | undefined): Promise<T & { liveness?: PhotoResult['liveness'] }> {
  if (!wanted) return result;
  return { ...result, liveness: await (await passiveLiveness()).score(image, result.faces.map((f) => f.box)) };
}

const post = (msg: WorkerMessage) => self.postMessage(msg);

/** Decodes a photo, runs `work` on it and adds the decode time and the photo's original size. */
async function onPhoto<T extends AnalyzeResult>(image: Blob | ImageBitmap, work: (tensor: tf.Tensor3D) => Promise<T>): Promise<T & Omit<PhotoResult, keyof AnalyzeResult>> {
  if (!pipeline) throw new PipelineError('models-not-loaded', 'The models are not loaded yet.');
  const t0 = performance.now();
  const decoded = await decodeBlob(image);
  const decodeMs = performance.now() - t0;
  try {
    const result = await work(decoded.tensor);
    return {
      ...result,
      timings: { ...result.timings, decode: decodeMs, total: result.timings.total + decodeMs },
      originalWidth: decoded.originalWidth,
      originalHeight: decoded.originalHeight,
      scale: decoded.scale,
    };
  } finally {
    decoded.tensor.dispose();
  }
}

/** The largest face's descriptor in each augmented copy; a copy where no face is found adds nothing. */
async function describeAugmented(image: tf.Tensor3D, options: AnalyzeRequest['options']): Promise<number[][]> {
  const out: number[][] = [];
  for (const variant of ENROLMENT_AUGMENTATIONS) {
    const copy = augmentImage(image, variant);
    try {
      const { faces } = await pipeline!.analyze(copy, { ...options, embed: true });
      const largest = faces.reduce<(typeof faces)[number] | null>((best, f) => (!best || f.box.width > best.box.width ? f : best), null);
      if (largest?.descriptor) out.push(largest.descriptor);
    } finally {
      copy.dispose();
    }
  }
  return out;
}

const wasmFeatures = async (backend: BackendName): Promise<InitResult['wasm']> =>
  backend === 'wasm'
    ? {
        simd: (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean,
        threads: (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) as boolean,
      }
    : null;

/** Starts on the verdict kept from before, or on the reference, and loads the weights there: nothing is checked before ready. */
async function init(req: InitRequest): Promise<InitResult> {
  if (pipeline && initResult) return initResult;
  const t0 = performance.now();
  const read = fetchModelFile(req.modelsUrl);
  const [manifest, start] = await Promise.all([fetchModelManifest(req.modelsUrl), startBackend({ preference: req.preference, trusted: req.trusted })]);
  modelSource = { manifest, read };
  const models: ModelName[] = [...req.detectors, 'landmarks68', 'recognition'];
  const total = totalBytes(manifest, models);
  // All models at once: their downloads and hash checks overlap, which is most of a start from the cache.
  const loaded = new Map<ModelName, number>();
  const progress = (m: ModelName) => (n: number) => {
    loaded.set(m, n);
    const sum = [...loaded.values()].reduce((a, b) => a + b, 0);
    post({ type: 'progress', id: req.id, stage: 'models', loadedBytes: sum, totalBytes: total, message: 'Downloading the face models' });
  };
  const maps = Object.fromEntries(await Promise.all(models.map(async (m) => [m, await loadWeightMap(manifest, m, read, progress(m))] as const)));
  pipeline = createFacePipeline(maps);
  pendingCheck = start.candidates.length ? { reference: start.backend, candidates: start.candidates, detectors: req.detectors, modelsUrl: req.modelsUrl } : null;
  initResult = {
    backend: start.backend,
    reason: start.reason,
    attempts: [],
    check: pendingCheck ? 'pending' : 'earlier',
    detectors: pipeline.detectors,
    crossOriginIsolated: self.crossOriginIsolated,
    wasm: await wasmFeatures(start.backend),
    loadMs: performance.now() - t0,
  };
  return initResult;
}

/**
 * The background check of the backends ahead of the reference. The weights
 * stay the same tensors: tfjs moves each to the backend that next uses it, so
 * nothing is reloaded or left behind. Interrupted, it answers `done: false`
 * on the reference, and the next check starts over (the reference's answers
 * are kept).
 */
async function checkBackends(): Promise<BackendCheckResult> {
  if (!pipeline || !initResult) throw new PipelineError('models-not-loaded', 'The models are not loaded yet.');
  const check = pendingCheck;
  if (!check) return { done: true, info: initResult };
  if (!check.run) {
    const parityPhoto = await fetchParityPhoto(check.modelsUrl);
    check.run = createParityRun({
      detectors: check.detectors,
      photo: async () => (await decodeBlob(parityPhoto, PARITY_SIDE)).tensor,
      analyze: (image, options) => {
        if (waiting > 0) throw new BackendCheckInterrupted();
        return pipeline!.analyze(image, options);
      },
    });
  }
  const run = check.run;
  try {
    const choice = await checkCandidates({ reference: check.reference, candidates: check.candidates, measureReference: () => run.measureReference(), parity: () => run.parity() });
    pendingCheck = null;
    initResult = { ...initResult, backend: choice.backend, reason: choice.reason, attempts: choice.attempts, check: 'done', wasm: await wasmFeatures(choice.backend) };
    return { done: true, info: initResult };
  } catch (err) {
    if (err instanceof BackendCheckInterrupted) return { done: false, info: initResult };
    throw err;
  }
}

async function handle(req: WorkerRequest): Promise<void> {
  try {
    switch (req.type) {
      case 'init':
        post({ type: 'result', id: req.id, ok: true, value: await init(req) });
        return;
      case 'checkBackends':
        post({ type: 'result', id: req.id, ok: true, value: await checkBackends() });
        return;
      case 'memory': {
        const m = tf.memory();
        post({ type: 'result', id: req.id, ok: true, value: { numTensors: m.numTensors, numBytes: m.numBytes } });
        return;
      }
      case 'analyze':
        post({
          type: 'result',
          id: req.id,
          ok: true,
          value: await onPhoto(req.image, async (t) => {
            const result = await withLiveness(await pipeline!.analyze(t, req.options), t, req.liveness);
            return req.augment && result.faces.length === 1 ? { ...result, augmented: await describeAugmented(t, req.options) } : result;
          }),
        });
        return;
      case 'train': {
        post({ type: 'progress', id: req.id, stage: 'training', loadedBytes: 0, totalBytes: 1, message: `Training on ${req.samples.length} photos` });
        const classifier = await trainClassifier(req.samples, { negatives: req.negatives, extraSamples: req.extraSamples });
        const model = await serializeClassifier(classifier);
        post({ type: 'progress', id: req.id, stage: 'training', loadedBytes: 1, totalBytes: 1, message: 'Trained' });
        const value: TrainResult = { model, meta: classifier.meta, operatingPoint: classifier.openSet.point };
        self.postMessage({ type: 'result', id: req.id, ok: true, value } satisfies WorkerMessage, [model.buffer]);
        return;
      }
      case 'loadClassModel': {
        const classifier = await classModel.load(req.version, req.model);
        const value: LoadClassModelResult = { version: req.version, modelId: classifier.model.meta.id };
        post({ type: 'result', id: req.id, ok: true, value });
        return;
      }
      case 'identify': {
        const classifier = classModel.use(req.version);
        const value: IdentifyResult = await onPhoto(req.image, async (t) => {
          const { result, recognitions } = await recognizeFaces(pipeline!, t, classifier, { roster: req.roster, analyze: req.options });
          return { ...(await withLiveness(result, t, req.liveness)), recognitions, modelId: classifier.model.meta.id };
        });
        post({ type: 'result', id: req.id, ok: true, value });
        return;
      }
    }
  } catch (err) {
    const code = err instanceof PipelineError || err instanceof ClassifierError ? err.code : 'internal';
    const message = err instanceof Error ? err.message : String(err);
    post({ type: 'result', id: req.id, ok: false, error: { code, message } });
  }
}

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const req = event.data;
  waiting++;
  queue = queue.then(() => {
    waiting--;
    return handle(req);
  });
};
