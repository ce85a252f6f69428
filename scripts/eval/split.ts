/** Which photos enrol whom, which test them, and who plays a stranger. Pure and seeded. */
import { seededRandom, shuffled } from '../../src/ml/classifier/random';

export interface Photo {
  identity: string;
  file: string;
  descriptor: number[];
}

export interface Split {
  enrol: Photo[];
  /** Photos of enrolled people that were not enrolled. */
  test: Photo[];
  /** Photos of people who are not enrolled. */
  strangers: Photo[];
  enrolled: string[];
  strangerIds: string[];
  /** Identities that had too few photos with a face to enrol and test; their photos are strangers too. */
  tooFew: string[];
}

export interface SplitOptions {
  /** Enrolment photos per person. */
  enroll: number;
  /** Share of identities held out as strangers (at least one when three or more people are left). */
  strangers: number;
  seed: number;
}

/** At least one stranger when asked for any and three or more people can be enrolled; always two people left to enrol. */
function strangerCountFor(people: number, share: number): number {
  if (share <= 0 || people < 3) return 0;
  return Math.min(people - 2, Math.max(1, Math.round(share * people)));
}

/**
 * From one pool of photos per identity: a seeded share of identities become
 * strangers; everyone else with more than `enroll` photos is enrolled on a
 * seeded `enroll` of them and tested on the rest.
 */
export function splitPooled(byIdentity: Map<string, Photo[]>, options: SplitOptions): Split {
  const random = seededRandom(options.seed);
  const ids = [...byIdentity.keys()];
  const usable = ids.filter((id) => byIdentity.get(id)!.length > options.enroll);
  const tooFew = ids.filter((id) => !usable.includes(id));
  const { strangerIds, enrolled } = chooseStrangers(usable, options.strangers, random);
  const split: Split = { enrol: [], test: [], strangers: [], enrolled, strangerIds, tooFew };
  for (const id of enrolled) {
    const photos = shuffled(byIdentity.get(id)!, random);
    split.enrol.push(...photos.slice(0, options.enroll));
    split.test.push(...photos.slice(options.enroll));
  }
  for (const id of [...strangerIds, ...tooFew]) split.strangers.push(...byIdentity.get(id)!);
  return split;
}

/** A seeded share of the usable people become strangers; the rest are enrolled. */
function chooseStrangers(usable: string[], share: number, random: () => number): { strangerIds: string[]; enrolled: string[] } {
  const order = shuffled(usable, random);
  const count = strangerCountFor(usable.length, share);
  return { strangerIds: order.slice(0, count).sort(), enrolled: order.slice(count).sort() };
}

/**
 * Enrol from one split and test on another (train/val): an enrolled person needs
 * at least two enrolment photos and one test photo. Strangers contribute the
 * photos of both splits.
 */
export function splitByFolders(enrolPool: Map<string, Photo[]>, testPool: Map<string, Photo[]>, options: SplitOptions): Split {
  const random = seededRandom(options.seed);
  const ids = [...new Set([...enrolPool.keys(), ...testPool.keys()])].sort();
  const usable = ids.filter((id) => (enrolPool.get(id)?.length ?? 0) >= 2 && (testPool.get(id)?.length ?? 0) >= 1);
  const tooFew = ids.filter((id) => !usable.includes(id));
  const { strangerIds, enrolled } = chooseStrangers(usable, options.strangers, random);
  const split: Split = { enrol: [], test: [], strangers: [], enrolled, strangerIds, tooFew };
  for (const id of enrolled) {
    split.enrol.push(...shuffled(enrolPool.get(id)!, random).slice(0, options.enroll));
    split.test.push(...testPool.get(id)!);
  }
  for (const id of [...strangerIds, ...tooFew]) split.strangers.push(...(enrolPool.get(id) ?? []), ...(testPool.get(id) ?? []));
  return split;
}
