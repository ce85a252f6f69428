/**
 * CSV exports: RFC 4180 quoting, CRLF line ends, and a UTF-8 BOM so Excel
 * reads names in any script correctly. Pure.
 */
import type { ClassSummary } from '@/attendance/types';
import { neutraliseFormulas } from '../formulaGuard';
import { formatLocalDateTime } from './formatTime';
import { percentText, SESSION_TABLE_HEADERS, sessionLabels, sourceLabel, statusLabel, statusLetter, SUMMARY_TOTAL_HEADERS } from './labels';
import type { SessionSheetInput } from './types';

const BOM = '\uFEFF';

/** A number is written as it is (a count of -5 stays a number); text goes through the formula rule. */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const cell = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : neutraliseFormulas(value);
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

export function toCsv(rows: readonly (readonly (string | number | null)[])[]): string {
  return BOM + rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export function sessionCsv(input: SessionSheetInput): string {
  return toCsv([
    [...SESSION_TABLE_HEADERS],
    ...input.rows.map((row) => [
      row.rollNo,
      row.fullName,
      statusLabel(row.status),
      row.markedAt ? formatLocalDateTime(row.markedAt) : '',
      percentText(row.confidence),
      sourceLabel(row),
    ]),
  ]);
}

export function classSummaryCsv(summary: ClassSummary): string {
  return toCsv([
    ['Roll No', 'Name', ...sessionLabels(summary.sessions), ...SUMMARY_TOTAL_HEADERS],
    ...summary.students.map((student) => [
      student.rollNo,
      student.fullName,
      ...summary.sessions.map((_, i) => statusLetter(student.statuses[i] ?? null)),
      student.present,
      student.late,
      student.absent,
      student.excused,
      percentText(student.rate),
    ]),
  ]);
}
