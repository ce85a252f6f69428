import { describe, expect, it } from 'vitest';
import type { AttendanceStatus } from '@/attendance/types';
import {
  canDispute,
  cropWhereabouts,
  disputeProblems,
  percent,
  preferenceProblems,
  quietHoursWords,
  recordCalendar,
  recordTrend,
  summariseRecord,
} from './studentRecord';

/** Local noon of a date, as a session start (the calendar reads local days). */
const at = (date: string) => new Date(`${date}T09:00:00`).toISOString();
const day = (date: string, status: AttendanceStatus, sessionId = date) => ({ startsAt: at(date), status, sessionId });

describe('summariseRecord', () => {
  it('counts present and late as attended, leaves excused days out of the percentage', () => {
    const s = summariseRecord([{ status: 'present' }, { status: 'late' }, { status: 'absent' }, { status: 'excused' }]);
    expect(s).toEqual({ rate: 2 / 3, counted: 3, present: 1, late: 1, absent: 1, excused: 1 });
    expect(percent(s.rate)).toBe('67%');
  });

  it('has no rate before the first counted day', () => {
    expect(summariseRecord([]).rate).toBeNull();
    expect(summariseRecord([{ status: 'excused' }]).rate).toBeNull();
    expect(percent(null)).toBe('–');
  });
});

describe('recordTrend', () => {
  const dates = Array.from({ length: 20 }, (_, i) => `2026-10-${String(i + 1).padStart(2, '0')}`);

  it('says nothing with too few days', () => {
    expect(recordTrend(dates.slice(0, 12).map((d) => day(d, 'present')))).toBeNull();
  });

  it('compares the last ten counted days with the ten before', () => {
    const worse = dates.map((d, i) => day(d, i < 10 ? 'present' : i % 2 ? 'absent' : 'present'));
    expect(recordTrend(worse)).toEqual({ trend: 'down', recent: 0.5, before: 1 });
    const better = dates.map((d, i) => day(d, i < 10 ? 'absent' : 'present'));
    expect(recordTrend(better)?.trend).toBe('up');
    const same = dates.map((d, i) => day(d, i % 5 === 0 ? 'absent' : 'late'));
    expect(recordTrend(same)?.trend).toBe('steady');
  });

  it('skips excused days rather than counting them', () => {
    const withExcused = [...dates.map((d) => day(d, 'present')), day('2026-10-25', 'excused')];
    expect(recordTrend(withExcused)).toEqual({ trend: 'steady', recent: 1, before: 1 });
  });
});

describe('recordCalendar', () => {
  it('lays out months newest first in Monday-to-Friday weeks, the worst status of a day shown', () => {
    const months = recordCalendar([day('2026-11-20', 'present', 'a'), day('2026-11-20', 'late', 'b'), day('2026-10-05', 'absent', 'c')]);
    expect(months.map((m) => m.month)).toEqual(['2026-11', '2026-10']);
    const nov = months[0]!;
    expect(nov.showWeekend).toBe(false);
    expect(nov.weeks.every((w) => w.length === 5)).toBe(true);
    // 1 November 2026 is a Sunday: the first week shown starts Monday 2 November.
    expect(nov.weeks[0]![0]).toMatchObject({ date: '2026-11-02', day: 2 });
    const friday = nov.weeks.flat().find((c) => c.date === '2026-11-20');
    expect(friday).toMatchObject({ status: 'late', sessionId: 'b' });
    expect(nov.weeks.flat().filter((c) => c.status).length).toBe(1);
  });

  it('shows the weekend in a month with a Saturday session, and pads outside the month', () => {
    const [m] = recordCalendar([day('2026-11-21', 'present')]);
    expect(m!.showWeekend).toBe(true);
    expect(m!.weeks[0]!.length).toBe(7);
    expect(m!.weeks[0]![0]).toMatchObject({ date: '2026-10-26', day: null, status: null });
    expect(m!.weeks.at(-1)!.at(-1)).toMatchObject({ date: '2026-12-06', day: null });
  });
});

describe('disputes', () => {
  it('one open dispute per mark', () => {
    expect(canDispute({ disputes: [] })).toBe(true);
    expect(canDispute({ disputes: [{ status: 'rejected' }] as never })).toBe(true);
    expect(canDispute({ disputes: [{ status: 'open' }] as never })).toBe(false);
  });

  it('needs a reason and a different status', () => {
    expect(disputeProblems({ reason: '  ', requestedStatus: 'present' }, 'late')).toEqual(['Say what is wrong, in a few words.']);
    expect(disputeProblems({ reason: 'I was there', requestedStatus: 'late' }, 'late')).toEqual(['The mark already says late.']);
    expect(disputeProblems({ reason: 'x'.repeat(501), requestedStatus: null }, 'late')[0]).toMatch(/under 500/);
    expect(disputeProblems({ reason: 'I was there', requestedStatus: 'present' }, 'late')).toEqual([]);
  });

  it('says where the face photo is', () => {
    expect(cropWhereabouts(false, 'tablet')).toMatch(/does not keep face photos/);
    expect(cropWhereabouts(true, 'demo-tablet-7b')).toMatch(/only on the device that took attendance \(demo-tablet-7b\)/);
    expect(cropWhereabouts(null, 'x')).toMatch(/not reached this phone/);
  });
});

describe('preferenceProblems', () => {
  it('takes both ends of quiet hours or neither, as HH:MM', () => {
    expect(preferenceProblems({ notifyOn: 'absence', quietHoursStart: null, quietHoursEnd: null })).toEqual([]);
    expect(preferenceProblems({ notifyOn: 'every-mark', quietHoursStart: '21:00', quietHoursEnd: '07:00' })).toEqual([]);
    expect(preferenceProblems({ notifyOn: 'off', quietHoursStart: '21:00', quietHoursEnd: '' })).toEqual(['Give both the start and the end of quiet hours, or neither.']);
    expect(preferenceProblems({ notifyOn: 'absence', quietHoursStart: '25:00', quietHoursEnd: '07:00' })).toEqual(['"25:00" is not a time like 21:00.']);
    expect(preferenceProblems({ notifyOn: 'absence', quietHoursStart: '07:00', quietHoursEnd: '07:00' })).toEqual(['Quiet hours must start and end at different times.']);
    expect(preferenceProblems({ notifyOn: 'sometimes' as never, quietHoursStart: null, quietHoursEnd: null })).toEqual(['Choose when to get a text.']);
  });

  it('words quiet hours, overnight when they wrap', () => {
    expect(quietHoursWords('21:00', '07:00')).toBe('21:00–07:00 (overnight)');
    expect(quietHoursWords('12:00', '13:00')).toBe('12:00–13:00');
    expect(quietHoursWords(null, '07:00')).toBeNull();
  });
});
