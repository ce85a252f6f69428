import { describe, expect, it } from 'vitest';
import { formatLocalDateTime } from './formatTime';
import { buildSessionWorkbook } from './sessionSheet';
import { readBack, xlsxPart } from './testing';
import type { SessionSheetInput } from './types';

const startsAt = new Date(2025, 2, 4, 9, 0).toISOString();
const input: SessionSheetInput = {
  className: '7B Science',
  session: { startsAt, takenBy: 'Ms. Rao', facesDetected: 23, finalisedAt: new Date(2025, 2, 4, 9, 40).toISOString() },
  rows: [
    { rollNo: '1', fullName: 'Asha Rao', status: 'present', markedAt: new Date(2025, 2, 4, 9, 2).toISOString(), confidence: 0.934, source: 'auto' },
    { rollNo: '2', fullName: 'Ravi Kumar', status: 'late', markedAt: new Date(2025, 2, 4, 9, 17).toISOString(), confidence: null, source: 'manual' },
    { rollNo: '3', fullName: "=cmd|' /C calc'!A0", status: 'absent', markedAt: null, confidence: null, source: null },
    { rollNo: '4', fullName: 'Chen Li', status: 'excused', markedAt: null, confidence: null, source: 'manual' },
    { rollNo: '5', fullName: 'Dana Levi', status: null, markedAt: null, confidence: null, source: null },
  ],
};

describe('buildSessionWorkbook', () => {
  it('writes the header block and the table', async () => {
    const sheet = await readBack(buildSessionWorkbook(input));
    expect(sheet[0][0]).toBe('Attendance — 7B Science');
    expect(sheet.slice(1, 7).map((row) => row.slice(0, 2))).toEqual([
      ['Date', '2025-03-04'],
      ['Time', '09:00'],
      ['Taken by', 'Ms. Rao'],
      ['Faces detected', 23],
      ['Finalised', 'Yes, 2025-03-04 09:40'],
      ['Students', 'Present 1 · Late 1 · Absent 1 · Excused 1 · Not marked 1'],
    ]);
    expect(sheet[8]).toEqual(['Roll No', 'Name', 'Status', 'Timestamp', 'Confidence', 'Source']);
    expect(sheet[9]).toEqual(['1', 'Asha Rao', 'Present', '2025-03-04 09:02', 0.934, 'Camera']);
    expect(sheet[10]).toEqual(['2', 'Ravi Kumar', 'Late', '2025-03-04 09:17', null, 'Teacher']);
    expect(sheet[13].slice(0, 3)).toEqual(['5', 'Dana Levi', 'Not marked']);
  });

  it('says how each status came about: the camera, a teacher, Finish for a student not seen, or a reviewer', async () => {
    const at = new Date(2025, 2, 4, 9, 40).toISOString();
    const sheet = await readBack(
      buildSessionWorkbook({
        ...input,
        rows: [
          { rollNo: '1', fullName: 'Seen', status: 'present', markedAt: at, confidence: 0.91, source: 'auto', device: 'device-a' },
          { rollNo: '2', fullName: 'Tapped', status: 'late', markedAt: at, confidence: null, source: 'manual', device: 'device-a' },
          { rollNo: '3', fullName: 'Not seen', status: 'absent', markedAt: at, confidence: null, source: 'auto', device: 'device-a' },
          { rollNo: '4', fullName: 'Disputed', status: 'present', markedAt: at, confidence: null, source: 'manual', device: 'server:dispute' },
          { rollNo: '5', fullName: 'Excused', status: 'excused', markedAt: at, confidence: null, source: 'manual', device: 'server:excuse' },
          { rollNo: '6', fullName: 'Reviewed', status: 'present', markedAt: at, confidence: null, source: 'manual', device: 'server' },
        ],
      }),
    );
    expect(sheet.slice(9).map((row) => [row[1], row[5]])).toEqual([
      ['Seen', 'Camera'],
      ['Tapped', 'Teacher'],
      ['Not seen', 'Finish: not seen'],
      ['Disputed', 'Dispute'],
      ['Excused', 'Excuse'],
      ['Reviewed', 'Review'],
    ]);
  });

  it('says when the close of day finished the session, because nobody pressed Finish', async () => {
    const closedAt = new Date(2025, 2, 4, 17, 0).toISOString();
    const sheet = await readBack(buildSessionWorkbook({ ...input, session: { ...input.session, finalisedAt: closedAt, finishedAutomatically: true } }));
    expect(sheet[5].slice(0, 2)).toEqual(['Finalised', 'Yes, automatically at 2025-03-04 17:00 (nobody pressed Finish)']);
  });

  it('keeps a formula-looking name as text', async () => {
    const bytes = buildSessionWorkbook(input);
    expect((await readBack(bytes))[11][1]).toBe("=cmd|' /C calc'!A0");
    expect(xlsxPart(bytes, 'xl/worksheets/sheet1.xml')).not.toContain('<f>');
  });

  it('colours statuses, formats confidence as a percentage and adds filter buttons', () => {
    const bytes = buildSessionWorkbook(input);
    const styles = xlsxPart(bytes, 'xl/styles.xml');
    for (const fill of ['FFC6EFCE', 'FFFFEB9C', 'FFFFC7CE', 'FFE7E6E6', 'FFDDEBF7']) expect(styles).toContain(`rgb="${fill}"`);
    expect(styles).toMatch(/<xf numFmtId="9"[^>]*applyNumberFormat="1"/);
    const sheetXml = xlsxPart(bytes, 'xl/worksheets/sheet1.xml');
    expect(sheetXml).toContain('<autoFilter ref="A9:F14"/>');
    expect(sheetXml).toContain('<mergeCell ref="A1:F1"/>');
    expect(sheetXml).toMatch(/<col min="2" max="2" width="28/);
  });

  it('writes an open session with no students', async () => {
    const sheet = await readBack(buildSessionWorkbook({ ...input, session: { ...input.session, finalisedAt: null }, rows: [] }));
    expect(sheet[5][1]).toBe('No, still open');
    expect(sheet[6][1]).toBe('No students');
    expect(sheet).toHaveLength(9);
  });

  it('uses sortable local timestamps', () => {
    expect(formatLocalDateTime(input.rows[0].markedAt)).toBe('2025-03-04 09:02');
  });
});
