import { describe, expect, it } from 'vitest';
import { attendanceRules, confidenceThreshold, decidedBy, lateCutOff, lateCutOffWords, retentionPeriod } from './policy';

const phone = { autoMarkConfidence: 0.7, retentionDays: 90 };
const school = { autoMarkConfidence: 0.9, lateAfterMinutes: 15, retentionDays: 400 };
const klass = { lateAfterMinutes: 5 };

describe('policy', () => {
  it("follows the school's settings when the phone syncs with one", () => {
    expect(decidedBy({ school })).toBe('school');
    expect(confidenceThreshold({ school, phone })).toBe(0.9);
    expect(retentionPeriod({ school, phone })).toBe(400);
  });

  it("follows the phone's own settings without a school", () => {
    for (const none of [undefined, null]) {
      expect(decidedBy({ school: none })).toBe('phone');
      expect(confidenceThreshold({ school: none, phone })).toBe(0.7);
      expect(retentionPeriod({ school: none, phone })).toBe(90);
    }
  });

  it("takes the school's late cut-off for every class, else the class's own", () => {
    expect(lateCutOff({ school, klass })).toBe(15);
    expect(lateCutOff({ school: { ...school, lateAfterMinutes: 0 }, klass })).toBe(0);
    expect(lateCutOff({ school: null, klass })).toBe(5);
  });

  it('gives the rules a session is marked by', () => {
    expect(attendanceRules({ school, phone, klass })).toEqual({ lateAfterMinutes: 15, autoMarkConfidence: 0.9 });
    expect(attendanceRules({ phone, klass })).toEqual({ lateAfterMinutes: 5, autoMarkConfidence: 0.7 });
  });

  it('says the cut-off and whose setting it is', () => {
    expect(lateCutOffWords(15, 'Hill School')).toBe('Anyone first seen more than 15 minutes after the start is late: Hill School’s setting, the same for every class.');
    expect(lateCutOffWords(1, null)).toBe('Anyone first seen more than 1 minute after the start is late.');
    expect(lateCutOffWords(0, null)).toBe('Anyone first seen after the start is late.');
  });
});
