/** Reading the ISO strings the rules receive; every bad value is a RangeError that names it. */

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Milliseconds since the epoch. */
export function parseInstant(iso: string, what: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`${what} is not a date and time: "${iso}".`);
  return ms;
}

/**
 * The bounds of a date range a teacher picked, as [start, end) in milliseconds.
 * A bare date ('2026-11-20') means that calendar day on this device's clock,
 * because that is the day the teacher had in mind; `Date.parse` would read it
 * as UTC and move evening classes to the wrong day. `to` as a bare date covers
 * the whole day. A full timestamp is taken as the exact instant (inclusive).
 */
export function parseDateRange(from: string, to: string): { startMs: number; endMs: number } {
  const startMs = parseRangeEdge(from, 'The start of the range', false);
  const endMs = parseRangeEdge(to, 'The end of the range', true);
  if (endMs <= startMs) throw new RangeError(`The range ends (${to}) before it starts (${from}).`);
  return { startMs, endMs };
}

function parseRangeEdge(value: string, what: string, isEnd: boolean): number {
  const day = DATE_ONLY.exec(value);
  if (!day) return parseInstant(value, what) + (isEnd ? 1 : 0);
  const [year, month, date] = [Number(day[1]), Number(day[2]) - 1, Number(day[3])];
  const local = new Date(year, month, date + (isEnd ? 1 : 0));
  // new Date(2026, 1, 30) quietly becomes 2 March; a date picker never sends that, a typo might.
  const check = new Date(year, month, date);
  if (check.getFullYear() !== year || check.getMonth() !== month || check.getDate() !== date) {
    throw new RangeError(`${what} is not a calendar date: "${value}".`);
  }
  return local.getTime();
}
