/**
 * The only place model weight files are fetched. Every file is checked against
 * public/models/manifest.json (bytes and sha256) before it is decoded, so a
 * truncated download or a stale cache fails loudly instead of producing
 * silently wrong faces.
 */
import * as tf from '@tensorflow/tfjs';
import { PipelineError } from './types';

export type ModelName = 'ssd' | 'tiny' | 'landmarks68' | 'recognition' | 'mtcnn' | 'antispoof' | 'liveness';

export interface ManifestFile {
  model: string;
  file: string;
  bytes: number;
  sha256: string;
  package: string;
  version: string;
  license: string;
}

export interface ModelManifest {
  files: ManifestFile[];
}

/** Reads one file of public/models; reports bytes as they arrive. */
export type ReadModelFile = (file: string, onBytes?: (received: number) => void) => Promise<ArrayBuffer>;

interface WeightsManifestGroup {
  paths: string[];
  weights: tf.io.WeightsManifestEntry[];
}

export async function sha256Hex(data: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', data);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function filesOf(manifest: ModelManifest, model: ModelName): ManifestFile[] {
  const files = manifest.files.filter((f) => f.model === model);
  if (!files.length) throw new PipelineError('models-not-loaded', `The model "${model}" is not in the manifest; run npm ci.`);
  return files;
}

/** Total bytes to download for the given models, for a progress bar. */
export function totalBytes(manifest: ModelManifest, models: ModelName[]): number {
  return models.flatMap((m) => filesOf(manifest, m)).reduce((n, f) => n + f.bytes, 0);
}

async function readVerified(read: ReadModelFile, entry: ManifestFile, onBytes?: (n: number) => void): Promise<ArrayBuffer> {
  const data = await read(entry.file, onBytes);
  if (data.byteLength !== entry.bytes || (await sha256Hex(data)) !== entry.sha256) {
    throw new PipelineError('model-integrity', `Model file ${entry.file} is damaged or out of date (expected ${entry.bytes} bytes). Reload to fetch it again.`);
  }
  return data;
}

/** Downloads, verifies and decodes one model into a weight map (tensors on the active backend). */
export async function loadWeightMap(
  manifest: ModelManifest,
  model: ModelName,
  read: ReadModelFile,
  onProgress?: (loadedBytes: number) => void,
): Promise<tf.NamedTensorMap> {
  const files = filesOf(manifest, model);
  const manifestEntry = files.find((f) => f.file.endsWith('-weights_manifest.json'));
  if (!manifestEntry) throw new PipelineError('models-not-loaded', `The model "${model}" has no weights manifest.`);
  let done = 0;
  const bump = (n: number) => onProgress?.(done + n);
  const groups = JSON.parse(new TextDecoder().decode(await readVerified(read, manifestEntry, bump))) as WeightsManifestGroup[];
  done += manifestEntry.bytes;
  const buffers: ArrayBuffer[] = [];
  for (const group of groups) {
    for (const path of group.paths) {
      const entry = files.find((f) => f.file === path);
      if (!entry) throw new PipelineError('model-integrity', `Model file ${path} is not in the manifest.`);
      buffers.push(await readVerified(read, entry, bump));
      done += entry.bytes;
      onProgress?.(done);
    }
  }
  const weights = groups.flatMap((g) => g.weights);
  return tf.io.decodeWeights(concatBuffers(buffers), weights);
}

/**
 * Downloads, verifies and builds a tfjs graph model (a `<name>.json` with its
 * topology and weights manifest, as the antispoof and liveness models ship).
 */
export async function loadGraphModel(manifest: ModelManifest, model: ModelName, read: ReadModelFile, onProgress?: (loadedBytes: number) => void): Promise<tf.GraphModel> {
  const files = filesOf(manifest, model);
  const jsonEntry = files.find((f) => f.file.endsWith('.json'));
  if (!jsonEntry) throw new PipelineError('models-not-loaded', `The model "${model}" has no graph file.`);
  let done = 0;
  const json = JSON.parse(new TextDecoder().decode(await readVerified(read, jsonEntry, (n) => onProgress?.(done + n)))) as tf.io.ModelJSON;
  done += jsonEntry.bytes;
  const buffers: ArrayBuffer[] = [];
  for (const group of json.weightsManifest) {
    for (const path of group.paths) {
      const entry = files.find((f) => f.file === path);
      if (!entry) throw new PipelineError('model-integrity', `Model file ${path} is not in the manifest.`);
      buffers.push(await readVerified(read, entry, (n) => onProgress?.(done + n)));
      done += entry.bytes;
    }
  }
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    signature: json.signature,
    userDefinedMetadata: json.userDefinedMetadata,
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
    weightData: concatBuffers(buffers),
  };
  return tf.loadGraphModel(tf.io.fromMemory(artifacts));
}

function concatBuffers(buffers: ArrayBuffer[]): ArrayBuffer {
  if (buffers.length === 1) return buffers[0]!;
  const out = new Uint8Array(buffers.reduce((n, b) => n + b.byteLength, 0));
  let offset = 0;
  for (const b of buffers) {
    out.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return out.buffer;
}

/** A reader for the browser and the worker: fetch with streamed progress. */
export function fetchModelFile(baseUrl: string): ReadModelFile {
  return async (file, onBytes) => {
    const res = await fetch(new URL(file, baseUrl));
    if (!res.ok || !res.body) throw new PipelineError('models-not-loaded', `Could not fetch model file ${file} (HTTP ${res.status}).`);
    const reader = res.body.getReader();
    const chunks: Uint8Array[] = [];
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.byteLength;
      onBytes?.(received);
    }
    const out = new Uint8Array(received);
    let offset = 0;
    for (const c of chunks) {
      out.set(c, offset);
      offset += c.byteLength;
    }
    return out.buffer;
  };
}

/** public/models/manifest.json: every weight file with its size and hash. */
export async function fetchModelManifest(baseUrl: string): Promise<ModelManifest> {
  const res = await fetch(new URL('manifest.json', baseUrl));
  if (!res.ok) throw new PipelineError('models-not-loaded', `The model manifest could not be fetched (HTTP ${res.status}).`);
  return (await res.json()) as ModelManifest;
}

/** The fixed photo that backends are compared on (see parity.ts), shipped beside the weights. */
export async function fetchParityPhoto(baseUrl: string): Promise<Blob> {
  return (await fetch(new URL('parity-sample.jpg', baseUrl))).blob();
}
