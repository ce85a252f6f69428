/**
 * Bytes of a roster file → rows of strings (header first). Runs in the roster
 * worker. CSV goes to papaparse, XLSX to read-excel-file; nothing here
 * evaluates a formula (an XLSX formula cell yields its saved value, a CSV cell
 * starting with "=" stays text).
 */
import Papa from 'papaparse';
import { InvalidInputError, readSheet } from 'read-excel-file/universal';
import { RosterFileError } from './rosterFileError';
import { decodeRosterText, displayName, sniffRosterFile } from './sniffRosterFile';

export async function parseRosterFile(name: string, bytes: ArrayBuffer): Promise<string[][]> {
  const data = new Uint8Array(bytes);
  const kind = sniffRosterFile(name, data);
  if (kind === 'xlsx') return readXlsxRows(name, bytes);
  return parseCsvRows(name, decodeRosterText(name, data));
}

const DELIMITERS = [',', ';', '\t'] as const;
type Delimiter = (typeof DELIMITERS)[number];

/**
 * The delimiter is the candidate seen most often, outside quotes, on the first
 * line that has any. papaparse's own guess wants every sample line to agree and
 * gives up on files with blank lines or a single data row.
 */
export function detectDelimiter(text: string): Delimiter {
  const lines = text.split(/\r\n|\n|\r/, 50);
  for (const line of lines) {
    const counts = new Map<Delimiter, number>(DELIMITERS.map((d) => [d, 0]));
    let quoted = false;
    for (const char of line) {
      if (char === '"') quoted = !quoted;
      else if (!quoted && counts.has(char as Delimiter)) counts.set(char as Delimiter, (counts.get(char as Delimiter) ?? 0) + 1);
    }
    let best: Delimiter | null = null;
    for (const d of DELIMITERS) if ((counts.get(d) ?? 0) > (best ? (counts.get(best) ?? 0) : 0)) best = d;
    if (best) return best;
  }
  return ',';
}

export function parseCsvRows(name: string, text: string): string[][] {
  const result = Papa.parse<string[]>(text, {
    delimiter: detectDelimiter(text),
    header: false,
    dynamicTyping: false,
    // Empty lines stay so that row numbers match the file's line numbers; validation skips them.
    skipEmptyLines: false,
  });
  const unclosed = result.errors.find((error) => error.code === 'MissingQuotes');
  if (unclosed) {
    const line = typeof unclosed.row === 'number' ? `line ${unclosed.row + 1}` : 'a line';
    throw new RosterFileError(
      'bad-csv',
      `${displayName(name)} has a quoted value that is never closed (near ${line}): a " is missing. Fix it in a spreadsheet program and save the file again.`,
    );
  }
  return result.data.map((row) => row.map((cell) => (typeof cell === 'string' ? cell : '')));
}

async function readXlsxRows(name: string, bytes: ArrayBuffer): Promise<string[][]> {
  const shown = displayName(name);
  let sheet: unknown[][];
  try {
    sheet = (await readSheet(bytes)) as unknown[][];
  } catch (error) {
    if (error instanceof InvalidInputError && error.code === 'XLS_FILE_NOT_SUPPORTED') {
      throw new RosterFileError('legacy-xls', `${shown} is an old Excel (.xls) file. Save it as an Excel Workbook (.xlsx) or CSV and import that file.`);
    }
    throw new RosterFileError('unreadable-xlsx', `${shown} could not be read as an Excel workbook; it may be damaged. Open it in Excel and save it again, or save it as CSV.`);
  }
  return sheet.map((row) => (Array.isArray(row) ? row.map(cellText) : []));
}

/**
 * One spreadsheet cell as text. Roll numbers and phone numbers are often typed
 * as numbers, so whole numbers come out without ".0" or an exponent; dates as
 * ISO dates.
 */
export function cellText(cell: unknown): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'string') return cell;
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell)) return '';
    if (Number.isInteger(cell)) return BigInt(cell).toString();
    // Float noise from the file (0.30000000000000004) is not what anyone typed.
    return String(Number(cell.toPrecision(15)));
  }
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return '';
    const iso = cell.toISOString();
    // read-excel-file gives dates as UTC; a date without a time of day is just the date.
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 16).replace('T', ' ');
  }
  return '';
}
