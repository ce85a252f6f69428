/**
 * Times in exports: the teacher's local time, written year first so that a
 * column of them sorts correctly as text. Pure apart from the device's time zone.
 */

const pad = (n: number) => String(n).padStart(2, '0');

/** A date-only string ("2025-03-04") is a calendar day, not UTC midnight, and must not shift by time zone. */
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function parse(value: string | Date): Date | null {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "2025-03-04"; '' for a missing or unreadable time. */
export function formatLocalDate(value: string | Date | null): string {
  if (value === null) return '';
  if (typeof value === 'string' && DATE_ONLY.test(value)) return value;
  const date = parse(value);
  return date ? `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` : '';
}

/** "09:05". */
export function formatLocalTime(value: string | Date | null): string {
  if (value === null) return '';
  const date = parse(value);
  return date ? `${pad(date.getHours())}:${pad(date.getMinutes())}` : '';
}

/** "2025-03-04 09:05". */
export function formatLocalDateTime(value: string | Date | null): string {
  const date = formatLocalDate(value);
  const time = typeof value === 'string' && DATE_ONLY.test(value) ? '' : formatLocalTime(value);
  return time ? `${date} ${time}` : date;
}
