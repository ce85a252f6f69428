import { describe, expect, it } from 'vitest';
import { deliveryWords, figuresOfClass, inviteAddress, ms, periodStart, schoolSettingsProblems, type SchoolMetrics } from './adminRules';

const settings = { keepFaceCrops: false, syncFaceTemplates: false, retentionDays: 365, autoMarkConfidence: 0.8, presentSmsConfidence: 0.8, lateAfterMinutes: 10 };

describe('schoolSettingsProblems', () => {
  it('accepts the defaults and the limits the server accepts', () => {
    expect(schoolSettingsProblems(settings)).toEqual([]);
    expect(schoolSettingsProblems({ ...settings, retentionDays: 3650, autoMarkConfidence: 0.99, presentSmsConfidence: 0.5, lateAfterMinutes: 0 })).toEqual([]);
  });

  it('names each setting out of range', () => {
    expect(schoolSettingsProblems({ ...settings, retentionDays: 0 })).toEqual(['Keep face data for 1 to 3650 days.']);
    expect(schoolSettingsProblems({ ...settings, retentionDays: 10.5 })).toHaveLength(1);
    expect(schoolSettingsProblems({ ...settings, autoMarkConfidence: 0.3, presentSmsConfidence: 1 })).toEqual([
      'Automatic marks need a confidence from 50% to 99%.',
      '“Present” texts need a confidence from 50% to 99%.',
    ]);
    expect(schoolSettingsProblems({ ...settings, lateAfterMinutes: 241 })).toEqual(['Late after 0 to 240 minutes.']);
    expect(schoolSettingsProblems({ ...settings, autoMarkConfidence: Number.NaN })).toHaveLength(1);
  });
});

describe('inviteAddress', () => {
  it('reads an e-mail address or a phone number in international form', () => {
    expect(inviteAddress(' new.teacher@school.org ')).toEqual({ email: 'new.teacher@school.org' });
    expect(inviteAddress('+44 7700 900123')).toEqual({ phone: '+447700900123' });
    expect(inviteAddress('07700 900123')).toHaveProperty('problem');
    expect(inviteAddress('teacher@')).toEqual({ problem: '"teacher@" is not an e-mail address.' });
    expect(inviteAddress('')).toHaveProperty('problem');
  });
});

describe('figures', () => {
  const d = { queued: 1, sent: 2, delivered: 1, failed: 1, failure_rate: 0.25 };
  const scope = { recognition: { events: 3, timed: 2, p50_ms: 120, p90_ms: 1450, p99_ms: null }, marks: { total: 4, by_source: { auto: 3, manual: 1 }, by_status: {} }, notifications: { all: d, sms: d, email: d } };
  const metrics: SchoolMetrics = { school_id: 's', from: '', to: '', school: scope, classes: [{ ...scope, class_id: 'c1', name: '7B', deleted: false }] };

  it('finds a class', () => {
    expect(figuresOfClass(metrics, 'c1')?.marks.total).toBe(4);
    expect(figuresOfClass(metrics, 'nope')).toBeNull();
    expect(figuresOfClass(null, 'c1')).toBeNull();
  });

  it('words deliveries and times', () => {
    expect(deliveryWords(d)).toBe('4 sent: 1 delivered, 1 failed (25% failed); 1 waiting.');
    expect(deliveryWords({ queued: 0, sent: 0, delivered: 0, failed: 0, failure_rate: null })).toBe('No messages in this period.');
    expect(deliveryWords({ queued: 2, sent: 0, delivered: 0, failed: 0, failure_rate: null })).toBe('2 waiting to be sent.');
    expect(deliveryWords(undefined)).toBe('No figures yet.');
    expect([ms(120), ms(1460), ms(null)]).toEqual(['120 ms', '1.5 s', '–']);
  });

  it('starts a period days before now', () => {
    expect(periodStart(30, new Date('2026-11-22T12:00:00Z'))).toBe('2026-10-23T12:00:00.000Z');
  });
});
