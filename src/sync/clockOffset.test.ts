import { describe, expect, it } from 'vitest';
import { clockOffset, clockWarning, describeDuration, serverTimeOf } from './clockOffset';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

describe('serverTimeOf', () => {
  const dated = (date: string | null, status = 200) => new Response('{}', { status, headers: date ? { date } : {} });

  it('reads the Date header of a successful answer, to the second', () => {
    expect(serverTimeOf({ data: {}, error: null, response: dated('Sun, 06 Dec 2026 20:00:00 GMT') })).toEqual({
      ms: Date.parse('2026-12-06T20:00:00Z'),
      resolutionMs: 1000,
    });
  });

  it("reads it from an HTTP error's response too (supabase-js puts it in error.context)", () => {
    const error = { name: 'FunctionsHttpError', context: dated('Sun, 06 Dec 2026 20:00:00 GMT', 400) };
    expect(serverTimeOf({ data: null, error })?.ms).toBe(Date.parse('2026-12-06T20:00:00Z'));
  });

  it("falls back to the sync function's serverTime when the header can't be read (a browser across origins)", () => {
    expect(serverTimeOf({ data: { serverTime: '2026-12-06T20:00:00.250Z' }, error: null, response: dated(null) })).toEqual({
      ms: Date.parse('2026-12-06T20:00:00.250Z'),
      resolutionMs: 0,
    });
    expect(serverTimeOf({ data: { serverTime: '2026-12-06T20:00:00.250Z' }, error: null })?.resolutionMs).toBe(0);
  });

  it('gives nothing when the answer says nothing about the time', () => {
    expect(serverTimeOf({ data: null, error: new Error('Failed to fetch') })).toBeNull();
    expect(serverTimeOf({ data: { serverTime: 'soon' }, error: null, response: dated('garbage') })).toBeNull();
    expect(serverTimeOf({ data: 'text', error: null })).toBeNull();
  });
});

describe('clockOffset', () => {
  it('compares the server with the middle of the round trip', () => {
    const server = { ms: Date.parse('2026-12-06T20:00:00.000Z'), resolutionMs: 0 };
    const sent = Date.parse('2026-12-08T20:00:00.000Z') - 200;
    expect(clockOffset(server, sent, sent + 400)).toBe(2 * DAY);
  });

  it("counts a Date header's whole second as half a second on", () => {
    const server = { ms: Date.parse('2026-12-06T20:00:00Z'), resolutionMs: 1000 };
    const phone = Date.parse('2026-12-06T20:00:00.500Z');
    expect(clockOffset(server, phone, phone)).toBe(0);
  });

  it('is negative for a phone that is behind', () => {
    const server = { ms: Date.parse('2026-12-06T20:00:00Z'), resolutionMs: 0 };
    expect(clockOffset(server, Date.parse('2026-12-06T17:00:00Z'), Date.parse('2026-12-06T17:00:00Z'))).toBe(-3 * 60 * MINUTE);
  });
});

describe('describeDuration', () => {
  it('uses the largest unit that is at least 2, and says "1 minute" for a single one', () => {
    expect(describeDuration(61_000)).toBe('1 minute');
    expect(describeDuration(-90 * MINUTE)).toBe('90 minutes');
    expect(describeDuration(3 * 60 * MINUTE)).toBe('3 hours');
    expect(describeDuration(47 * 60 * MINUTE)).toBe('47 hours');
    expect(describeDuration(2 * DAY)).toBe('2 days');
    expect(describeDuration(800 * DAY)).toBe('2 years');
  });
});

describe('clockWarning', () => {
  it('says nothing within a minute either way', () => {
    for (const offset of [0, 59_000, 60_000, -60_000, Number.NaN]) expect(clockWarning(offset), String(offset)).toBeNull();
  });

  it('tells the teacher, in plain words, which way the clock is off and what to do', () => {
    expect(clockWarning(2 * DAY)).toEqual({
      short: 'Clock 2 days ahead',
      sentence: "This phone's clock is 2 days ahead of the school's server. Set the date and time in the phone's settings: marks are timed by it.",
    });
    expect(clockWarning(-5 * MINUTE)?.sentence).toBe(
      "This phone's clock is 5 minutes behind the school's server. Set the date and time in the phone's settings: marks are timed by it.",
    );
    expect(clockWarning(61_000)?.short).toBe('Clock 1 minute ahead');
  });
});
