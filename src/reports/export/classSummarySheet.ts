/** A class over a date range as a styled Excel sheet: one row per student, one column per session, then totals. */
import type { ClassSummary } from '@/attendance/types';
import { dateRangeText, LETTER_KEY, sessionLabels, statusLetter, SUMMARY_TOTAL_HEADERS } from './labels';
import { HEADER_STYLE, LABEL_STYLE, PERCENT_STYLE, statusStyle, text, TEXT_LEFT, TITLE_STYLE, writeWorkbook, type SheetCell } from './workbook';

export function buildClassSummaryWorkbook(summary: ClassSummary): Uint8Array<ArrayBuffer> {
  const sessionCount = summary.sessions.length;
  const totalColumns = 2 + sessionCount + SUMMARY_TOTAL_HEADERS.length;
  const label = (value: string): SheetCell => text(value, LABEL_STYLE());
  // Session titles are turned upright so a month of sessions fits on a screen.
  const sessionHeader = HEADER_STYLE({ horizontal: 'center', textRotation: 90 });

  const rows: SheetCell[][] = [
    [text(`Attendance summary — ${summary.className}`, TITLE_STYLE())],
    [label('Dates'), text(dateRangeText(summary))],
    [label('Sessions'), { value: sessionCount, style: TEXT_LEFT() }],
    [label('Students'), { value: summary.students.length, style: TEXT_LEFT() }],
    [label('Key'), text(LETTER_KEY)],
    [],
    [
      text('Roll No', HEADER_STYLE()),
      text('Name', HEADER_STYLE()),
      ...sessionLabels(summary.sessions).map((title) => text(title, sessionHeader)),
      ...SUMMARY_TOTAL_HEADERS.map((title) => text(title, HEADER_STYLE({ horizontal: 'center', wrapText: true }))),
    ],
  ];
  const headerRow = rows.length - 1;

  for (const student of summary.students) {
    const statuses = Array.from({ length: sessionCount }, (_, i) => student.statuses[i] ?? null);
    rows.push([
      text(student.rollNo, TEXT_LEFT()),
      text(student.fullName),
      ...statuses.map((status): SheetCell => (status ? text(statusLetter(status), statusStyle(status, true)) : null)),
      { value: student.present },
      { value: student.late },
      { value: student.absent },
      { value: student.excused },
      student.rate !== null && Number.isFinite(student.rate) ? { value: student.rate, style: PERCENT_STYLE() } : null,
    ]);
  }

  return writeWorkbook('Summary', rows, {
    widths: [12, 28, ...Array.from({ length: sessionCount }, () => 4), 9, 9, 9, 9, 12],
    mergedRows: [[0, 0, totalColumns - 1]],
    filterHeaderRow: headerRow,
  });
}
