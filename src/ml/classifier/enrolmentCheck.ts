/** Checks a student's new enrolment photos before they are trained on: repeats, odd ones out, look-alikes. */
import type { Classifier } from './model';
import { meanOfSmallest, OPEN_SET_DEFAULTS } from './openSetRules';
import { descriptorProblem, rowOf } from './trainingSet';
import { CURRENT_DESCRIPTOR, type TrainingSample } from './types';

export type EnrolmentWarningKind = 'looks-like' | 'inconsistent-photos' | 'too-few-photos' | 'duplicate-photos' | 'invalid-descriptor';

export interface EnrolmentWarning {
  kind: EnrolmentWarningKind;
  message: string;
  /** The other student, for 'looks-like'. */
  other?: string;
  distance?: number;
  /** Indices of the new student's photos concerned. */
  photos: number[];
}

export interface EnrolmentCheck {
  ok: boolean;
  warnings: EnrolmentWarning[];
  /** The distance under which two students count as look-alikes. */
  threshold: number;
}

/** Used without a trained model: between our measured same-person (~0.4) and different-person (~0.75) medians. */
export const DEFAULT_LOOKALIKE_THRESHOLD = 0.55;
export const MIN_ENROLMENT_PHOTOS = 3;

/**
 * Checks a student's new enrolment photos against everyone already enrolled
 * (a trained classifier or plain samples) before training: look-alikes get a
 * warning to add photos of both, since that is what lets the SVM separate them.
 */
export function enrolmentCheck(
  existing: Classifier | readonly TrainingSample[],
  candidate: { label: string; descriptors: readonly ArrayLike<number>[] },
  options: { threshold?: number; k?: number; dimension?: number } = {},
): EnrolmentCheck {
  const isModel = !Array.isArray(existing);
  const model = isModel ? (existing as Classifier) : null;
  const dimension = options.dimension ?? model?.svm.dimension ?? CURRENT_DESCRIPTOR.dimension;
  const threshold = options.threshold ?? model?.openSet.point.threshold ?? DEFAULT_LOOKALIKE_THRESHOLD;
  const k = options.k ?? model?.openSet.k ?? OPEN_SET_DEFAULTS.k;
  const warnings: EnrolmentWarning[] = [];

  const others = new Map<string, ArrayLike<number>[]>();
  if (model) {
    model.gallery.y.forEach((c, i) => {
      const label = model.svm.classes[c]!;
      others.set(label, [...(others.get(label) ?? []), rowOf(model.gallery.x, i, dimension)]);
    });
  } else {
    for (const s of existing as readonly TrainingSample[]) {
      if (descriptorProblem(s.descriptor, dimension)) continue;
      others.set(s.label, [...(others.get(s.label) ?? []), s.descriptor]);
    }
  }
  others.delete(candidate.label);

  const photos: { index: number; d: ArrayLike<number> }[] = [];
  const bad: number[] = [];
  candidate.descriptors.forEach((d, index) => (descriptorProblem(d, dimension) ? bad.push(index) : photos.push({ index, d })));
  if (bad.length) warnings.push({ kind: 'invalid-descriptor', message: `${bad.length} photo(s) gave no usable face description; retake them.`, photos: bad });

  const dist = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    let s = 0;
    for (let j = 0; j < dimension; j++) s += (a[j]! - b[j]!) ** 2;
    return Math.sqrt(s);
  };
  const dupes = photos.filter((p, i) => photos.slice(0, i).some((q) => dist(p.d, q.d) < 1e-6)).map((p) => p.index);
  if (dupes.length) warnings.push({ kind: 'duplicate-photos', message: `${dupes.length} photo(s) are repeats of another; they count once.`, photos: dupes });
  const distinct = photos.length - dupes.length;
  if (distinct < MIN_ENROLMENT_PHOTOS) {
    warnings.push({ kind: 'too-few-photos', message: `Only ${distinct} distinct photo(s); take at least ${MIN_ENROLMENT_PHOTOS}.`, photos: photos.map((p) => p.index) });
  }

  const unique = photos.filter((p) => !dupes.includes(p.index));
  if (unique.length >= 2) {
    // Nearest other photo, not mean-of-k: one odd photo must not make the good ones look odd too.
    const loners = unique.filter((p) => meanOfSmallest(unique.filter((q) => q !== p).map((q) => dist(p.d, q.d)), 1) > threshold).map((p) => p.index);
    if (loners.length) {
      warnings.push({
        kind: 'inconsistent-photos',
        message: `${loners.length} photo(s) look unlike ${candidate.label}'s others; check they are all of ${candidate.label}.`,
        photos: loners,
      });
    }
  }

  const lookalikes: { other: string; distance: number; photos: number[] }[] = [];
  for (const [other, gallery] of others) {
    const scores = photos.map((p) => ({ index: p.index, s: meanOfSmallest(gallery.map((g) => dist(p.d, g)), k) }));
    const close = scores.filter((s) => s.s <= threshold);
    if (close.length) lookalikes.push({ other, distance: Math.min(...close.map((s) => s.s)), photos: close.map((s) => s.index) });
  }
  lookalikes.sort((a, b) => a.distance - b.distance);
  for (const l of lookalikes) {
    warnings.push({
      kind: 'looks-like',
      other: l.other,
      distance: l.distance,
      photos: l.photos,
      message: `${candidate.label} looks like ${l.other} (distance ${l.distance.toFixed(2)}); take ${MIN_ENROLMENT_PHOTOS} more photos of each.`,
    });
  }
  return { ok: warnings.length === 0, warnings, threshold };
}
