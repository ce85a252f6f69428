import { describe, expect, it } from 'vitest';
import { heatmap, lateHistogram, rateOverTime, weekdayPattern } from '@/analytics/aggregate';
import { assessRisk } from '@/analytics/risk';
import { historyOf } from '@/analytics/testing';
import { buildAnalyticsWorkbook } from './analyticsWorkbook';
import { readBack, xlsxPart } from './export/testing';

const h = historyOf({ Asha: 'PPAPL' + 'PPPPP', '=Ravi': 'PAAPA' + 'AAPPP' });

const input = {
  scope: '7B Science',
  from: '2025-03-03',
  to: '2025-03-14',
  method: 'Last-4-weeks rate',
  methodReason: 'There is not enough attendance history yet to test a forecast.',
  risks: assessRisk([h]),
  rateOverTime: rateOverTime([h]),
  weekdays: weekdayPattern([h]),
  late: lateHistogram([h]),
  heatmap: heatmap([h]),
};

describe('buildAnalyticsWorkbook', () => {
  it('writes each view as a section, names as text', async () => {
    const sheet = await readBack(buildAnalyticsWorkbook(input));
    const col = sheet.map((r) => r[0]);
    expect(col[0]).toBe('Attendance analytics — 7B Science');
    expect(sheet[1]!.slice(0, 2)).toEqual(['Dates', '2025-03-03 to 2025-03-14']);
    expect(col).toContain('At risk (1)');
    const risk = sheet[col.indexOf('At risk (1)') + 2]!;
    expect(risk.slice(0, 4)).toEqual(['2', '=Ravi', 'Class c1', 0.5]);
    expect(risk[5]).toBe('Attended 5 of 10 school days (50%), under 75%.');
    const overTime = col.indexOf('Attendance over time');
    expect(sheet[overTime + 2]!.slice(0, 3)).toEqual(['2025-03-03', 1, 2]);
    expect(col).toContain('Mon');
    const grid = col.indexOf('Students × school days');
    expect(sheet[grid + 2]!.slice(0, 4)).toEqual(['Student', 'Attendance %', '2025-03-03', '2025-03-04']);
    expect(sheet[grid + 3]!.slice(0, 7)).toEqual(['1 · Asha', 0.9, 'P', 'P', 'A', 'P', 'L']);
    expect(xlsxPart(buildAnalyticsWorkbook(input), 'xl/worksheets/sheet1.xml')).not.toContain('<f>');
  });

  it('says so when nobody is flagged', async () => {
    const sheet = await readBack(buildAnalyticsWorkbook({ ...input, risks: [] }));
    expect(sheet.map((r) => r[0])).toContain('Nobody is flagged.');
  });
});
