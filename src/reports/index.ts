/**
 * Roster import and attendance exports. The Excel builders are reached only
 * through the lazy `export…Workbook` functions, so importing this module does
 * not load sheetjs-style.
 */
export { readRosterInWorker, type ReadRosterOptions } from './roster/importRoster';
export { RosterFileError, type RosterFileErrorCode } from './roster/rosterFileError';
export { ROSTER_FIELDS } from './roster/types';
export type { RosterColumn, RosterColumns, RosterField, RosterPreview, RosterPreviewRow, RosterProgress, RosterValues } from './roster/types';
export { MAX_FILE_BYTES, MAX_ROWS } from './roster/limits';

export { exportClassSummaryWorkbook, exportSessionWorkbook } from './export/loadWorkbooks';
export { classSummaryCsv, sessionCsv } from './export/csv';
export { CSV_MIME, downloadBlob, downloadBytes, exportFileName, XLSX_MIME, type ExportKind } from './export/download';
export type { SessionSheetInput, SessionSheetRow } from './export/types';
