/** A file the roster import cannot read, with a stable code for the UI and a message a teacher can act on. */

export type RosterFileErrorCode =
  | 'empty'
  | 'too-large'
  | 'legacy-xls'
  | 'not-xlsx'
  | 'unreadable-xlsx'
  | 'not-a-spreadsheet'
  | 'bad-csv'
  | 'timeout'
  | 'worker-failed'
  | 'invalid-result';

export const ROSTER_FILE_ERROR_CODES: readonly RosterFileErrorCode[] = [
  'empty',
  'too-large',
  'legacy-xls',
  'not-xlsx',
  'unreadable-xlsx',
  'not-a-spreadsheet',
  'bad-csv',
  'timeout',
  'worker-failed',
  'invalid-result',
];

export class RosterFileError extends Error {
  readonly code: RosterFileErrorCode;
  constructor(code: RosterFileErrorCode, message: string) {
    super(message);
    this.name = 'RosterFileError';
    this.code = code;
  }
}

export function isRosterFileErrorCode(value: unknown): value is RosterFileErrorCode {
  return typeof value === 'string' && (ROSTER_FILE_ERROR_CODES as readonly string[]).includes(value);
}
