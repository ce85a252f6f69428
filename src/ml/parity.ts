/**
 * Is a backend safe to use? The pure comparison of its answers with the
 * reference's, and the run that produces them on the parity photo. The
 * worker hands the run to checkCandidates (backend.ts, the only caller of
 * tf.setBackend); nothing here switches backends.
 */
import type * as tf from '@tensorflow/tfjs';
import type { AnalyzeOptions } from './pipeline';
import type { AnalyzeResult, DetectorKind } from './types';
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
  /** May throw BackendCheckInterrupted between photos, so that a waiting call goes first. */
  analyze: (image: tf.Tensor3D, options: Partial<AnalyzeOptions>) => Promise<AnalyzeResult>;
}

export interface ParityRun {
  /** Runs the photo on the reference backend (the one active now): the answers and the time to beat. Once per run; later calls keep them. */
  measureReference(): Promise<void>;
  /** The verdict on the backend active now; checkCandidates calls it for each candidate. */
  parity(): Promise<ParityVerdict>;
}

/**
 * The backend parity run: the same photo through every detector on the
 * reference and then on each candidate, compared with compareResults, and the
 * default chain timed (warm, after its first run) so that an emulated GPU (SwiftShader), right but ten
 * times slower than WASM on the CPU, is not chosen.
 */
export function createParityRun(options: ParityRunOptions): ParityRun {
  const first = options.detectors[0]!;
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

  const analyzeWith = (image: tf.Tensor3D, detector: DetectorKind) => options.analyze(image, { detector, embed: detector === first, tiling: 'off' });
  const runEach = (detectors: readonly DetectorKind[]) =>
    withPhoto(async (image) => {
      const out: AnalyzeResult[] = [];
      for (const detector of detectors) out.push(await analyzeWith(image, detector));
      return out;
    });

  function compareFrom(offset: number, candidate: AnalyzeResult[]): ParityVerdict | null {
    for (let i = 0; i < candidate.length; i++) {
      const verdict = compareResults(reference[offset + i]!, candidate[i]!);
      if (!verdict.ok) return verdict;
    }
    return null;
  }

  /** Warm time of the default detector's full chain on the photo. */
  const timeDefaultChain = () =>
    withPhoto(async (image) => {
      const t0 = performance.now();
      await options.analyze(image, { detector: first, tiling: 'off' });
      return performance.now() - t0;
    });

  return {
    async measureReference() {
      if (reference.length) return;
      // Kept only once both are measured, so an interrupted measurement starts over.
      const answers = await runEach(options.detectors);
      referenceMs = await timeDefaultChain();
      reference = answers;
    },
    async parity() {
      if (!reference.length) return { ok: false, reason: 'the reference was not measured, so there is nothing to compare with' };
      // The default detector and its warm time first: a candidate that is wrong or slow is turned down before the other detectors run (minutes on an emulated GPU).
      const wrong = compareFrom(0, await runEach([first]));
      if (wrong) return wrong;
      const ms = await timeDefaultChain();
      if (ms > referenceMs * SLOWER_THAN_REFERENCE) {
        return { ok: false, reason: `slower than the CPU here (${Math.round(ms)} ms against ${Math.round(referenceMs)} ms)` };
      }
      const others = compareFrom(1, await runEach(options.detectors.slice(1)));
      if (others) return others;
      return { ok: true, reason: `same faces and descriptors as the reference, ${Math.round(ms)} ms against ${Math.round(referenceMs)} ms` };
    },
  };
}
