/** Node entry (tests, CLI, bench): WASM backend, models read from public/models/. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { loadWeightMap, type ModelName } from '../weights';
import { readManifestFromDisk, readModelFileFromDisk } from './readModelFiles';
import { createFacePipeline, type FacePipeline, type WeightMaps } from '../pipeline';
import { trySetBackend } from '../backend';
import type { BackendName } from '../types';

export const ALL_MODELS: ModelName[] = ['ssd', 'tiny', 'mtcnn', 'landmarks68', 'recognition'];

export async function loadWeightsFromDisk(models: ModelName[] = ALL_MODELS): Promise<WeightMaps> {
  const manifest = await readManifestFromDisk();
  const read = readModelFileFromDisk();
  const maps: WeightMaps = {};
  for (const m of models) maps[m] = await loadWeightMap(manifest, m, read);
  return maps;
}

/** Starts tfjs on `backend` (WASM by default) and builds a pipeline from the models on disk. */
export async function createNodePipeline(models: ModelName[] = ALL_MODELS, backend: BackendName = 'wasm'): Promise<FacePipeline> {
  if (!(await trySetBackend(backend))) throw new Error(`The ${backend} backend could not start in Node.`);
  await tf.ready();
  return createFacePipeline(await loadWeightsFromDisk(models));
}
