/**
 * Roster import and attendance exports. The Excel builders are reached only
 * through the lazy `export…Workbook` functions, so importing this module does
 * not load sheetjs-style.
 */
export { exportClassSummaryWorkbook, exportSessionWorkbook } from './export/loadWorkbooks';
export { classSummaryCsv, sessionCsv } from './export/csv';
export { CSV_MIME, downloadBlob, downloadBytes, exportFileName, XLSX_MIME } from './export/download';
