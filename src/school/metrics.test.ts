import { describe, expect, it } from 'vitest';
import { deliveryWords, figuresOfClass, ms, periodStart, type SchoolMetrics } from './metrics';

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
