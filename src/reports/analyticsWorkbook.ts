/**
 * The analytics views as one styled Excel sheet, section under section: the
 * forecast's method, the students at risk with their reasons, attendance over
 * time, by weekday, late arrivals, and the students × days grid. Loads
 * sheetjs-style through export/workbook.ts, so import this file lazily.
 */
import type { Heatmap, HistogramBin, RatePoint, WeekdayPoint } from '@/analytics/aggregate';
import type { StudentRisk } from '@/analytics/risk';
import { LETTER_KEY, statusLetter } from './export/labels';
import { HEADER_STYLE, LABEL_STYLE, PERCENT_STYLE, statusStyle, text, TEXT_LEFT, TITLE_STYLE, writeWorkbook, type SheetCell } from './export/workbook';

export interface AnalyticsWorkbookInput {
  /** A class name, or "All classes". */
  scope: string;
  from: string | null;
  to: string | null;
  method: string;
  methodReason: string;
  risks: readonly StudentRisk[];
  rateOverTime: readonly RatePoint[];
  weekdays: readonly WeekdayPoint[];
  late: readonly HistogramBin[];
  heatmap: Heatmap;
}

const percent = (value: number | null): SheetCell => (value === null || !Number.isFinite(value) ? null : { value, style: PERCENT_STYLE() });
const label = (value: string): SheetCell => text(value, LABEL_STYLE());
const header = (...titles: string[]): SheetCell[] => titles.map((t) => text(t, HEADER_STYLE({ wrapText: true })));

export function buildAnalyticsWorkbook(input: AnalyticsWorkbookInput): Uint8Array<ArrayBuffer> {
  const flagged = input.risks.filter((r) => r.flags.length);
  const rows: SheetCell[][] = [
    [text(`Attendance analytics — ${input.scope}`, TITLE_STYLE())],
    [label('Dates'), text(input.from || input.to ? `${input.from ?? 'start'} to ${input.to ?? 'today'}` : 'All history')],
    [label('Forecast'), text(input.method)],
    [label('Why'), text(input.methodReason)],
    [],
    [text(`At risk (${flagged.length})`, TITLE_STYLE())],
    header('Roll No', 'Name', 'Class', 'Attendance %', 'Expected absences next week', 'Reasons'),
  ];
  if (!flagged.length) rows.push([text('Nobody is flagged.')]);
  for (const r of flagged) {
    rows.push([
      text(r.rollNo, TEXT_LEFT()),
      text(r.fullName),
      text(r.className),
      percent(r.rate),
      r.expectedAbsences === null ? null : { value: Math.round(r.expectedAbsences * 10) / 10 },
      text(r.flags.map((f) => f.reason).join(' ')),
    ]);
  }

  rows.push([], [text('Attendance over time', TITLE_STYLE())], header('Date', 'Attendance %', 'Student-days'));
  for (const p of input.rateOverTime) rows.push([text(p.date, TEXT_LEFT()), percent(p.rate), { value: p.counted }]);

  rows.push([], [text('By weekday', TITLE_STYLE())], header('Weekday', 'Attendance %', 'Absences'));
  for (const w of input.weekdays) rows.push([text(w.label), percent(w.rate), { value: w.absences }]);

  rows.push([], [text('Late arrivals', TITLE_STYLE())], header('Minutes late', 'Arrivals'));
  for (const b of input.late) rows.push([text(b.label, TEXT_LEFT()), { value: b.count }]);

  rows.push([], [text('Students × school days', TITLE_STYLE())], [label('Key'), text(LETTER_KEY)]);
  rows.push([...header('Student', 'Attendance %'), ...input.heatmap.dates.map((d) => text(d, HEADER_STYLE({ horizontal: 'center', textRotation: 90 })))]);
  for (const row of input.heatmap.rows) {
    rows.push([text(row.label), percent(row.rate), ...row.cells.map((s): SheetCell => (s ? text(statusLetter(s), statusStyle(s, true)) : null))]);
  }

  return writeWorkbook('Analytics', rows, {
    widths: [30, 24, 14, 12, 14, 60, ...Array.from({ length: Math.max(0, input.heatmap.dates.length - 4) }, () => 4)],
    mergedRows: [[0, 0, 5]],
  });
}
