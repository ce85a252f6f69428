/** Words and letters shared by the Excel and CSV exports, so both say the same thing. Pure. */
import { markOriginLabel } from '@/attendance/origin';
import type { AttendanceStatus } from '@/attendance/types';
import type { SessionSheetRow } from './types';
import { formatLocalDate, formatLocalDateTime } from './formatTime';

export const SESSION_TABLE_HEADERS = ['Roll No', 'Name', 'Status', 'Timestamp', 'Confidence', 'Source'] as const;

export const SUMMARY_TOTAL_HEADERS = ['Present', 'Late', 'Absent', 'Excused', 'Attendance %'] as const;

export const LETTER_KEY = 'P present · L late · A absent · E excused · blank: not marked';

export const STATUS_LABELS: Readonly<Record<AttendanceStatus, string>> = {
  present: 'Present',
  late: 'Late',
  absent: 'Absent',
  excused: 'Excused',
};

export const STATUS_LETTERS: Readonly<Record<AttendanceStatus, string>> = {
  present: 'P',
  late: 'L',
  absent: 'A',
  excused: 'E',
};

export const NOT_MARKED = 'Not marked';

export const statusLabel = (status: AttendanceStatus | null): string => (status ? STATUS_LABELS[status] : NOT_MARKED);

export const statusLetter = (status: AttendanceStatus | null): string => (status ? STATUS_LETTERS[status] : '');

/** How the row's status came about (attendance/origin.ts decides); blank when the student has no mark. */
export const sourceLabel = (row: Pick<SessionSheetRow, 'status' | 'source' | 'confidence' | 'device'>): string =>
  row.status && row.source ? markOriginLabel({ status: row.status, source: row.source, confidence: row.confidence, device: row.device }) : '';

/** A column title per session: its date, and its time too when the same date has more than one session. */
export function sessionLabels(sessions: readonly { startsAt: string }[]): string[] {
  const dates = sessions.map((session) => formatLocalDate(session.startsAt));
  const perDate = new Map<string, number>();
  for (const date of dates) perDate.set(date, (perDate.get(date) ?? 0) + 1);
  return sessions.map((session, i) => ((perDate.get(dates[i]) ?? 0) > 1 ? formatLocalDateTime(session.startsAt) : dates[i]));
}

/** 0.934 → "93%"; null → ''. */
export const percentText = (ratio: number | null): string => (ratio === null || !Number.isFinite(ratio) ? '' : `${Math.round(ratio * 100)}%`);

/** "Present 20 · Late 2 · Absent 3": the counts a teacher looks for first; statuses nobody has are left out. */
export function sessionCounts(rows: readonly { status: AttendanceStatus | null }[]): string {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(statusLabel(row.status), (counts.get(statusLabel(row.status)) ?? 0) + 1);
  const order = [...Object.values(STATUS_LABELS), NOT_MARKED];
  const parts = order.filter((label) => counts.has(label)).map((label) => `${label} ${counts.get(label)}`);
  return parts.length > 0 ? parts.join(' · ') : 'No students';
}

/** "2025-03-01 to 2025-03-31", or one date when the range is a single day. */
export function dateRangeText(range: { from: string; to: string }): string {
  const from = formatLocalDate(range.from);
  const to = formatLocalDate(range.to);
  return from === to ? from : `${from} to ${to}`;
}
