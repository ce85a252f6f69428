import { describe, expect, it } from 'vitest';
import { SCHOOL_SETTING_DEFAULTS } from '@contracts/schoolSettings';
import { schoolSettingsProblems } from './schoolSettings';

const settings = { ...SCHOOL_SETTING_DEFAULTS };

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
