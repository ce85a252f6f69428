import { describe, expect, it } from 'vitest';
import { statusOnArrival } from './late';

const start = '2026-11-20T08:00:00.000Z';

describe('statusOnArrival', () => {
  it('is present before the cut-off and late after it', () => {
    expect(statusOnArrival(start, '2026-11-20T08:09:59.000Z', 10)).toBe('present');
    expect(statusOnArrival(start, '2026-11-20T08:10:01.000Z', 10)).toBe('late');
  });

  it('counts exactly the cut-off as present', () => {
    expect(statusOnArrival(start, '2026-11-20T08:10:00.000Z', 10)).toBe('present');
  });

  it('counts a sighting before the start as present', () => {
    expect(statusOnArrival(start, '2026-11-20T07:55:00.000Z', 10)).toBe('present');
  });

  it('with a zero cut-off, anything after the start is late', () => {
    expect(statusOnArrival(start, start, 0)).toBe('present');
    expect(statusOnArrival(start, '2026-11-20T08:00:00.001Z', 0)).toBe('late');
  });

  it('compares instants, not clock text, across time zones', () => {
    // 13:35 in India is 08:05 UTC: five minutes after the start.
    expect(statusOnArrival(start, '2026-11-20T13:35:00+05:30', 10)).toBe('present');
    expect(statusOnArrival(start, '2026-11-20T13:45:00+05:30', 10)).toBe('late');
  });

  it('rejects a negative or missing cut-off', () => {
    expect(() => statusOnArrival(start, start, -1)).toThrow(RangeError);
    expect(() => statusOnArrival(start, start, -1)).toThrow(/zero or more minutes/);
    expect(() => statusOnArrival(start, start, Number.NaN)).toThrow(RangeError);
  });

  it('rejects times that are not dates', () => {
    expect(() => statusOnArrival('yesterday', start, 10)).toThrow(/session start/);
    expect(() => statusOnArrival(start, '', 10)).toThrow(/sighting time/);
  });
});
