/**
 * Builds the Node pipeline for the CLI and the bench with every detector that
 * works. A detector whose weights are missing, or whose code throws when it is
 * built or first run, is left out with its reason instead of taking the others down.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { ALL_MODELS, loadWeightsFromDisk } from '../../src/ml/node/index';
import { createFacePipeline, type FacePipeline, type WeightMaps } from '../../src/ml/pipeline';
import { trySetBackend } from '../../src/ml/backend';
import type { BackendName, DetectorKind } from '../../src/ml/types';

export interface LoadedPipeline {
  pipeline: FacePipeline;
  backend: BackendName;
  /** Why this backend, in words, for the first line of the CLI and the bench record. */
  backendReason: string;
  /** Detectors that loaded and ran on a test image, in preference order. */
  detectors: DetectorKind[];
  /** Detectors left out, with the reason. */
  unavailable: Partial<Record<DetectorKind, string>>;
  wasmFeatures?: { simd: boolean; threads: boolean };
}

const DETECTOR_MODELS: DetectorKind[] = ['mtcnn', 'ssd', 'tiny'];

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export async function startBackend(wanted: 'wasm' | 'cpu'): Promise<Pick<LoadedPipeline, 'backend' | 'backendReason' | 'wasmFeatures'>> {
  if (wanted === 'wasm' && (await trySetBackend('wasm'))) {
    await tf.ready();
    const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    const threads = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
    return {
      backend: 'wasm',
      backendReason: `fastest tfjs backend in Node: WebGPU and WebGL need a browser; SIMD ${simd ? 'on' : 'off'}, threads ${threads ? 'on' : 'off'}`,
      wasmFeatures: { simd, threads },
    };
  }
  if (!(await trySetBackend('cpu'))) throw new Error('Neither the WASM nor the CPU tfjs backend could start.');
  await tf.ready();
  return {
    backend: 'cpu',
    backendReason: wanted === 'cpu' ? 'asked for with --backend cpu (slow, plain JavaScript)' : 'the WASM backend could not start; plain JavaScript fallback, slow',
  };
}

export async function loadPipeline(backend: 'wasm' | 'cpu' = 'wasm'): Promise<LoadedPipeline> {
  const chosen = await startBackend(backend);
  const unavailable: Partial<Record<DetectorKind, string>> = {};
  const weights: WeightMaps = {};
  for (const model of ALL_MODELS) {
    try {
      Object.assign(weights, await loadWeightsFromDisk([model]));
    } catch (err) {
      if (!DETECTOR_MODELS.includes(model as DetectorKind)) throw err;
      unavailable[model as DetectorKind] = `weights: ${message(err)}`;
    }
  }

  let pipeline: FacePipeline;
  try {
    pipeline = createFacePipeline(weights);
  } catch (err) {
    // MTCNN is our own code rather than face-api's; if it cannot be built, the other detectors still can.
    if (!weights.mtcnn) throw err;
    unavailable.mtcnn = `could not be built: ${message(err)}`;
    tf.dispose(Object.values(weights.mtcnn));
    delete weights.mtcnn;
    pipeline = createFacePipeline(weights);
  }

  const detectors: DetectorKind[] = [];
  const probe = tf.fill([96, 96, 3], 128, 'int32') as tf.Tensor3D;
  try {
    for (const kind of pipeline.detectors) {
      try {
        await pipeline.detect(probe, kind);
        detectors.push(kind);
      } catch (err) {
        unavailable[kind] = `failed on a test image: ${message(err)}`;
      }
    }
  } finally {
    probe.dispose();
  }
  const order: DetectorKind[] = ['ssd', 'tiny', 'mtcnn'];
  detectors.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  return { ...chosen, pipeline, detectors, unavailable };
}
