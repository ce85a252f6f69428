/**
 * The main thread's check of what the roster worker sent back. The worker ran
 * third-party parsers on an untrusted file, so its answer is rebuilt field by
 * field: plain strings and numbers only, lengths capped, the rules that matter
 * for storage checked again. Pure.
 */
import { cleanCell } from './cellText';
import { MAX_CELL_CHARS, MAX_IGNORED_HEADERS, MAX_MESSAGE_CHARS, MAX_MESSAGES_PER_ROW, MAX_ROWS } from './limits';
import { RosterFileError } from './rosterFileError';
import { ROSTER_FIELDS, type RosterColumns, type RosterPreview, type RosterPreviewRow, type RosterValues } from './types';

const E164 = /^\+[1-9]\d{6,14}$/;

type Bag = Record<string, unknown>;

const isBag = (value: unknown): value is Bag => typeof value === 'object' && value !== null && !Array.isArray(value);
const own = (bag: Bag, key: string): unknown => (Object.hasOwn(bag, key) ? bag[key] : undefined);
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

function strings(value: unknown, maxItems: number, maxChars: number): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .slice(0, maxItems)
    .filter((item): item is string => typeof item === 'string')
    .map((item) => item.slice(0, maxChars));
}

export function sanitizePreview(input: unknown): RosterPreview {
  const invalid = () => new RosterFileError('invalid-result', 'The file was read, but the result did not look right, so nothing was imported. Try saving it as CSV and importing again.');
  if (!isBag(input)) throw invalid();
  const rawRows = own(input, 'rows');
  if (!Array.isArray(rawRows) || rawRows.length > MAX_ROWS) throw invalid();

  const rows = rawRows.map((raw): RosterPreviewRow => {
    if (!isBag(raw)) throw invalid();
    const line = own(raw, 'line');
    if (!isCount(line) || line < 1) throw invalid();
    return {
      line,
      values: sanitizeValues(own(raw, 'values')),
      errors: strings(own(raw, 'errors'), MAX_MESSAGES_PER_ROW, MAX_MESSAGE_CHARS),
      warnings: strings(own(raw, 'warnings'), MAX_MESSAGES_PER_ROW, MAX_MESSAGE_CHARS),
    };
  });

  // What storage relies on, checked again rather than trusted.
  for (const row of rows) {
    if (row.errors.length > 0) continue;
    if (row.values.rollNo === '' || row.values.fullName === '') row.errors.push(`Line ${row.line}: roll no and name are required.`);
    if (row.values.guardianPhone !== '' && !E164.test(row.values.guardianPhone)) row.errors.push(`Line ${row.line}: the phone number could not be checked.`);
  }

  const headerLine = own(input, 'headerLine');
  const errorCount = rows.filter((row) => row.errors.length > 0).length;
  return {
    columns: sanitizeColumns(own(input, 'columns')),
    ignoredHeaders: strings(own(input, 'ignoredHeaders'), MAX_IGNORED_HEADERS, MAX_CELL_CHARS),
    headerLine: isCount(headerLine) ? headerLine : 0,
    rows,
    validCount: rows.length - errorCount,
    errorCount,
    fileErrors: strings(own(input, 'fileErrors'), MAX_MESSAGES_PER_ROW, MAX_MESSAGE_CHARS),
  };
}

function sanitizeValues(raw: unknown): RosterValues {
  const bag = isBag(raw) ? raw : {};
  const values = {} as RosterValues;
  for (const field of ROSTER_FIELDS) {
    const value = own(bag, field);
    values[field] = typeof value === 'string' ? cleanCell(value).slice(0, MAX_CELL_CHARS) : '';
  }
  return values;
}

function sanitizeColumns(raw: unknown): RosterColumns {
  const columns: RosterColumns = {};
  if (!isBag(raw)) return columns;
  for (const field of ROSTER_FIELDS) {
    const column = own(raw, field);
    if (!isBag(column)) continue;
    const index = own(column, 'index');
    const header = own(column, 'header');
    if (isCount(index) && typeof header === 'string') columns[field] = { index, header: header.slice(0, MAX_CELL_CHARS) };
  }
  return columns;
}
