import { describe, expect, it } from 'vitest';
import { modelVersionsToDelete, retentionDaysProblem, retentionPurges, REVIEW_PHOTO_DAYS, reviewPhotosToDelete, upkeepDue, type FaceDataItem, type StudentStanding } from './retention';

const now = new Date('2026-06-01T00:00:00.000Z');
const item = (id: string, studentId: string, createdAt = '2026-05-01T00:00:00.000Z'): FaceDataItem => ({ table: 'faceSamples', id, studentId, classId: 'c1', createdAt });

describe('retention', () => {
  const standing: Record<string, StudentStanding> = {
    here: { left: false, consent: 'given' },
    gone: { left: true, consent: 'given' },
    withdrawn: { left: false, consent: 'withdrawn' },
    legacy: { left: false, consent: 'none' },
  };
  const look = (id: string) => standing[id];

  it('erases the data of students who left, whose consent was withdrawn, and what is older than the period', () => {
    const decisions = retentionPurges(
      [item('a', 'here'), item('b', 'here', '2025-05-01T00:00:00.000Z'), item('c', 'gone'), item('d', 'withdrawn'), item('e', 'unknown-student')],
      look,
      { retentionDays: 365 },
      now,
    );
    expect(decisions.map((d) => [d.item.id, d.reason])).toEqual([
      ['b', 'expired'],
      ['c', 'student-left'],
      ['d', 'consent-withdrawn'],
      ['e', 'student-left'],
    ]);
  });

  it('keeps face data from before consent records existed, unless it is too old', () => {
    expect(retentionPurges([item('a', 'legacy')], look, { retentionDays: 365 }, now)).toEqual([]);
    expect(retentionPurges([item('a', 'legacy', '2024-01-01T00:00:00.000Z')], look, { retentionDays: 365 }, now).map((d) => d.reason)).toEqual(['expired']);
  });

  it('checks the retention period a school chooses', () => {
    expect(retentionDaysProblem(365)).toBeNull();
    expect(retentionDaysProblem(10)).toMatch(/between 30 and 1095/);
    expect(retentionDaysProblem(2000)).toMatch(/three years/);
    expect(retentionDaysProblem(40.5)).not.toBeNull();
  });
});

describe('model versions to delete with a student', () => {
  const versions = [
    { id: 'v1', scope: 'c1', students: ['asha', 'ben'] },
    { id: 'v2', scope: 'c1', students: ['ben', 'cleo'] },
    { id: 'v3', scope: 'c2', students: null },
    { id: 'v4', scope: 'c1', students: null },
    { id: 'v5', scope: 'school', students: ['asha', 'dev'] },
  ];

  it('every version naming them, and unreadable ones of their class', () => {
    expect(modelVersionsToDelete(versions, new Set(['asha']), new Set(['c1']))).toEqual(['v1', 'v4', 'v5']);
    expect(modelVersionsToDelete(versions, new Set(), new Set(['c1']))).toEqual([]);
  });
});

describe('upkeep', () => {
  it('runs on the first call after the app starts, then once a day', () => {
    expect(upkeepDue('2026-06-01T00:00:00.000Z', new Date('2026-06-01T01:00:00.000Z'), false)).toBe(true);
    expect(upkeepDue('2026-06-01T00:00:00.000Z', new Date('2026-06-01T01:00:00.000Z'), true)).toBe(false);
    expect(upkeepDue('2026-06-01T00:00:00.000Z', new Date('2026-06-02T00:00:00.000Z'), true)).toBe(true);
    expect(upkeepDue(null, now, true)).toBe(true);
  });
});

describe('class photos kept for review', () => {
  const session = (finalisedAt: string | null, deletedAt: string | null = null) => ({ finalisedAt, deletedAt });
  const sessions = new Map([
    ['open', session(null)],
    ['done', session('2026-05-31T09:00:00.000Z')],
    ['deleted', session(null, '2026-05-31T09:00:00.000Z')],
  ]);
  const photo = (id: string, sessionId: string, createdAt = '2026-05-31T08:00:00.000Z') => ({ id, sessionId, createdAt });

  it('go once their session is finished or deleted, or past the review period, whichever comes first', () => {
    const old = new Date(now.getTime() - (REVIEW_PHOTO_DAYS + 1) * 86_400_000).toISOString();
    const photos = [photo('a', 'open'), photo('b', 'done'), photo('c', 'deleted'), photo('d', 'no-such-session'), photo('e', 'open', old)];
    expect(reviewPhotosToDelete(photos, (id) => sessions.get(id), now)).toEqual(['b', 'c', 'd', 'e']);
  });
});
