/**
 * The two simple rules a trained forecast has to beat. Both give the chance
 * that the student is absent on a target school day, knowing only the days up
 * to the cutoff.
 */
import { addDays } from './calendar';
import { countsBetween, windowStart, type ClassTimeline } from './timeline';

/** When a student has no counted day in the last four weeks, the rate of the whole class over them. */
export function lastFourWeeksRate(t: ClassTimeline, student: number, cutoff: number): number {
  const from = windowStart(t, cutoff, 28);
  const own = countsBetween(t.students[student]!, from, cutoff);
  if (own.counted) return own.absent / own.counted;
  const counted = t.counted[cutoff + 1]! - t.counted[from]!;
  return counted ? (t.absent[cutoff + 1]! - t.absent[from]!) / counted : 0;
}

/**
 * 1 when the student was absent on the same weekday a week before the target
 * day, 0 when they came. When that day was not a school day or did not count
 * (excused, not yet in the class), the same weekday of the weeks before, up to
 * four weeks back; failing that, the last-4-weeks rate.
 */
export function sameWeekdayLastWeek(t: ClassTimeline, student: number, cutoff: number, target: string): number {
  const statuses = t.history.students[student]!.statuses;
  for (let weeks = 1; weeks <= 4; weeks++) {
    const i = t.dayIndex.get(addDays(target, -7 * weeks));
    if (i === undefined || i > cutoff) continue;
    const s = statuses[i];
    if (s === 'absent') return 1;
    if (s === 'present' || s === 'late') return 0;
  }
  return lastFourWeeksRate(t, student, cutoff);
}
