import { describe, expect, it } from 'vitest';
import { describeHeaders, headerKey, mapRosterColumns } from './columns';

describe('mapRosterColumns', () => {
  it('matches headers whatever their case, spacing and punctuation', () => {
    const { columns, missingRequired } = mapRosterColumns(['ROLL  NO.', 'student_name', 'Parent-Name', 'Mobile', 'E mail', 'Student Email']);
    expect(missingRequired).toEqual([]);
    expect(columns.rollNo).toEqual({ index: 0, header: 'ROLL NO.' });
    expect(columns.fullName?.index).toBe(1);
    expect(columns.guardianName?.index).toBe(2);
    expect(columns.guardianPhone?.index).toBe(3);
    expect(columns.email?.index).toBe(4);
    expect(columns.studentEmail?.index).toBe(5);
  });

  it('prefers the better alias when two columns could hold one field', () => {
    const { columns, ignoredHeaders } = mapRosterColumns(['ID', 'Name', 'Roll No', 'Phone', 'Guardian Phone']);
    expect(columns.rollNo?.index).toBe(2);
    expect(columns.guardianPhone?.index).toBe(4);
    expect(ignoredHeaders).toEqual(['ID', 'Phone']);
  });

  it('names the missing required columns', () => {
    expect(mapRosterColumns(['Nom', 'Téléphone']).missingRequired).toEqual(['rollNo', 'fullName']);
    expect(mapRosterColumns(['Student', 'Phone']).missingRequired).toEqual(['rollNo']);
  });

  it('treats a "__proto__" or "constructor" header as an unknown column', () => {
    const { columns, ignoredHeaders } = mapRosterColumns(['__proto__', 'constructor', 'hasOwnProperty', 'Roll', 'Name']);
    expect(Object.keys(columns).sort()).toEqual(['fullName', 'rollNo']);
    expect(ignoredHeaders).toEqual(['__proto__', 'constructor', 'hasOwnProperty']);
    expect(Object.getPrototypeOf(columns)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).index).toBeUndefined();
  });

  it('keys headers by letters and digits of any script', () => {
    expect(headerKey(' Roll-No. ')).toBe('rollno');
    expect(headerKey('नाम')).toBe('नाम');
  });

  it('describes the headers it found', () => {
    expect(describeHeaders(['Nom', '', 'Téléphone'])).toBe("columns found: 'Nom', 'Téléphone'");
    expect(describeHeaders(['', ' '])).toBe('no column headers were found');
  });
});
