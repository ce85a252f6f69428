import { describe, expect, it } from 'vitest';
import { readBack } from './export/testing';
import { studentAccessJson, type StudentAccessInput } from './studentAccessExport';
import { buildStudentAccessWorkbook } from './studentAccessWorkbook';

const mark = (over: Partial<StudentAccessInput['marks'][number]>): StudentAccessInput['marks'][number] => ({
  sessionStartsAt: '2026-03-02T08:00:00.000Z',
  takenBy: 'Ms Okafor',
  status: 'present',
  source: 'auto',
  confidence: 0.9,
  markedAt: '2026-03-02T08:01:00.000Z',
  device: 'device-a',
  ...over,
});

const input: StudentAccessInput = {
  exportedAt: '2026-03-10T10:00:00.000Z',
  student: { id: 's1', rollNo: '1', fullName: 'Asha Verma', guardianName: 'Rosa Verma', guardianPhone: '+919812345670', email: '', studentEmail: '', createdAt: '2026-01-05T08:00:00.000Z' },
  className: '7B',
  consents: [],
  photos: [],
  corrections: [],
  models: [],
  marks: [
    mark({}),
    mark({ sessionStartsAt: '2026-03-03T08:00:00.000Z', takenBy: 'Teacher', status: 'late', source: 'manual', confidence: null }),
    mark({ sessionStartsAt: '2026-03-04T08:00:00.000Z', takenBy: '0b6c1a2e-3f4d-4c5b-9a8e-7d6c5b4a3f2e', status: 'absent', source: 'auto', confidence: null }),
    mark({ sessionStartsAt: '2026-03-05T08:00:00.000Z', status: 'excused', source: 'manual', confidence: null, device: 'server:excuse' }),
  ],
  recognitionEvents: [],
  replacedMarks: [],
  pendingChanges: [],
  privacyLog: [],
};

describe('the access request', () => {
  it('says how each mark came about, and who took the session by name', async () => {
    const sheet = await readBack(buildStudentAccessWorkbook(input));
    const header = sheet.findIndex((row) => row[0] === 'Session' && row[1] === 'Taken by');
    expect(sheet.slice(header + 1, header + 5).map((row) => [row[1], row[2], row[3]])).toEqual([
      ['Ms Okafor', 'present', 'Camera'],
      ['Name not recorded', 'late', 'Teacher'],
      ['A teacher at the school', 'absent', 'Finish: not seen'],
      ['Ms Okafor', 'excused', 'Excuse'],
    ]);
  });

  it('gives each mark of the JSON file the same words, beside what is stored', () => {
    const doc = JSON.parse(studentAccessJson(input));
    expect(doc.attendance.marks.map((m: { how: string; source: string }) => [m.source, m.how])).toEqual([
      ['auto', 'Camera'],
      ['manual', 'Teacher'],
      ['auto', 'Finish: not seen'],
      ['manual', 'Excuse'],
    ]);
  });
});
