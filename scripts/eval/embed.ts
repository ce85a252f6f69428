/**
 * One descriptor per image file (the largest face) through the app's own
 * pipeline, cached on disk by path, size, modification time, variant and
 * descriptor version so a re-run only embeds what changed.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createNodePipeline } from '../../src/ml/node/index';
import { decodeImageFile } from '../../src/ml/node/decodeImageFile';
import type { FacePipeline } from '../../src/ml/pipeline';
import { CURRENT_DESCRIPTOR } from '../../src/ml/classifier/types';
import { augmentImage, type Augmentation } from '../../src/ml/augment';

export { AUGMENTATIONS } from '../../src/ml/augment';
export type Variant = 'plain' | Augmentation;

export interface Embedded {
  file: string;
  variant: Variant;
  /** Faces the detector found; 0 means no descriptor. */
  faces: number;
  descriptor: number[] | null;
  /** Time to decode and analyse, when it was computed in this run rather than read from the cache. */
  ms?: number;
  error?: string;
}

const CACHE_DIR = resolve(import.meta.dirname, '../../node_modules/.cache/rollcall-eval');

export interface Embedder {
  embed(file: string, variant?: Variant): Promise<Embedded>;
  /** Images actually analysed (not read from the cache) so far. */
  readonly computed: number;
  dispose(): void;
}

export async function createEmbedder(options: { cache?: boolean } = {}): Promise<Embedder> {
  const useCache = options.cache ?? true;
  let pipeline: FacePipeline | null = null;
  let computed = 0;
  if (useCache) await mkdir(CACHE_DIR, { recursive: true });

  async function analyse(file: string, variant: Variant): Promise<Embedded> {
    pipeline ??= await createNodePipeline(['ssd', 'landmarks68', 'recognition']);
    const t0 = performance.now();
    const decoded = await decodeImageFile(await readFile(file));
    const image = variant === 'plain' ? decoded.tensor : augmentImage(decoded.tensor, variant);
    try {
      const result = await pipeline.analyze(image, { detector: 'ssd' });
      const largest = result.faces.reduce<(typeof result.faces)[number] | null>(
        (best, f) => (!best || f.box.width * f.box.height > best.box.width * best.box.height ? f : best),
        null,
      );
      computed++;
      return { file, variant, faces: result.faces.length, descriptor: largest?.descriptor ?? null, ms: performance.now() - t0 };
    } finally {
      if (image !== decoded.tensor) image.dispose();
      decoded.tensor.dispose();
    }
  }

  return {
    get computed() {
      return computed;
    },
    async embed(file, variant = 'plain') {
      const info = await stat(file);
      const key = createHash('sha256')
        .update(JSON.stringify([resolve(file), info.size, info.mtimeMs, variant, CURRENT_DESCRIPTOR.version]))
        .digest('hex')
        .slice(0, 32);
      const path = join(CACHE_DIR, `${key}.json`);
      if (useCache) {
        try {
          const cached = JSON.parse(await readFile(path, 'utf8')) as Embedded;
          return { ...cached, file };
        } catch {
          // Not cached yet (or unreadable): compute it.
        }
      }
      let out: Embedded;
      try {
        out = await analyse(file, variant);
      } catch (err) {
        out = { file, variant, faces: 0, descriptor: null, error: err instanceof Error ? err.message : String(err) };
      }
      if (useCache && !out.error) await writeFile(path, JSON.stringify({ ...out, ms: undefined }));
      return out;
    },
    dispose() {
      pipeline?.dispose();
    },
  };
}
