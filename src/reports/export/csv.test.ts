import { describe, expect, it } from 'vitest';
import type { ClassSummary } from '@/attendance/types';
import { classSummaryCsv, csvCell, sessionCsv, toCsv } from './csv';

describe('csvCell', () => {
  it('quotes per RFC 4180', () => {
    expect(csvCell('Rao, Asha')).toBe('"Rao, Asha"');
    expect(csvCell('Asha "Ash" Rao')).toBe('"Asha ""Ash"" Rao"');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell(null)).toBe('');
    expect(csvCell(0.5)).toBe('0.5');
  });

  it.each([
    ['=1+1', "'=1+1"],
    ['+1+1', "'+1+1"],
    ['-1+1', "'-1+1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', '"\'\rcmd"'],
    ["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
    ['=HYPERLINK("http://x","y")', '"\'=HYPERLINK(""http://x"",""y"")"'],
  ])('neutralises a formula: %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it.each([
    [' =1+1', "' =1+1"],
    ['  @SUM(A1)', "'  @SUM(A1)"],
    ['\uFF1D1+1', "'\uFF1D1+1"],
    ['\uFF0B1+1', "'\uFF0B1+1"],
    ['\uFF0D1+1', "'\uFF0D1+1"],
    ['\uFF20SUM(A1)', "'\uFF20SUM(A1)"],
    ['\u0000=1+1', "'\u0000=1+1"],
    ['\u0007=1+1', "'\u0007=1+1"],
    ['\u200B=1+1', "'\u200B=1+1"],
  ])('neutralises a formula behind spaces, control characters or in full-width form: %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it.each([
    ['Ana;=1+1', "Ana;'=1+1"],
    ['Ana; =1+1', "Ana;' =1+1"],
    ["Ana;=cmd|' /C calc'!A0;", "Ana;'=cmd|' /C calc'!A0;"],
    ['Ana\t+1+1', "Ana\t'+1+1"],
    ['Ana,=1+1', '"Ana,\'=1+1"'],
    ['Ana\n@SUM(A1)', '"Ana\n\'@SUM(A1)"'],
    ['=1;=2', "'=1;'=2"],
  ])('neutralises a formula that starts a cell where another program splits: %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it('leaves ordinary text alone, separators and dashes inside it included', () => {
    for (const value of ['Smith-Jones', 'Rao; Asha', 'a = b', 'Present 20 · Late 2', '93%', '2025-03-04 09:02', 'ana@example.in']) {
      expect(csvCell(value)).toBe(/[",\r\n]/.test(value) ? `"${value}"` : value);
    }
  });

  it('writes numbers as numbers, negative ones too: a number cannot be a formula', () => {
    expect(csvCell(-3)).toBe('-3');
    expect(toCsv([['Absent', -5]])).toBe('\uFEFFAbsent,-5\r\n');
  });

  it('keeps a phone number readable, as text', () => {
    expect(csvCell('+44 20 7946 0000')).toBe("'+44 20 7946 0000");
    expect(csvCell('+447911123456')).toBe("'+447911123456");
  });
});

describe('toCsv', () => {
  it('starts with a BOM and ends lines with CRLF', () => {
    expect(toCsv([['a', 'b'], ['c', 'd']])).toBe('\uFEFFa,b\r\nc,d\r\n');
  });
});

describe('sessionCsv', () => {
  it('writes one line per student', () => {
    const csv = sessionCsv({
      className: '7B',
      session: { startsAt: new Date(2025, 2, 4, 9).toISOString(), takenBy: 'Ms. Rao', facesDetected: 2, finalisedAt: null },
      rows: [
        { rollNo: '1', fullName: 'Rao, Asha', status: 'present', markedAt: new Date(2025, 2, 4, 9, 2).toISOString(), confidence: 0.934, source: 'auto' },
        { rollNo: '2', fullName: '=cmd', status: null, markedAt: null, confidence: null, source: null },
        { rollNo: '3', fullName: 'Cleo', status: 'absent', markedAt: new Date(2025, 2, 4, 9, 40).toISOString(), confidence: null, source: 'auto' },
        { rollNo: '4', fullName: 'Dev', status: 'excused', markedAt: new Date(2025, 2, 5, 8).toISOString(), confidence: null, source: 'manual', device: 'server:excuse' },
      ],
    });
    expect(csv.split('\r\n')).toEqual([
      '\uFEFFRoll No,Name,Status,Timestamp,Confidence,Source',
      '1,"Rao, Asha",Present,2025-03-04 09:02,93%,Camera',
      "2,'=cmd,Not marked,,,",
      '3,Cleo,Absent,2025-03-04 09:40,,Finish: not seen',
      '4,Dev,Excused,2025-03-05 08:00,,Excuse',
      '',
    ]);
  });
});

describe('classSummaryCsv', () => {
  it('writes letters per session and the totals', () => {
    const summary: ClassSummary = {
      className: '7B',
      from: '2025-03-03',
      to: '2025-03-04',
      sessions: [
        { id: 's1', startsAt: new Date(2025, 2, 3, 9).toISOString() },
        { id: 's2', startsAt: new Date(2025, 2, 4, 9).toISOString() },
      ],
      students: [
        { studentId: 'a', rollNo: '1', fullName: 'Asha', statuses: ['present', 'late'], present: 1, late: 1, absent: 0, excused: 0, rate: 1 },
        { studentId: 'b', rollNo: '2', fullName: '@Ravi', statuses: ['absent', null], present: 0, late: 0, absent: 1, excused: 0, rate: 0 },
        { studentId: 'c', rollNo: '3', fullName: 'Chen', statuses: [], present: 0, late: 0, absent: 0, excused: 0, rate: null },
      ],
    };
    expect(classSummaryCsv(summary).split('\r\n')).toEqual([
      '\uFEFFRoll No,Name,2025-03-03,2025-03-04,Present,Late,Absent,Excused,Attendance %',
      '1,Asha,P,L,1,1,0,0,100%',
      "2,'@Ravi,A,,0,0,1,0,0%",
      '3,Chen,,,0,0,0,0,',
      '',
    ]);
  });
});
