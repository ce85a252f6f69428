/**
 * Turns the rows of a roster file (header first, all strings) into a preview
 * the teacher checks before anything is saved: cleaned values, and per-line
 * errors and warnings in words a teacher can act on. Pure: no I/O, no clocks.
 */
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { looksLikeFormula } from '../formulaGuard';
import { cleanCell, quoteValue } from './cellText';
import { describeHeaders, FIELD_LABELS, mapRosterColumns, type ColumnMapping } from './columns';
import { MAX_CELL_CHARS, MAX_ROWS } from './limits';
import { ROSTER_FIELDS, type RosterField, type RosterPreview, type RosterPreviewRow, type RosterValues } from './types';

export interface ValidateRosterOptions {
  /** Country assumed for numbers written without +country code (the class's `defaultCountry`). */
  defaultCountry: CountryCode;
  /** Roll numbers already in the class; the file may not reuse them. */
  existingRollNos?: Iterable<string>;
}

/** A title line or two above the header is common ("Class 7B — 2025"); the header is looked for this far down. */
const HEADER_SEARCH_ROWS = 10;

const EMPTY_VALUES: RosterValues = {
  rollNo: '',
  fullName: '',
  guardianName: '',
  guardianPhone: '',
  email: '',
  studentEmail: '',
};

/** Roll numbers compare without case, so "7a" and "7A" are one student. */
export const rollNoKey = (rollNo: string): string => cleanCell(rollNo).toLowerCase();

export function validateRoster(rows: readonly (readonly string[])[], options: ValidateRosterOptions): RosterPreview {
  const preview: RosterPreview = { columns: {}, ignoredHeaders: [], headerLine: 0, rows: [], validCount: 0, errorCount: 0, fileErrors: [] };
  if (!isSupportedCountry(options.defaultCountry)) {
    preview.fileErrors.push(`The class's country ${quoteValue(String(options.defaultCountry))} is not known, so phone numbers cannot be checked.`);
    return preview;
  }

  const nonEmpty = rows.flatMap((row, index) => (isEmptyRow(row) ? [] : [index]));
  if (nonEmpty.length === 0) {
    preview.fileErrors.push('The file is empty.');
    return preview;
  }

  const header = findHeader(rows, nonEmpty);
  if (!header) {
    const first = mapRosterColumns(rows[nonEmpty[0]]);
    const missing = first.missingRequired.map((field) => FIELD_LABELS[field]).join(' and ');
    preview.fileErrors.push(
      `No ${missing} column was found (${describeHeaders(rows[nonEmpty[0]])}). ` +
        `The first row should name the columns, for example 'Roll No' and 'Name'.`,
    );
    return preview;
  }
  preview.columns = header.mapping.columns;
  preview.ignoredHeaders = header.mapping.ignoredHeaders;
  preview.headerLine = header.index + 1;

  const dataIndexes = nonEmpty.filter((index) => index > header.index);
  if (dataIndexes.length === 0) {
    preview.fileErrors.push('The file has a header row but no students.');
    return preview;
  }
  if (dataIndexes.length > MAX_ROWS) {
    preview.fileErrors.push(
      `The file has too many rows: ${dataIndexes.length.toLocaleString('en')} students, and at most ${MAX_ROWS.toLocaleString('en')} can be imported at once. Split it into smaller files.`,
    );
    return preview;
  }

  preview.rows = dataIndexes.map((index) => readRow(rows[index], index + 1, header.mapping, options.defaultCountry));
  flagDuplicateRollNos(preview.rows);
  flagExistingRollNos(preview.rows, options.existingRollNos ?? []);
  preview.errorCount = preview.rows.filter((row) => row.errors.length > 0).length;
  preview.validCount = preview.rows.length - preview.errorCount;
  return preview;
}

function isEmptyRow(row: readonly string[]): boolean {
  return row.every((cell) => typeof cell !== 'string' || cleanCell(cell) === '');
}

function findHeader(rows: readonly (readonly string[])[], nonEmpty: readonly number[]): { index: number; mapping: ColumnMapping } | null {
  for (const index of nonEmpty.slice(0, HEADER_SEARCH_ROWS)) {
    const mapping = mapRosterColumns(rows[index]);
    if (mapping.missingRequired.length === 0) return { index, mapping };
  }
  return null;
}

function readRow(row: readonly string[], line: number, mapping: ColumnMapping, defaultCountry: CountryCode): RosterPreviewRow {
  const at = `Line ${line}:`;
  const values: RosterValues = { ...EMPTY_VALUES };
  const errors: string[] = [];
  const warnings: string[] = [];

  for (const field of ROSTER_FIELDS) {
    const column = mapping.columns[field];
    if (!column) continue;
    const raw = row[column.index];
    const cleaned = typeof raw === 'string' ? cleanCell(raw) : '';
    if (cleaned.length > MAX_CELL_CHARS) {
      errors.push(`${at} ${FIELD_LABELS[field]} is longer than ${MAX_CELL_CHARS} characters.`);
    }
    values[field] = cleaned.slice(0, MAX_CELL_CHARS);
  }

  if (values.rollNo === '') errors.push(`${at} roll no is empty.`);
  if (values.fullName === '') errors.push(`${at} name is empty.`);

  for (const field of ROSTER_FIELDS) {
    if (field !== 'guardianPhone' && looksLikeFormula(values[field])) {
      warnings.push(`${at} ${FIELD_LABELS[field]} ${quoteValue(values[field])} looks like a spreadsheet formula; it is kept as plain text and never run.`);
    }
  }

  if (values.guardianPhone !== '') {
    const phone = checkPhone(values.guardianPhone, defaultCountry);
    if (phone.ok) values.guardianPhone = phone.e164;
    else errors.push(`${at} ${phone.message}`);
  } else if (mapping.columns.guardianPhone) {
    warnings.push(`${at} no guardian phone, so absence messages cannot be sent for this student.`);
  }

  for (const field of ['email', 'studentEmail'] as const satisfies readonly RosterField[]) {
    if (values[field] !== '' && !isValidEmail(values[field])) {
      errors.push(`${at} ${FIELD_LABELS[field]} ${quoteValue(values[field])} is not a valid email address.`);
    }
  }

  return { line, values, errors, warnings };
}

type PhoneCheck = { ok: true; e164: string } | { ok: false; message: string };

export function checkPhone(value: string, defaultCountry: CountryCode): PhoneCheck {
  const phone = parsePhoneNumberFromString(value, defaultCountry);
  if (phone?.isValid()) return { ok: true, e164: phone.number };
  // Excel shows long numbers as 9.19812E+11 and saves them that way to CSV; the digits are gone.
  if (/^\d(\.\d+)?e\+\d+$/i.test(value)) {
    return {
      ok: false,
      message: `phone ${quoteValue(value)} was saved in scientific notation, which loses digits. Format the phone column as Text in the spreadsheet and save the file again.`,
    };
  }
  return { ok: false, message: `phone ${quoteValue(value)} is not a valid number for ${defaultCountry}.` };
}

/** A practical check (one @, a dotted domain, no spaces), not RFC 5322: a typo should be caught, not every legal address. */
export function isValidEmail(value: string): boolean {
  if (value.length > 254) return false;
  const at = value.indexOf('@');
  if (at < 1 || at !== value.lastIndexOf('@')) return false;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (local.length > 64 || !/^[^\s"(),:;<>[\]\\]+$/.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    return false;
  }
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  const tld = labels[labels.length - 1];
  return labels.every((label) => /^[\p{L}\p{N}](?:[\p{L}\p{M}\p{N}-]{0,61}[\p{L}\p{M}\p{N}])?$/u.test(label)) && /^\p{L}[\p{L}\p{M}]+$/u.test(tld);
}

function flagDuplicateRollNos(rows: RosterPreviewRow[]): void {
  const linesByRollNo = new Map<string, number[]>();
  for (const row of rows) {
    if (row.values.rollNo === '') continue;
    const key = rollNoKey(row.values.rollNo);
    const lines = linesByRollNo.get(key);
    if (lines) lines.push(row.line);
    else linesByRollNo.set(key, [row.line]);
  }
  for (const row of rows) {
    if (row.values.rollNo === '') continue;
    const lines = linesByRollNo.get(rollNoKey(row.values.rollNo)) ?? [];
    if (lines.length < 2) continue;
    // Only a few other lines are named, so a file of one repeated roll number stays linear.
    const shown: number[] = [];
    for (const line of lines) {
      if (line !== row.line) shown.push(line);
      if (shown.length === 3) break;
    }
    row.errors.push(`Line ${row.line}: roll no ${quoteValue(row.values.rollNo)} is also used on ${listLines(shown, lines.length - 1)}.`);
  }
}

function flagExistingRollNos(rows: RosterPreviewRow[], existingRollNos: Iterable<string>): void {
  const existing = new Set<string>();
  for (const rollNo of existingRollNos) if (typeof rollNo === 'string') existing.add(rollNoKey(rollNo));
  if (existing.size === 0) return;
  for (const row of rows) {
    if (row.values.rollNo !== '' && existing.has(rollNoKey(row.values.rollNo))) {
      row.errors.push(`Line ${row.line}: roll no ${quoteValue(row.values.rollNo)} is already in this class.`);
    }
  }
}

/** "line 9", "lines 9 and 14", "lines 9, 14, 20 and 3 more". */
function listLines(shown: readonly number[], total: number): string {
  if (total === 1) return `line ${shown[0]}`;
  const rest = total - shown.length;
  if (rest > 0) return `lines ${shown.join(', ')} and ${rest} more`;
  return `lines ${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}
