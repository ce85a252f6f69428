import { describe, expect, it } from 'vitest';
import { formatLocalDate, formatLocalDateTime, formatLocalTime } from './formatTime';
import { percentText, sessionLabels } from './labels';

describe('formatTime', () => {
  const local = new Date(2025, 0, 5, 7, 3);

  it('writes local times year first', () => {
    expect(formatLocalDate(local.toISOString())).toBe('2025-01-05');
    expect(formatLocalTime(local)).toBe('07:03');
    expect(formatLocalDateTime(local.toISOString())).toBe('2025-01-05 07:03');
  });

  it('keeps a date-only string as that calendar day', () => {
    expect(formatLocalDate('2025-03-01')).toBe('2025-03-01');
    expect(formatLocalDateTime('2025-03-01')).toBe('2025-03-01');
  });

  it('gives an empty string for a missing or unreadable time', () => {
    expect(formatLocalDateTime(null)).toBe('');
    expect(formatLocalDate('yesterday')).toBe('');
  });
});

describe('labels', () => {
  it('adds the time only where a date has two sessions', () => {
    const sessions = [new Date(2025, 0, 5, 9), new Date(2025, 0, 6, 9), new Date(2025, 0, 6, 14)].map((d) => ({ startsAt: d.toISOString() }));
    expect(sessionLabels(sessions)).toEqual(['2025-01-05', '2025-01-06 09:00', '2025-01-06 14:00']);
  });

  it('rounds percentages', () => {
    expect([percentText(0.934), percentText(1), percentText(null), percentText(Number.NaN)]).toEqual(['93%', '100%', '', '']);
  });
});
