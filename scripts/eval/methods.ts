/** The methods compared on a split: ours, face-api's FaceMatcher, and plain nearest neighbour. */
import * as faceapi from '#faceapi';
import { euclidean } from '../../src/ml/geometry';
import { classify, trainClassifier, UNKNOWN, type Classifier, type TrainClassifierOptions } from '../../src/ml/classifier/index';
import type { Answer } from './metrics';
import type { Photo, Split } from './split';

/** face-api's FaceMatcher default: a distance under 0.6 is a match. */
export const FACE_MATCHER_THRESHOLD = 0.6;

export function probesOf(split: Split): { photo: Photo; truth: string | null }[] {
  return [...split.test.map((photo) => ({ photo, truth: photo.identity })), ...split.strangers.map((photo) => ({ photo, truth: null }))];
}

export interface OursResult {
  answers: Answer[];
  model: Classifier;
  trainMs: number;
  classifyMs: number;
}

export async function runOurs(split: Split, options: TrainClassifierOptions = {}): Promise<OursResult> {
  const t0 = performance.now();
  const model = await trainClassifier(
    split.enrol.map((p) => ({ label: p.identity, descriptor: p.descriptor })),
    options,
  );
  const t1 = performance.now();
  const probes = probesOf(split);
  // Test photos are separate pictures, not faces of one class photo: judge each alone.
  const out = await classify(
    model,
    probes.map((p) => p.photo.descriptor),
    { assignment: 'independent' },
  );
  const t2 = performance.now();
  return {
    answers: out.map((r, i) => ({
      truth: probes[i]!.truth,
      closed: r.candidate ?? '',
      open: r.label === UNKNOWN ? null : r.label,
      probability: r.probability,
    })),
    model,
    trainMs: t1 - t0,
    classifyMs: (t2 - t1) / Math.max(1, probes.length),
  };
}

/**
 * face-api's own FaceMatcher: one LabeledFaceDescriptors per person, each query
 * matched to the person with the smallest *mean* distance to their descriptors,
 * "unknown" at 0.6 or more.
 */
export function runFaceMatcher(split: Split): Answer[] {
  const byPerson = new Map<string, Float32Array[]>();
  for (const p of split.enrol) byPerson.set(p.identity, [...(byPerson.get(p.identity) ?? []), Float32Array.from(p.descriptor)]);
  const labelled = [...byPerson].map(([label, ds]) => new faceapi.LabeledFaceDescriptors(label, ds));
  const matcher = new faceapi.FaceMatcher(labelled, FACE_MATCHER_THRESHOLD);
  return probesOf(split).map(({ photo, truth }) => {
    const query = Float32Array.from(photo.descriptor);
    const best = matcher.matchDescriptor(query);
    const match = matcher.findBestMatch(query);
    return { truth, closed: best.label, open: match.label === 'unknown' ? null : match.label };
  });
}

/** Nearest enrolled photo; unknown when it is `threshold` or further away. */
export function runNearest(split: Split, threshold: number): Answer[] {
  return probesOf(split).map(({ photo, truth }) => {
    let best = Infinity;
    let label = '';
    for (const e of split.enrol) {
      const d = euclidean(photo.descriptor, e.descriptor);
      if (d < best) {
        best = d;
        label = e.identity;
      }
    }
    return { truth, closed: label, open: best < threshold ? label : null };
  });
}
