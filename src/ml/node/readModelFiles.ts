/** Node-only model access (tests, CLI, bench): reads public/models/ from disk. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelManifest, ReadModelFile } from '../weights';

export const MODELS_DIR = join(import.meta.dirname, '../../../public/models');

export function readModelFileFromDisk(dir = MODELS_DIR): ReadModelFile {
  return async (file, onBytes) => {
    const buf = await readFile(join(dir, file));
    onBytes?.(buf.byteLength);
    return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  };
}

export async function readManifestFromDisk(dir = MODELS_DIR): Promise<ModelManifest> {
  return JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as ModelManifest;
}
