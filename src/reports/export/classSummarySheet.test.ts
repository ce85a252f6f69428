import { describe, expect, it } from 'vitest';
import type { ClassSummary } from '@/attendance/types';
import { buildClassSummaryWorkbook } from './classSummarySheet';
import { readBack, xlsxPart } from './testing';

const at = (day: number, hour = 9) => new Date(2025, 2, day, hour, 0).toISOString();

const summary: ClassSummary = {
  className: '7B Science',
  from: '2025-03-03',
  to: '2025-03-05',
  sessions: [
    { id: 's1', startsAt: at(3) },
    { id: 's2', startsAt: at(4, 9) },
    { id: 's3', startsAt: at(4, 14) },
  ],
  students: [
    { studentId: 'a', rollNo: '1', fullName: 'Asha Rao', statuses: ['present', 'late', 'absent'], present: 1, late: 1, absent: 1, excused: 0, rate: 2 / 3 },
    { studentId: 'b', rollNo: '2', fullName: 'Ravi Kumar', statuses: ['excused', null, 'present'], present: 1, late: 0, absent: 0, excused: 1, rate: 1 },
    { studentId: 'c', rollNo: '3', fullName: 'Chen Li', statuses: [null, null, null], present: 0, late: 0, absent: 0, excused: 0, rate: null },
  ],
};

describe('buildClassSummaryWorkbook', () => {
  it('writes the header rows, one letter per session and the totals', async () => {
    const sheet = await readBack(buildClassSummaryWorkbook(summary));
    expect(sheet[0][0]).toBe('Attendance summary — 7B Science');
    expect(sheet[1].slice(0, 2)).toEqual(['Dates', '2025-03-03 to 2025-03-05']);
    expect(sheet[2].slice(0, 2)).toEqual(['Sessions', 3]);
    expect(sheet[6]).toEqual(['Roll No', 'Name', '2025-03-03', '2025-03-04 09:00', '2025-03-04 14:00', 'Present', 'Late', 'Absent', 'Excused', 'Attendance %']);
    expect(sheet[7]).toEqual(['1', 'Asha Rao', 'P', 'L', 'A', 1, 1, 1, 0, 2 / 3]);
    expect(sheet[8]).toEqual(['2', 'Ravi Kumar', 'E', null, 'P', 1, 0, 0, 1, 1]);
    expect(sheet[9]).toEqual(['3', 'Chen Li', null, null, null, 0, 0, 0, 0, null]);
  });

  it('colours the letters and formats the rate as a percentage', () => {
    const bytes = buildClassSummaryWorkbook(summary);
    const styles = xlsxPart(bytes, 'xl/styles.xml');
    for (const fill of ['FFC6EFCE', 'FFFFEB9C', 'FFFFC7CE', 'FFE7E6E6']) expect(styles).toContain(`rgb="${fill}"`);
    expect(styles).toMatch(/<xf numFmtId="9"[^>]*applyNumberFormat="1"/);
    expect(styles).toContain('textRotation="90"');
    expect(xlsxPart(bytes, 'xl/worksheets/sheet1.xml')).toContain('<autoFilter ref="A7:J10"/>');
  });

  it('writes a range with no sessions', async () => {
    const sheet = await readBack(buildClassSummaryWorkbook({ ...summary, sessions: [], students: [{ ...summary.students[2], statuses: [] }] }));
    expect(sheet[6]).toEqual(['Roll No', 'Name', 'Present', 'Late', 'Absent', 'Excused', 'Attendance %']);
    expect(sheet[7]).toEqual(['3', 'Chen Li', 0, 0, 0, 0, null]);
  });
});
