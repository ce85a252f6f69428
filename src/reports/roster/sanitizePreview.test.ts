import { describe, expect, it } from 'vitest';
import { sanitizePreview } from './sanitizePreview';
import { RosterFileError } from './rosterFileError';
import { validateRoster } from './validateRoster';

const goodRow = (line: number, values: Record<string, unknown> = {}) => ({
  line,
  values: { rollNo: String(line), fullName: `Student ${line}`, guardianName: '', guardianPhone: '+919812345678', email: '', studentEmail: '', ...values },
  errors: [],
  warnings: [],
});

describe('sanitizePreview', () => {
  it('passes a real preview through unchanged', () => {
    const preview = validateRoster(
      [
        ['Roll', 'Name', 'Phone', 'Notes'],
        ['1', 'Asha', '9812345678', ''],
        ['1', 'Ravi', '', ''],
      ],
      { defaultCountry: 'IN' },
    );
    expect(sanitizePreview(structuredClone(preview))).toEqual(preview);
  });

  it('keeps only strings, caps their length and drops unknown keys', () => {
    const result = sanitizePreview({
      columns: { rollNo: { index: 0, header: 'Roll' }, fullName: { index: -1, header: 'Name' }, evil: { index: 2, header: 'x' } },
      ignoredHeaders: ['Notes', 42, { toString: () => 'x' }],
      headerLine: 1,
      rows: [goodRow(2, { fullName: 'y'.repeat(10_000), guardianName: 7, extra: 'ignored' })],
      validCount: 999,
      errorCount: -1,
      fileErrors: [],
      extra: 'ignored',
    });
    expect(result.columns).toEqual({ rollNo: { index: 0, header: 'Roll' } });
    expect(result.ignoredHeaders).toEqual(['Notes']);
    expect(result.rows[0].values.fullName).toHaveLength(200);
    expect(result.rows[0].values.guardianName).toBe('');
    expect(Object.keys(result.rows[0].values)).toEqual(['rollNo', 'fullName', 'guardianName', 'guardianPhone', 'email', 'studentEmail']);
    expect(Object.keys(result)).not.toContain('extra');
    expect([result.validCount, result.errorCount]).toEqual([1, 0]);
  });

  it('checks again what storage relies on', () => {
    const result = sanitizePreview({
      rows: [goodRow(2, { fullName: '' }), goodRow(3, { guardianPhone: '12345' }), goodRow(4, { guardianPhone: '' })],
    });
    expect(result.rows.map((row) => row.errors)).toEqual([['Line 2: roll no and name are required.'], ['Line 3: the phone number could not be checked.'], []]);
    expect([result.validCount, result.errorCount]).toEqual([1, 2]);
  });

  it('reads only own properties', () => {
    const values = Object.create({ rollNo: 'inherited', fullName: 'inherited' }) as Record<string, unknown>;
    const result = sanitizePreview({ rows: [{ line: 2, values, errors: [], warnings: [] }] });
    expect(result.rows[0].values.rollNo).toBe('');
    expect(result.rows[0].errors).toEqual(['Line 2: roll no and name are required.']);
  });

  it.each([null, 'preview', [], { rows: 'x' }, { rows: [null] }, { rows: [{ line: 0 }] }, { rows: [{ line: 1.5 }] }, { rows: new Array(10_001).fill(goodRow(2)) }])(
    'rejects a malformed answer (%#)',
    (input) => {
      expect(() => sanitizePreview(input)).toThrow(RosterFileError);
    },
  );
});
