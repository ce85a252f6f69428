/** One session as a styled Excel sheet: who took it and when, then every student's mark. */
import { formatLocalDate, formatLocalDateTime, formatLocalTime } from './formatTime';
import { SESSION_TABLE_HEADERS, sessionCounts, sourceLabel, statusLabel } from './labels';
import type { SessionSheetInput } from './types';
import { HEADER_STYLE, LABEL_STYLE, PERCENT_STYLE, statusStyle, text, TEXT_LEFT, TITLE_STYLE, writeWorkbook, type SheetCell } from './workbook';

const label = (value: string): SheetCell => text(value, LABEL_STYLE());

function finalisedText(session: SessionSheetInput['session']): string {
  if (!session.finalisedAt) return 'No, still open';
  const at = formatLocalDateTime(session.finalisedAt);
  return session.finishedAutomatically ? `Yes, automatically at ${at} (nobody pressed Finish)` : `Yes, ${at}`;
}

export function buildSessionWorkbook(input: SessionSheetInput): Uint8Array<ArrayBuffer> {
  const { session } = input;
  const rows: SheetCell[][] = [
    [text(`Attendance — ${input.className}`, TITLE_STYLE())],
    [label('Date'), text(formatLocalDate(session.startsAt))],
    [label('Time'), text(formatLocalTime(session.startsAt))],
    [label('Taken by'), text(session.takenBy)],
    [label('Faces detected'), { value: session.facesDetected, style: TEXT_LEFT() }],
    [label('Finalised'), text(finalisedText(session))],
    [label('Students'), text(sessionCounts(input.rows))],
    [],
    SESSION_TABLE_HEADERS.map((header) => text(header, HEADER_STYLE())),
  ];
  const headerRow = rows.length - 1;

  for (const row of input.rows) {
    const how = sourceLabel(row);
    rows.push([
      text(row.rollNo, TEXT_LEFT()),
      text(row.fullName),
      text(statusLabel(row.status), statusStyle(row.status)),
      row.markedAt ? text(formatLocalDateTime(row.markedAt)) : null,
      row.confidence !== null && Number.isFinite(row.confidence) ? { value: row.confidence, style: PERCENT_STYLE() } : null,
      how ? text(how) : null,
    ]);
  }

  return writeWorkbook('Attendance', rows, {
    widths: [15, 28, 12, 18, 12, 17],
    mergedRows: [[0, 0, SESSION_TABLE_HEADERS.length - 1]],
    filterHeaderRow: headerRow,
  });
}
