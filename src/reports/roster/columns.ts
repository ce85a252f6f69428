/**
 * Which column holds which student field. Headers are matched after dropping
 * case, spaces and punctuation, so "Roll No.", "roll_no" and "ROLL NO" agree.
 * Header text comes from the file, so it is only ever a Map key, never an
 * object property name: a column called "__proto__" is just an unknown column.
 */
import { cleanCell } from './cellText';
import { MAX_CELL_CHARS, MAX_IGNORED_HEADERS } from './limits';
import type { RosterColumns, RosterField } from './types';

/** Aliases per field, best first: when two columns match one field, the better alias wins. */
const ALIASES: ReadonlyArray<readonly [RosterField, readonly string[]]> = [
  ['rollNo', ['Roll No', 'Roll Number', 'Roll', 'Roll Num', 'Student ID', 'ID']],
  ['fullName', ['Full Name', 'Student Name', 'Name', 'Name of Student', 'Student']],
  [
    'guardianName',
    ['Guardian Name', 'Guardian', 'Parent Name', 'Parent', "Father's Name", 'Father Name', "Mother's Name", 'Mother Name'],
  ],
  [
    'guardianPhone',
    [
      'Guardian Phone',
      'Parent Phone',
      'Guardian Mobile',
      'Parent Mobile',
      'Phone',
      'Phone No',
      'Phone Number',
      'Mobile',
      'Mobile No',
      'Mobile Number',
      'Guardian Contact',
      'Contact',
      'Contact No',
      'Contact Number',
    ],
  ],
  ['email', ['Guardian Email', 'Parent Email', 'Email', 'Email ID', 'Email Address', 'Mail']],
  ['studentEmail', ['Student Email', 'Student Email ID', 'Student Email Address']],
];

/** "Roll No." → "rollno": letters (with their accents and vowel signs) and digits of any script, lower case. */
export function headerKey(header: string): string {
  return header.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{M}\p{N}]+/gu, '');
}

/** headerKey → field and rank (lower is better); the first alias to claim a key keeps it. */
const FIELD_BY_KEY: ReadonlyMap<string, { field: RosterField; rank: number }> = (() => {
  const byKey = new Map<string, { field: RosterField; rank: number }>();
  for (const [field, aliases] of ALIASES) {
    aliases.forEach((alias, rank) => {
      const key = headerKey(alias);
      if (!byKey.has(key)) byKey.set(key, { field, rank });
    });
  }
  return byKey;
})();

export const REQUIRED_FIELDS: readonly RosterField[] = ['rollNo', 'fullName'];

export const FIELD_LABELS: Readonly<Record<RosterField, string>> = {
  rollNo: 'roll no',
  fullName: 'name',
  guardianName: 'guardian name',
  guardianPhone: 'phone',
  email: 'email',
  studentEmail: 'student email',
};

export interface ColumnMapping {
  columns: RosterColumns;
  /** Non-empty headers that matched no field, or lost to a better column for the same field. */
  ignoredHeaders: string[];
  missingRequired: RosterField[];
}

export function mapRosterColumns(headerRow: readonly string[]): ColumnMapping {
  const best = new Map<RosterField, { index: number; header: string; rank: number }>();
  const headers = headerRow.map((raw) => cleanCell(raw).slice(0, MAX_CELL_CHARS));
  headers.forEach((header, index) => {
    const match = FIELD_BY_KEY.get(headerKey(header));
    if (!match) return;
    const current = best.get(match.field);
    if (!current || match.rank < current.rank) best.set(match.field, { index, header, rank: match.rank });
  });

  const columns: RosterColumns = {};
  const used = new Set<number>();
  for (const [field, { index, header }] of best) {
    columns[field] = { index, header };
    used.add(index);
  }
  const ignoredHeaders = headers.filter((header, index) => header !== '' && !used.has(index)).slice(0, MAX_IGNORED_HEADERS);
  const missingRequired = REQUIRED_FIELDS.filter((field) => !best.has(field));
  return { columns, ignoredHeaders, missingRequired };
}

/** "Columns found: 'Nom', 'Téléphone'" — what the teacher needs to fix a header row we could not read. */
export function describeHeaders(headerRow: readonly string[]): string {
  const headers = headerRow.map(cleanCell).filter((h) => h !== '');
  if (headers.length === 0) return 'no column headers were found';
  const shown = headers.slice(0, 12).map((h) => `'${h.length > 30 ? `${h.slice(0, 29)}…` : h}'`);
  const more = headers.length > shown.length ? ` and ${headers.length - shown.length} more` : '';
  return `columns found: ${shown.join(', ')}${more}`;
}
