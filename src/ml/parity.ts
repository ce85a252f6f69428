import type { AnalyzeResult } from './types';
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
