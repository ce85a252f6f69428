import { describe, expect, it } from 'vitest';
import { parseDateRange, parseInstant } from './time';

describe('parseInstant', () => {
  it('reads ISO timestamps with any offset', () => {
    expect(parseInstant('2026-11-20T13:30:00+05:30', 'x')).toBe(Date.UTC(2026, 10, 20, 8, 0));
  });

  it('names what was wrong', () => {
    expect(() => parseInstant('soon', 'The photo time')).toThrow('The photo time is not a date and time: "soon".');
  });
});

describe('parseDateRange', () => {
  it('reads bare dates as whole days on this device’s clock', () => {
    expect(parseDateRange('2026-11-02', '2026-11-04')).toEqual({
      startMs: new Date(2026, 10, 2).getTime(),
      endMs: new Date(2026, 10, 5).getTime(),
    });
  });

  it('takes exact timestamps as given, the end inclusive', () => {
    const from = '2026-11-02T08:00:00.000Z';
    const to = '2026-11-02T09:00:00.000Z';
    expect(parseDateRange(from, to)).toEqual({ startMs: Date.parse(from), endMs: Date.parse(to) + 1 });
  });

  it('rejects impossible dates and reversed ranges', () => {
    expect(() => parseDateRange('2026-13-01', '2026-12-01')).toThrow(/not a calendar date/);
    expect(() => parseDateRange('2026-11-03', '2026-11-02')).toThrow(/before it starts/);
  });
});
