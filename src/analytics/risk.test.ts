import { describe, expect, it } from 'vitest';
import { assessRisk, suddenDrop } from './risk';
import { syntheticSchool } from './synthetic';
import { historyOf } from './testing';

describe('assessRisk', () => {
  it('flags low attendance, a run of absences and a forecast, with reasons', () => {
    const h = historyOf({ good: 'PPPPPPPPPP', low: 'PAPAPAPPPP', gone: 'PPPPPPPPPPPPPAAA', fine: 'PPPPPPPPPP' });
    const outlook = { classId: 'c1', studentId: 'good', method: 'forecast' as const, days: [0.5, 0.4, 0.3, 0.3, 0.3].map((chance, i) => ({ date: `2025-03-1${7 + i}`, chance })), expectedAbsences: 1.8 };
    const risks = assessRisk([h], [outlook]);
    const by = Object.fromEntries(risks.map((r) => [r.studentId, r]));
    expect(by.low!.flags.map((f) => f.reason)).toEqual(['Attended 7 of 10 school days (70%), under 75%.']);
    expect(by.gone!.flags.map((f) => f.kind)).toEqual(['streak']);
    expect(by.gone!.flags[0]!.reason).toBe('Absent the last 3 school days in a row.');
    expect(by.good!.flags[0]!.reason).toBe("Trained forecast: likely to miss about 1.8 of next week's 5 school days (36% a day).");
    expect(risks.at(-1)).toMatchObject({ studentId: 'fine', flags: [] });
  });

  it('flags a sudden drop against the student’s own usual attendance, not a dip', () => {
    expect(suddenDrop([...'P'.repeat(30), ...'PAAPAAAPAP'].map((c) => (c === 'P' ? 'present' : 'absent')))?.reason).toBe('Came on 4 of the last 10 school days (40%); usually 100%.');
    expect(suddenDrop([...'P'.repeat(30), ...'PPAPPPPPPP'].map((c) => (c === 'P' ? 'present' : 'absent')))).toBeNull();
    // A student who always came about half the time has not dropped.
    expect(suddenDrop([...'PA'.repeat(15), ...'PAAPAPAPAP'].map((c) => (c === 'P' ? 'present' : 'absent')))).toBeNull();
  });

  it('finds the drifting students of a synthetic school', () => {
    const school = syntheticSchool({ seed: 9, studentsPerClass: 50 });
    const risks = assessRisk(school.histories);
    const flagged = new Set(risks.filter((r) => r.flags.some((f) => f.kind === 'drop' || f.kind === 'low-attendance')).map((r) => r.studentId));
    const lastDay = school.histories[0]!.dates.length;
    const drifting = [...school.truth.values()].filter((t) => t.dropOutFrom !== null && t.dropOutFrom < lastDay - 25);
    expect(drifting.length).toBeGreaterThan(2);
    for (const t of drifting) expect(flagged.has(t.studentId)).toBe(true);
  });
});
