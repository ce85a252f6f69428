/**
 * School days as local calendar dates ('2025-03-04'). Day arithmetic works on
 * day numbers (days since 1970-01-01 of that calendar date), so it never
 * depends on the device's time zone or daylight saving.
 */

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;
const pad = (n: number) => String(n).padStart(2, '0');

export const WEEKDAY_LABELS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/** The local calendar date of an instant, as the teacher saw it on this device. */
export function localDay(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new RangeError(`Not a date and time: "${iso}".`);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function dayNumber(date: string): number {
  const m = DATE_ONLY.exec(date);
  if (!m) throw new RangeError(`Not a calendar date: "${date}".`);
  return Math.round(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS);
}

export function dateOfDayNumber(n: number): string {
  const d = new Date(n * DAY_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

export const addDays = (date: string, days: number) => dateOfDayNumber(dayNumber(date) + days);

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export const weekdayOf = (date: string) => (((dayNumber(date) + 4) % 7) + 7) % 7;

/** The Monday of the week the date falls in. */
export const weekStart = (date: string) => addDays(date, -((weekdayOf(date) + 6) % 7));
