/**
 * Pure rules of the school admin's screens: what the school's settings may
 * be (the server's own limits, said before sending), invites, and the
 * per-class figures read out of `roles`' metrics answer.
 */
import type { SchoolSettings } from '@/db/schools';

export const SETTING_LIMITS = {
  retentionDays: { min: 1, max: 3650 },
  confidence: { min: 0.5, max: 0.99 },
  lateAfterMinutes: { min: 0, max: 240 },
} as const;

export function schoolSettingsProblems(s: SchoolSettings): string[] {
  const problems: string[] = [];
  const { retentionDays: r, confidence: c, lateAfterMinutes: l } = SETTING_LIMITS;
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

export type InviteRole = 'teacher' | 'parent' | 'student' | 'admin';

export interface InviteInput {
  role: InviteRole;
  /** An e-mail address or a phone number in international form (+44…). */
  address: string;
  classIds: string[];
  studentIds: string[];
}

const E164 = /^\+[1-9]\d{6,14}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The address as the roles function takes it: `{ email }` or `{ phone }`, or the problem with it. */
export function inviteAddress(address: string): { email: string } | { phone: string } | { problem: string } {
  const a = address.trim();
  if (!a) return { problem: 'Enter their e-mail address or mobile number.' };
  if (a.includes('@')) return EMAIL.test(a) ? { email: a } : { problem: `"${a}" is not an e-mail address.` };
  const phone = a.replace(/[\s().-]/g, '');
  return E164.test(phone) ? { phone } : { problem: 'Write the mobile number with its country code, like +44 7700 900123.' };
}

export interface DeliveryFigures {
  queued: number;
  sent: number;
  delivered: number;
  failed: number;
  failure_rate: number | null;
}

export interface ScopeFigures {
  recognition: { events: number; timed: number; p50_ms: number | null; p90_ms: number | null; p99_ms: number | null };
  marks: { total: number; by_source: { auto: number; manual: number }; by_status: Record<string, number> };
  notifications: { all: DeliveryFigures; sms: DeliveryFigures; email: DeliveryFigures };
}

export interface SchoolMetrics {
  school_id: string;
  from: string;
  to: string;
  school: ScopeFigures;
  classes: (ScopeFigures & { class_id: string; name: string; deleted: boolean })[];
}

export function figuresOfClass(metrics: SchoolMetrics | null, classId: string): ScopeFigures | null {
  return metrics?.classes.find((c) => c.class_id === classId) ?? null;
}

/** "1 failed of 4 sent (25%)" style words for a delivery count. */
export function deliveryWords(d: DeliveryFigures | undefined): string {
  if (!d) return 'No figures yet.';
  const tried = d.sent + d.delivered + d.failed;
  if (tried === 0) return d.queued ? `${d.queued} waiting to be sent.` : 'No messages in this period.';
  const rate = d.failure_rate === null ? '' : ` (${(d.failure_rate * 100).toFixed(d.failure_rate < 0.1 ? 1 : 0)}% failed)`;
  return `${tried} sent: ${d.delivered} delivered, ${d.failed} failed${rate}${d.queued ? `; ${d.queued} waiting` : ''}.`;
}

export const ms = (v: number | null | undefined) => (v == null ? '–' : v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);

/** The start of a period of `days` days ending now, for the metrics call. */
export function periodStart(days: number, now: Date): string {
  return new Date(now.getTime() - days * 86_400_000).toISOString();
}
