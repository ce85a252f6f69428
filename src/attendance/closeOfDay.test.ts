import { describe, expect, it } from 'vitest';
import { closeOfDayText, closeTimeOf, closeTimeText, DEFAULT_CLOSE_OF_DAY, finishedAutomatically, finishText, isDueForClose, readCloseOfDay, sessionsDue } from './closeOfDay';

// Local times, as the teacher lives them.
const local = (day: number, hh: number, mm = 0) => new Date(2026, 2, day, hh, mm);
const open = (startsAt: Date, over: Partial<{ finalisedAt: string | null; deletedAt: string | null; device: string }> = {}) => ({
  startsAt: startsAt.toISOString(),
  finalisedAt: null,
  deletedAt: null,
  device: 'phone-a',
  ...over,
});

describe('readCloseOfDay', () => {
  it('is 17:00 until the teacher changes it, and can be turned off', () => {
    expect(readCloseOfDay(undefined)).toBe(DEFAULT_CLOSE_OF_DAY);
    expect(DEFAULT_CLOSE_OF_DAY).toBe('17:00');
    expect(readCloseOfDay('15:30')).toBe('15:30');
    expect(readCloseOfDay(null)).toBeNull();
    expect(readCloseOfDay('off')).toBeNull();
  });

  it('reads a broken value as the default, never as off', () => {
    for (const bad of ['25:00', '7:00', '17:60', 1700, {}, '']) expect(readCloseOfDay(bad)).toBe('17:00');
  });
});

describe('closeTimeOf', () => {
  it('is the close time of the day the session started', () => {
    expect(closeTimeOf(local(4, 9).toISOString(), '17:00')).toEqual(local(4, 17));
    expect(closeTimeOf(local(4, 9).toISOString(), '12:45')).toEqual(local(4, 12, 45));
  });

  it('is the end of that day for a session started at or after the close time', () => {
    expect(closeTimeOf(local(4, 18).toISOString(), '17:00')).toEqual(local(5, 0));
    expect(closeTimeOf(local(4, 17).toISOString(), '17:00')).toEqual(local(5, 0));
  });
});

describe('isDueForClose', () => {
  const morning = open(local(4, 9));

  it('finishes a session left open from an earlier day', () => {
    expect(isDueForClose(morning, local(5, 7, 30), '17:00', 'phone-a')).toBe(true);
    expect(isDueForClose(open(local(1, 9)), local(5, 7, 30), '17:00', 'phone-a')).toBe(true);
  });

  it('finishes today’s session once the close time has passed, not before', () => {
    expect(isDueForClose(morning, local(4, 16, 59), '17:00', 'phone-a')).toBe(false);
    expect(isDueForClose(morning, local(4, 17), '17:00', 'phone-a')).toBe(true);
  });

  it('leaves an evening session started after the close time open until the day is over', () => {
    const evening = open(local(4, 18));
    expect(isDueForClose(evening, local(4, 18, 5), '17:00', 'phone-a')).toBe(false);
    expect(isDueForClose(evening, local(4, 23, 59), '17:00', 'phone-a')).toBe(false);
    expect(isDueForClose(evening, local(5, 0), '17:00', 'phone-a')).toBe(true);
  });

  it('never finishes a session that is finished, deleted, taken on another phone, or when the setting is off', () => {
    const late = local(5, 9);
    expect(isDueForClose(open(local(4, 9), { finalisedAt: local(4, 10).toISOString() }), late, '17:00', 'phone-a')).toBe(false);
    expect(isDueForClose(open(local(4, 9), { deletedAt: local(4, 10).toISOString() }), late, '17:00', 'phone-a')).toBe(false);
    expect(isDueForClose(open(local(4, 9), { device: 'phone-b' }), late, '17:00', 'phone-a')).toBe(false);
    expect(isDueForClose(morning, late, null, 'phone-a')).toBe(false);
    expect(isDueForClose({ ...morning, startsAt: 'not a time' }, late, '17:00', 'phone-a')).toBe(false);
  });

  it('leaves alone a session the teacher reopened after the close of day finished it: finishing it again is theirs', () => {
    const reopened = { ...open(local(4, 9)), autoFinalisedAt: local(4, 17).toISOString() };
    expect(isDueForClose(reopened, local(5, 9), '17:00', 'phone-a')).toBe(false);
  });

  it('picks the due sessions out of a list, in its order', () => {
    const today = open(local(5, 8));
    const yesterday = open(local(4, 9));
    const done = open(local(3, 9), { finalisedAt: local(3, 10).toISOString() });
    expect(sessionsDue([today, yesterday, done], local(5, 9), '17:00', 'phone-a')).toEqual([yesterday]);
  });
});

describe('finishedAutomatically', () => {
  const at = local(4, 17).toISOString();

  it('is true while the session stands as the close of day finished it, however the time is spelled', () => {
    expect(finishedAutomatically({ finalisedAt: at, autoFinalisedAt: at })).toBe(true);
    expect(finishedAutomatically({ finalisedAt: at.replace('Z', '+00:00'), autoFinalisedAt: at })).toBe(true);
  });

  it('is false for a session finished by hand, reopened, or finished again by the teacher', () => {
    expect(finishedAutomatically({ finalisedAt: at })).toBe(false);
    expect(finishedAutomatically({ finalisedAt: null, autoFinalisedAt: at })).toBe(false);
    expect(finishedAutomatically({ finalisedAt: local(5, 8).toISOString(), autoFinalisedAt: at })).toBe(false);
  });
});

describe('finishText', () => {
  it('says how a session stands, with the close time in the form the setting is written', () => {
    const at = local(4, 17).toISOString();
    expect(finishText({ finalisedAt: null })).toBe('in progress');
    expect(finishText({ finalisedAt: local(4, 9, 40).toISOString() })).toBe('finished');
    expect(finishText({ finalisedAt: at, autoFinalisedAt: at })).toBe('finished automatically at 17:00');
    const midnight = local(5, 0).toISOString();
    expect(finishText({ finalisedAt: midnight, autoFinalisedAt: midnight })).toBe('finished automatically at midnight');
    expect(closeTimeText(local(4, 8, 5).toISOString())).toBe('08:05');
    expect(finishText({ finalisedAt: at, autoFinalisedAt: at }, (d) => `${d.getHours() - 12}pm`)).toBe('finished automatically at 5pm');
    expect(closeOfDayText('16:30', (d) => `${d.getHours()}h${d.getMinutes()}`)).toBe('16h30');
  });
});
