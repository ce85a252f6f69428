/**
 * Is a backend safe to use? The pure comparison of its answers with the
 * reference's, and the run that produces them on the parity photo. The
 * worker hands the run to chooseBackend (backend.ts, the only caller of
 * tf.setBackend); nothing here switches backends.
 */
import type * as tf from '@tensorflow/tfjs';
import type { AnalyzeOptions } from './pipeline';
import type { AnalyzeResult, BackendName, DetectorKind } from './types';
import type { ParityVerdict } from './backend';
import { euclidean, iou } from './geometry';

/** Descriptors of one face computed on two backends differ by float rounding only; same-person pairs sit near 0.4. */
export const PARITY_MAX_DESCRIPTOR_DISTANCE = 0.05;
export const PARITY_MIN_IOU = 0.85;

/** Pure comparison of a candidate backend's result with the reference's on the same image. */
export function compareResults(reference: AnalyzeResult, candidate: AnalyzeResult): ParityVerdict {
  const label = `${candidate.detector} on ${candidate.backend}`;
  if (candidate.faces.length !== reference.faces.length) {
    return { ok: false, reason: `${label} found ${candidate.faces.length} faces, reference ${reference.faces.length}` };
  }
  for (const ref of reference.faces) {
    const match = candidate.faces.reduce((best, f) => (iou(f.box, ref.box) > iou(best.box, ref.box) ? f : best), candidate.faces[0]!);
    const overlap = iou(match.box, ref.box);
    if (overlap < PARITY_MIN_IOU) return { ok: false, reason: `${label}: box overlap ${overlap.toFixed(2)}` };
    if (ref.descriptor && match.descriptor) {
      const d = euclidean(ref.descriptor, match.descriptor);
      if (d > PARITY_MAX_DESCRIPTOR_DISTANCE) return { ok: false, reason: `${label}: descriptor distance ${d.toFixed(3)}` };
    }
  }
  return { ok: true, reason: `${label} matches the reference (${reference.faces.length} faces)` };
}

/** Small enough to check a slow emulated GPU in seconds; its faces are still ~60 px wide. */
export const PARITY_SIDE = 640;

/** A GPU backend must be at least this close to the reference's speed to be chosen. */
export const SLOWER_THAN_REFERENCE = 1.1;

export interface ParityRunOptions {
  /** Every detector is compared; the first (the default) also embeds, and its chain is timed. */
  detectors: readonly DetectorKind[];
  /** The parity photo, decoded anew on the backend in use; the run disposes it. */
  photo: () => Promise<tf.Tensor3D>;
  analyze: (image: tf.Tensor3D, options: Partial<AnalyzeOptions>) => Promise<AnalyzeResult>;
  /** What is being checked, in words, for a progress line. */
  onCheck?: (message: string) => void;
}

export interface ParityRun {
  /** Runs the photo on the reference backend (the one active now): the answers and the time to beat. */
  measureReference(): Promise<void>;
  /** The verdict on the backend active now; chooseBackend calls it for each candidate. */
  parity(name: BackendName): Promise<ParityVerdict>;
}

/**
 * The backend parity run: the same photo through every detector on the
 * reference and then on each candidate, compared with compareResults, and the
 * default chain timed so that an emulated GPU (SwiftShader), right but ten
 * times slower than WASM on the CPU, is not chosen.
 */
export function createParityRun(options: ParityRunOptions): ParityRun {
  const [first] = options.detectors;
  let reference: AnalyzeResult[] = [];
  let referenceMs = 0;

  async function withPhoto<T>(work: (image: tf.Tensor3D) => Promise<T>): Promise<T> {
    const image = await options.photo();
    try {
      return await work(image);
    } finally {
      image.dispose();
    }
  }

  const runAll = () =>
    withPhoto(async (image) => {
      const out: AnalyzeResult[] = [];
      for (const detector of options.detectors) out.push(await options.analyze(image, { detector, embed: detector === first, tiling: 'off' }));
      return out;
    });

  /** Warm time of the default detector's full chain on the photo. */
  const timeDefaultChain = () =>
    withPhoto(async (image) => {
      const t0 = performance.now();
      await options.analyze(image, { detector: first, tiling: 'off' });
      return performance.now() - t0;
    });

  return {
    async measureReference() {
      options.onCheck?.('Checking the reference backend');
      reference = await runAll();
      referenceMs = await timeDefaultChain();
    },
    async parity(name) {
      options.onCheck?.(`Checking ${name}`);
      if (!reference.length) return { ok: false, reason: 'the backend trusted earlier did not start, so the safe reference is used' };
      const candidate = await runAll();
      for (let i = 0; i < reference.length; i++) {
        const verdict = compareResults(reference[i]!, candidate[i]!);
        if (!verdict.ok) return verdict;
      }
      const ms = await timeDefaultChain();
      if (ms > referenceMs * SLOWER_THAN_REFERENCE) {
        return { ok: false, reason: `slower than the CPU here (${Math.round(ms)} ms against ${Math.round(referenceMs)} ms)` };
      }
      return { ok: true, reason: `same faces and descriptors as the reference, ${Math.round(ms)} ms against ${Math.round(referenceMs)} ms` };
    },
  };
}
