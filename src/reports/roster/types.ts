/** Plain data of a roster import. Everything here crosses the worker boundary by structured clone. */

/** The student fields a roster file can fill; the names match `StudentRow`. */
export const ROSTER_FIELDS = ['rollNo', 'fullName', 'guardianName', 'guardianPhone', 'email', 'studentEmail'] as const;
export type RosterField = (typeof ROSTER_FIELDS)[number];

export type RosterValues = Record<RosterField, string>;

/** Where a field was found in the file: the column index (0-based) and its header as written. */
export interface RosterColumn {
  index: number;
  header: string;
}

export type RosterColumns = Partial<Record<RosterField, RosterColumn>>;

export interface RosterPreviewRow {
  /** The row number a teacher sees in a spreadsheet or text editor (the header is usually line 1). */
  line: number;
  /** Cleaned values; `guardianPhone` is E.164 when the number is valid, else as written. */
  values: RosterValues;
  /** A row with any error is not imported. */
  errors: string[];
  /** Worth a look, but the row is imported. */
  warnings: string[];
}

export interface RosterPreview {
  columns: RosterColumns;
  /** Headers that matched no field, as written, so the teacher knows what was left out. */
  ignoredHeaders: string[];
  /** Line of the header row; 0 when none was found. */
  headerLine: number;
  rows: RosterPreviewRow[];
  validCount: number;
  errorCount: number;
  /** Problems with the file as a whole; when there are any, nothing is imported. */
  fileErrors: string[];
}

export interface RosterProgress {
  stage: 'reading' | 'parsing' | 'validating' | 'done';
  /** Data rows seen so far, when known. */
  rows?: number;
}
