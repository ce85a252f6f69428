/**
 * The one place that touches sheetjs-style, and only to write: cells in,
 * .xlsx bytes out. Strings are always written as text cells (never formulas),
 * so a name like "=cmd|..." stays a name; numbers stay numeric cells.
 */
import './sheetjsStrictGlobals';
import * as XLSX from 'sheetjs-style';
import type { AttendanceStatus } from '@/attendance/types';
import { looksLikeFormula } from '../formulaGuard';

export type CellStyle = NonNullable<XLSX.CellObject['s']>;

/** A cell's value and look; null leaves the cell empty. */
export type SheetCell = { value: string | number; style?: CellStyle } | null;

export const text = (value: string, style?: CellStyle): SheetCell => ({ value, style });

export interface SheetLayout {
  /** Column widths in characters. */
  widths: number[];
  /** Cell ranges to merge, as [row, firstColumn, lastColumn] (0-based). */
  mergedRows?: [number, number, number][];
  /** Header row (0-based) of a table that gets filter buttons; its last row is the sheet's last. */
  filterHeaderRow?: number;
}

const color = (rgb: string) => ({ rgb });

export const TITLE_STYLE = (): CellStyle => ({ font: { bold: true, sz: '14' } });
export const LABEL_STYLE = (): CellStyle => ({ font: { bold: true }, alignment: { horizontal: 'left' } });
export const TEXT_LEFT = (): CellStyle => ({ alignment: { horizontal: 'left' } });

export const HEADER_STYLE = (extra: CellStyle['alignment'] = {}): CellStyle => ({
  font: { bold: true },
  fill: { patternType: 'solid', fgColor: color('FFDDEBF7') },
  border: { bottom: { style: 'thin', color: color('FF8EA9C1') } },
  alignment: { vertical: 'center', ...extra },
});

export const PERCENT_STYLE = (): CellStyle => ({ numFmt: '0%' });

/** Excel's own Good / Neutral / Bad colours, and grey for excused. */
const STATUS_COLOURS: Readonly<Record<AttendanceStatus, { fill: string; font: string }>> = {
  present: { fill: 'FFC6EFCE', font: 'FF006100' },
  late: { fill: 'FFFFEB9C', font: 'FF9C5700' },
  absent: { fill: 'FFFFC7CE', font: 'FF9C0006' },
  excused: { fill: 'FFE7E6E6', font: 'FF3A3838' },
};

export function statusStyle(status: AttendanceStatus | null, centred = false): CellStyle | undefined {
  if (!status) return centred ? { alignment: { horizontal: 'center' } } : undefined;
  const { fill, font } = STATUS_COLOURS[status];
  return {
    fill: { patternType: 'solid', fgColor: color(fill) },
    font: { color: color(font) },
    ...(centred ? { alignment: { horizontal: 'center' as const } } : {}),
  };
}

/**
 * Excel's Text format. A text cell is never run when the file is opened, but
 * Excel turns one into a formula when someone edits it and presses Enter,
 * unless it is formatted as Text. The value is left as it is (no apostrophe
 * as in the CSV): readers of the file see the name that was typed.
 */
const TEXT_FORMAT = '@';

/**
 * One sheet in one workbook. sheetjs-style cannot write frozen panes, so long
 * tables get filter buttons on their header row instead, which also lets the
 * teacher sort.
 */
export function writeWorkbook(sheetName: string, rows: readonly (readonly SheetCell[])[], layout: SheetLayout): Uint8Array<ArrayBuffer> {
  const sheet: XLSX.WorkSheet = {};
  let lastColumn = layout.widths.length - 1;
  rows.forEach((row, r) => {
    row.forEach((cell, c) => {
      if (!cell) return;
      lastColumn = Math.max(lastColumn, c);
      const address = XLSX.utils.encode_cell({ r, c });
      const object: XLSX.CellObject = typeof cell.value === 'number' ? { t: 'n', v: cell.value } : { t: 's', v: cell.value };
      const style = typeof cell.value === 'string' && looksLikeFormula(cell.value) ? { ...cell.style, numFmt: TEXT_FORMAT } : cell.style;
      if (style) object.s = style;
      sheet[address] = object;
    });
  });
  const lastRow = Math.max(0, rows.length - 1);
  sheet['!ref'] = XLSX.utils.encode_range({ s: { r: 0, c: 0 }, e: { r: lastRow, c: Math.max(0, lastColumn) } });
  sheet['!cols'] = layout.widths.map((wch) => ({ wch }));
  if (layout.mergedRows?.length) sheet['!merges'] = layout.mergedRows.map(([r, from, to]) => ({ s: { r, c: from }, e: { r, c: to } }));
  if (layout.filterHeaderRow !== undefined && layout.filterHeaderRow < lastRow) {
    sheet['!autofilter'] = { ref: XLSX.utils.encode_range({ s: { r: layout.filterHeaderRow, c: 0 }, e: { r: lastRow, c: lastColumn } }) };
  }

  const workbook = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(workbook, sheet, sheetName);
  const bytes = XLSX.write(workbook, { type: 'array', bookType: 'xlsx', bookSST: true, cellStyles: true }) as ArrayBuffer;
  return new Uint8Array(bytes);
}
