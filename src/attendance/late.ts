/** When a first sighting counts as late. */

import { parseInstant } from './time';

const MINUTE_MS = 60_000;

/**
 * 'late' when the student was first seen more than `lateAfterMinutes` after the
 * session started. Exactly at the cut-off is still 'present': a teacher who says
 * "late after 10 minutes" means the tenth minute is on time. Seen before the
 * start (arriving early, a clock a little off) is 'present'.
 */
export function statusOnArrival(startsAt: string, seenAt: string, lateAfterMinutes: number): 'present' | 'late' {
  if (Number.isNaN(lateAfterMinutes) || lateAfterMinutes < 0) {
    throw new RangeError(`The late cut-off must be zero or more minutes, not ${lateAfterMinutes}.`);
  }
  const start = parseInstant(startsAt, 'The session start');
  const seen = parseInstant(seenAt, 'The sighting time');
  return seen - start > lateAfterMinutes * MINUTE_MS ? 'late' : 'present';
}
