/**
 * What the school's settings may be, said before sending: the limits are the
 * contract's (supabase/functions/_shared/contracts/schoolSettings.ts), which
 * the server's check constraints hold too.
 */
import { SCHOOL_SETTING_LIMITS } from '@contracts/schoolSettings';
import type { SchoolSettings } from '@/db/schools';

export function schoolSettingsProblems(s: SchoolSettings): string[] {
  const problems: string[] = [];
  const { retentionDays: r, confidence: c, lateAfterMinutes: l } = SCHOOL_SETTING_LIMITS;
  if (!Number.isInteger(s.retentionDays) || s.retentionDays < r.min || s.retentionDays > r.max) problems.push(`Keep face data for ${r.min} to ${r.max} days.`);
  for (const [value, what] of [
    [s.autoMarkConfidence, 'Automatic marks'],
    [s.presentSmsConfidence, '“Present” texts'],
  ] as const) {
    if (!Number.isFinite(value) || value < c.min || value > c.max) problems.push(`${what} need a confidence from ${Math.round(c.min * 100)}% to ${Math.round(c.max * 100)}%.`);
  }
  if (!Number.isInteger(s.lateAfterMinutes) || s.lateAfterMinutes < l.min || s.lateAfterMinutes > l.max) problems.push(`Late after ${l.min} to ${l.max} minutes.`);
  return problems;
}
