/**
 * The decisions of `notify`, free of I/O: the request's shape, who hears
 * about which mark at Finish (planMessages), and what a changed mark owes a
 * guardian who was told otherwise (followUpFor, planFollowUps). The words
 * are in messages.ts, the throttle in throttle.ts, quiet hours in
 * quietHours.ts, retries in retries.ts, Twilio in twilio.ts.
 */
import { z } from 'zod';
import { SCHOOL_SETTING_DEFAULTS } from '../_shared/contracts/schoolSettings.ts';
import { correctionBody, messageBody } from './messages.ts';
import { sendableAt } from './quietHours.ts';
import { followUpNotBefore, isThrottled } from './throttle.ts';

/** "07:00" or "07:00:00", local time. */
const LOCAL_TIME = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$/, 'expected a local time, like 21:00');

export const RequestSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('session-finalised'), sessionId: z.guid() }),
  z.object({ action: z.literal('send-due'), limit: z.number().int().min(1).max(200).optional() }),
  z.object({ action: z.literal('session-status'), sessionId: z.guid() }),
  z.object({ action: z.literal('preferences') }).strict(),
  z.object({ action: z.literal('sign-in-alerts'), schoolId: z.guid() }).strict(),
  z.object({
    action: z.literal('set-preference'),
    studentId: z.guid(),
    /** The caller's own guardian row for that child when left out (an admin names one). */
    guardianId: z.guid().optional(),
    notifyOn: z.enum(['absence', 'every-mark', 'off']),
    quietHoursStart: LOCAL_TIME.nullable().default(null),
    quietHoursEnd: LOCAL_TIME.nullable().default(null),
  }).strict().refine((b) => (b.quietHoursStart === null) === (b.quietHoursEnd === null), {
    message: 'give both quietHoursStart and quietHoursEnd, or neither',
    path: ['quietHoursEnd'],
  }),
]);
export type NotifyRequest = z.output<typeof RequestSchema>;

export type NotifyOn = 'absence' | 'every-mark' | 'off';
export type MarkStatus = 'present' | 'absent' | 'late' | 'excused';

/**
 * An automatic "present" below this confidence tells a parent nothing they
 * can trust, so it sends nothing. Each school sets its own
 * (schools.present_sms_confidence); this is only the fallback
 * (NOTIFY_PRESENT_MIN_CONFIDENCE) for a school row that has none.
 */
export const DEFAULT_PRESENT_MIN_CONFIDENCE = SCHOOL_SETTING_DEFAULTS.presentSmsConfidence;

export interface MarkForGuardian {
  studentId: string;
  studentName: string;
  status: MarkStatus;
  source: 'auto' | 'manual';
  confidence: number | null;
  /** The mark was taken back: the student has no mark. */
  cleared: boolean;
  guardianId: string;
  phone: string | null;
  email: string | null;
  notifyOn: NotifyOn;
  quietStart: string | null;
  quietEnd: string | null;
  /** The newest message to this recipient about this student, any session. */
  lastAlertAt: Date | null;
  /** This session already queued a message for this student and recipient. */
  alreadyQueued: boolean;
}

export interface SessionFacts {
  id: string;
  schoolId: string;
  className: string;
  startsAt: Date;
}

/** A text names the mark it tells of, or is a correction of an earlier one. */
export type Template = MarkStatus | 'correction';

export interface QueuedMessage {
  studentId: string;
  channel: 'sms' | 'email';
  recipient: string;
  template: Template;
  /** The mark the text tells of; null for one saying the mark was taken back. */
  markStatus: MarkStatus | null;
  /** Queued because the mark changed after the session's first texts. */
  followUp: boolean;
  body: string;
  nextAttemptAt: Date;
}

export type SkipReason = 'preference' | 'low-confidence' | 'no-contact' | 'throttled' | 'already-queued' | 'no-mark' | 'still-holds';

export interface QueuePlan {
  queue: QueuedMessage[];
  skipped: Partial<Record<SkipReason, number>>;
}

/** Whether a guardian with this preference hears about this mark. */
export function wantsMessage(notifyOn: NotifyOn, status: MarkStatus): boolean {
  if (notifyOn === 'off') return false;
  if (notifyOn === 'every-mark') return true;
  return status === 'absent' || status === 'late';
}

function isLowConfidencePresent(mark: { status: MarkStatus; source: 'auto' | 'manual'; confidence: number | null }, min: number): boolean {
  return mark.status === 'present' && mark.source === 'auto' && (mark.confidence ?? 0) < min;
}

function contactOf(row: { phone: string | null; email: string | null }): { channel: 'sms' | 'email'; recipient: string } | null {
  if (row.phone) return { channel: 'sms', recipient: row.phone };
  if (row.email) return { channel: 'email', recipient: row.email };
  return null;
}

export interface PlanOptions {
  now: Date;
  timeZone: string;
  presentMinConfidence: number;
}

/** What finalising `session` queues, one row per mark and guardian, and why the rest is skipped. */
export function planMessages(session: SessionFacts, rows: readonly MarkForGuardian[], options: PlanOptions): QueuePlan {
  const queue: QueuedMessage[] = [];
  const skipped: QueuePlan['skipped'] = {};
  const skip = (reason: SkipReason) => (skipped[reason] = (skipped[reason] ?? 0) + 1);
  // Recipients given a message in this plan, per student: the throttle holds within one call too.
  const planned = new Set<string>();
  for (const row of rows) {
    if (row.alreadyQueued) {
      skip('already-queued');
      continue;
    }
    // A cleared mark is no mark, and a finalised session's unmarked student is nobody's news.
    if (row.cleared) {
      skip('no-mark');
      continue;
    }
    if (!wantsMessage(row.notifyOn, row.status)) {
      skip('preference');
      continue;
    }
    if (isLowConfidencePresent(row, options.presentMinConfidence)) {
      skip('low-confidence');
      continue;
    }
    const contact = contactOf(row);
    if (!contact) {
      skip('no-contact');
      continue;
    }
    const { channel, recipient } = contact;
    const key = `${row.studentId} ${recipient}`;
    if (planned.has(key) || isThrottled(row.lastAlertAt, options.now)) {
      skip('throttled');
      continue;
    }
    planned.add(key);
    queue.push({
      studentId: row.studentId,
      channel,
      recipient,
      template: row.status,
      markStatus: row.status,
      followUp: false,
      body: messageBody(row.studentName, row.status, session.className, session.startsAt, options.timeZone),
      nextAttemptAt: sendableAt(options.now, row.quietStart, row.quietEnd, options.timeZone),
    });
  }
  return { queue, skipped };
}

/** A mark as it stands in the register. */
export interface StandingMark {
  status: MarkStatus;
  source: 'auto' | 'manual';
  confidence: number | null;
}

/** What a mark that changed after its session's texts owes one guardian. */
export type FollowUp =
  | { kind: 'none'; reason: 'preference' | 'low-confidence' | 'no-mark' | 'still-holds' }
  /** Nothing stands told: the text the mark would have had at Finish. */
  | { kind: 'text'; status: MarkStatus }
  /** What was told no longer holds: the mark now (null: taken back) and what it replaces. */
  | { kind: 'correction'; status: MarkStatus | null; told: MarkStatus };

/**
 * `told`: what the last text that went out about this mark told this
 * guardian (null when none went, or it said the mark was taken back).
 * `mark`: the mark now, null when the student has no standing mark.
 *
 * A guardian told something that no longer holds gets a correction when
 * their preference texts about either end of the change: "absence" was
 * told "absent", so it hears that the child was present after all, but a
 * "present" it heard under "every-mark" turning "excused" is not news it
 * asks for now. A guardian told nothing gets the text the mark now earns,
 * by the same rules as at Finish.
 */
export function followUpFor(told: MarkStatus | null, mark: StandingMark | null, notifyOn: NotifyOn, presentMinConfidence: number): FollowUp {
  if (notifyOn === 'off') return { kind: 'none', reason: 'preference' };
  const now = mark?.status ?? null;
  if (told === null) {
    if (!mark) return { kind: 'none', reason: 'no-mark' };
    if (!wantsMessage(notifyOn, mark.status)) return { kind: 'none', reason: 'preference' };
    if (isLowConfidencePresent(mark, presentMinConfidence)) return { kind: 'none', reason: 'low-confidence' };
    return { kind: 'text', status: mark.status };
  }
  if (told === now) return { kind: 'none', reason: 'still-holds' };
  if (!wantsMessage(notifyOn, told) && !(now !== null && wantsMessage(notifyOn, now))) return { kind: 'none', reason: 'preference' };
  return { kind: 'correction', status: now, told };
}

/** One guardian of a student whose mark changed after the session's texts, as the register and the queue stand. */
export interface FollowUpRow {
  studentId: string;
  studentName: string;
  guardianId: string;
  phone: string | null;
  email: string | null;
  notifyOn: NotifyOn;
  quietStart: string | null;
  quietEnd: string | null;
  mark: StandingMark | null;
  told: MarkStatus | null;
  /** What each text still waiting to go to this recipient about this mark says. */
  pending: (MarkStatus | null)[];
  /**
   * When the last text to this recipient about this student went, or a
   * waiting one about another session will go. This mark's own waiting
   * texts are left out: one that still holds is the follow-up itself, and
   * one that does not will be withdrawn, so neither should hold the next back.
   */
  lastTextAt: Date | null;
}

/**
 * The follow-ups a session's changed marks owe their guardians. Unlike the
 * texts at Finish, one the throttle holds back is not dropped: it is queued
 * for when the window ends (or quiet hours do), because it puts right what
 * the guardian was told. `earlier` are follow-ups planned in the same run
 * for other sessions, so one student's two corrections still go ten
 * minutes apart.
 */
export function planFollowUps(session: SessionFacts, rows: readonly FollowUpRow[], options: PlanOptions, earlier: readonly QueuedMessage[] = []): QueuePlan {
  const queue: QueuedMessage[] = [];
  const skipped: QueuePlan['skipped'] = {};
  const skip = (reason: SkipReason) => (skipped[reason] = (skipped[reason] ?? 0) + 1);
  const lastPlanned = new Map<string, number>();
  for (const m of earlier) {
    const key = `${m.studentId} ${m.recipient}`;
    lastPlanned.set(key, Math.max(lastPlanned.get(key) ?? -Infinity, m.nextAttemptAt.getTime()));
  }
  for (const row of rows) {
    const decision = followUpFor(row.told, row.mark, row.notifyOn, options.presentMinConfidence);
    if (decision.kind === 'none') {
      skip(decision.reason);
      continue;
    }
    const contact = contactOf(row);
    if (!contact) {
      skip('no-contact');
      continue;
    }
    if (row.pending.includes(decision.status)) {
      skip('already-queued');
      continue;
    }
    const key = `${row.studentId} ${contact.recipient}`;
    const earliest = followUpNotBefore(options.now, row.lastTextAt, lastPlanned.get(key) ?? null);
    const nextAttemptAt = sendableAt(earliest, row.quietStart, row.quietEnd, options.timeZone);
    lastPlanned.set(key, nextAttemptAt.getTime());
    queue.push({
      studentId: row.studentId,
      ...contact,
      template: decision.kind === 'text' ? decision.status : 'correction',
      markStatus: decision.status,
      followUp: true,
      body: decision.kind === 'text'
        ? messageBody(row.studentName, decision.status, session.className, session.startsAt, options.timeZone)
        : correctionBody(row.studentName, decision.status, decision.told, session.className, session.startsAt, options.timeZone),
      nextAttemptAt,
    });
  }
  return { queue, skipped };
}

/**
 * A text waiting to go is sent only while the register still says what it
 * says. Otherwise it is withdrawn unsent: it told nobody anything, and the
 * change that overtook it is weighed on its own (a follow-up, if one is owed).
 */
export function stillHolds(says: MarkStatus | null, markNow: MarkStatus | null): boolean {
  return says === markNow;
}
