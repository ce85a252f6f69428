import { describe, expect, it } from 'vitest';
import type { ConsentRow } from '@/db/consents';
import { consentProblems, consentStatus, dateInputToIso, isConsentInForce, withdrawalTime, type ConsentInput } from './consent';

const now = new Date('2026-03-10T09:00:00.000Z');
const valid: ConsentInput = { givenByName: 'Rosa Lima', relationship: 'parent', method: 'paper', noticeVersion: '2026-01', givenAt: '2026-03-01T00:00:00.000Z' };

function record(over: Partial<ConsentRow>): ConsentRow {
  return {
    id: crypto.randomUUID(), studentId: 's1', classId: 'c1', givenByName: 'Rosa Lima', relationship: 'parent', method: 'paper', noticeVersion: '1',
    givenAt: '2026-01-01T00:00:00.000Z', withdrawnAt: null, recordedBy: 'Ms K', createdAt: '2026-01-02T00:00:00.000Z', updatedAt: '2026-01-02T00:00:00.000Z', ...over,
  };
}

describe('recording consent', () => {
  it('accepts a written consent with who, how, when and the notice version', () => {
    expect(consentProblems(valid, now)).toEqual([]);
  });

  it('names each thing that is missing or wrong', () => {
    expect(consentProblems({ ...valid, givenByName: ' ' }, now)).toEqual(['Enter the name of the parent or guardian who consented.']);
    expect(consentProblems({ ...valid, noticeVersion: '' }, now)[0]).toMatch(/version of the privacy notice/);
    expect(consentProblems({ ...valid, noticeVersion: 'x'.repeat(51) }, now)[0]).toMatch(/longer than 50/);
    expect(consentProblems({ ...valid, givenAt: '2026-03-11T00:00:00.000Z' }, now)).toEqual(['The date consent was given cannot be in the future.']);
    expect(consentProblems({ ...valid, givenAt: 'soon' }, now)).toEqual(['Enter the date consent was given.']);
    // The school's server takes no consent dated before 2020; the form says so before it is sent.
    expect(consentProblems({ ...valid, givenAt: '2015-06-01T00:00:00.000Z' }, now)).toEqual(['Check the date consent was given: it is before 2020.']);
    expect(consentProblems({ ...valid, givenAt: '2020-01-02T00:00:00.000Z' }, now)).toEqual([]);
  });

  it('refuses spoken consent: face data needs a written release', () => {
    expect(consentProblems({ ...valid, method: 'verbal' }, now)).toEqual(['Face data needs written consent: a signed form, the app, or an email.']);
    expect(isConsentInForce(record({ method: 'verbal' }))).toBe(false);
  });
});

describe('where a student stands', () => {
  it('is none without records, given with one in force, withdrawn after a withdrawal', () => {
    expect(consentStatus([])).toEqual({ state: 'none', current: null });
    const given = record({});
    expect(consentStatus([given])).toEqual({ state: 'given', current: given });
    const withdrawn = { ...given, withdrawnAt: '2026-02-01T00:00:00.000Z' };
    expect(consentStatus([withdrawn])).toEqual({ state: 'withdrawn', current: withdrawn });
  });

  it('a new consent after a withdrawal is in force; a spoken one is not', () => {
    const old = record({ withdrawnAt: '2026-02-01T00:00:00.000Z' });
    const again = record({ givenAt: '2026-02-10T00:00:00.000Z', createdAt: '2026-02-10T00:00:00.000Z' });
    expect(consentStatus([old, again]).current).toBe(again);
    expect(consentStatus([old, record({ method: 'verbal' })]).state).toBe('withdrawn');
    expect(consentStatus([record({ method: 'verbal' })]).state).toBe('none');
  });
});

describe('dates', () => {
  it('a withdrawal is never dated before the consent', () => {
    expect(withdrawalTime({ givenAt: '2026-03-10T10:00:00.000Z' }, now)).toBe('2026-03-10T10:00:00.000Z');
    expect(withdrawalTime({ givenAt: '2026-03-01T00:00:00.000Z' }, now)).toBe(now.toISOString());
  });

  it('reads a date input as local midnight and refuses what is not a date', () => {
    expect(dateInputToIso('2026-03-01')).toBe(new Date(2026, 2, 1).toISOString());
    expect(dateInputToIso('2026-02-30')).toBeNull();
    expect(dateInputToIso('')).toBeNull();
  });
});
