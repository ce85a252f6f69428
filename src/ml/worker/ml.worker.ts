/// <reference lib="webworker" />
/**
 * The ML worker: owns tfjs, the models and the pipeline. Requests are handled
 * one at a time in arrival order; a failure answers that request with an error
 * and leaves the worker ready for the next one.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { chooseBackend } from '../backend';
import { fetchModelFile, fetchModelManifest, fetchParityPhoto, loadWeightMap, totalBytes, type ModelManifest, type ModelName } from '../weights';
import { createFacePipeline, type FacePipeline } from '../pipeline';
import { createParityRun, PARITY_SIDE } from '../parity';
import { PipelineError, type AnalyzeResult } from '../types';
import { decodeBlob } from './decodeBlob';
import { installWorkerEnv } from './faceapiEnv';
import type { AnalyzeRequest, IdentifyResult, InitRequest, InitResult, LoadClassModelResult, PhotoResult, TrainResult, WorkerMessage, WorkerRequest } from './protocol';
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

async function init(req: InitRequest): Promise<InitResult> {
  if (pipeline && initResult) return initResult;
  const t0 = performance.now();
  const read = fetchModelFile(req.modelsUrl);
  const manifest = await fetchModelManifest(req.modelsUrl);
  modelSource = { manifest, read };
  const models: ModelName[] = [...req.detectors, 'landmarks68', 'recognition'];
  const total = totalBytes(manifest, models);
  let loaded = 0;

  const parityPhoto = await fetchParityPhoto(req.modelsUrl);
  const check = createParityRun({
    detectors: req.detectors,
    photo: async () => (await decodeBlob(parityPhoto, PARITY_SIDE)).tensor,
    analyze: (image, options) => pipeline!.analyze(image, options),
    onCheck: (message) => post({ type: 'progress', id: req.id, stage: 'backend', loadedBytes: total, totalBytes: total, message }),
  });

  const choice = await chooseBackend({
    preference: req.preference,
    trusted: req.trusted,
    // Weights are decoded once on the reference backend; tfjs moves them when another backend first uses them.
    onReference: async () => {
      const maps: Partial<Record<ModelName, tf.NamedTensorMap>> = {};
      for (const m of models) {
        maps[m] = await loadWeightMap(manifest, m, read, (n) =>
          post({ type: 'progress', id: req.id, stage: 'models', loadedBytes: loaded + n, totalBytes: total, message: `Loading ${m}` }),
        );
        loaded += totalBytes(manifest, [m]);
      }
      pipeline = createFacePipeline(maps);
      // With a backend trusted from an earlier check there is nothing to compare against.
      if (!req.trusted) await check.measureReference();
    },
    parity: (name) => check.parity(name),
  });
  initResult = {
    backend: choice.backend,
    reason: choice.reason,
    attempts: choice.attempts,
    detectors: pipeline!.detectors,
    crossOriginIsolated: self.crossOriginIsolated,
    wasm: choice.backend === 'wasm'
      ? {
          simd: (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean,
          threads: (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) as boolean,
        }
      : null,
    loadMs: performance.now() - t0,
  };
  return initResult;
}

async function handle(req: WorkerRequest): Promise<void> {
  try {
    switch (req.type) {
      case 'init':
        post({ type: 'result', id: req.id, ok: true, value: await init(req) });
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
  queue = queue.then(() => handle(req));
};
