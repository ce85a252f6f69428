/**
 * Seeded stand-ins for face descriptors, for tests and the benchmark: each
 * person is a random centre, each photo that centre plus noise. The defaults
 * give distances like the real 128-D descriptors: about 0.4 between photos of
 * one person and about 1.0 between people.
 */
import { gaussian, seededRandom } from './random';
import type { TrainingSample } from './types';

export interface SyntheticOptions {
  classes: number;
  perClass: number;
  dimension?: number;
  /** Spread of the centres per dimension. */
  centreSd?: number;
  /** Spread of one person's photos per dimension. */
  noiseSd?: number;
  seed?: number;
  /** Prefix of the generated labels. */
  prefix?: string;
}

export interface SyntheticPeople {
  samples: TrainingSample[];
  centres: number[][];
  /** More photos of person `index` (or of a new person when index is out of range). */
  draw(index: number, count: number): number[][];
}

export function syntheticPeople(options: SyntheticOptions): SyntheticPeople {
  const { classes, perClass, dimension = 128, centreSd = 0.0625, noiseSd = 0.025, seed = 1, prefix = 'p' } = options;
  const random = seededRandom(seed);
  // Real descriptors share a common offset; a classifier that ignores it would look better here than on faces.
  const offset = Array.from({ length: dimension }, () => 0.08 * gaussian(random));
  const centre = () => offset.map((o) => o + centreSd * gaussian(random));
  const centres = Array.from({ length: classes }, centre);
  const photo = (c: number[]) => c.map((v) => v + noiseSd * gaussian(random));
  const samples: TrainingSample[] = [];
  centres.forEach((c, i) => {
    for (let k = 0; k < perClass; k++) samples.push({ label: `${prefix}${i}`, descriptor: photo(c) });
  });
  return {
    samples,
    centres,
    draw(index, count) {
      const c = centres[index] ?? centre();
      return Array.from({ length: count }, () => photo(c));
    },
  };
}
