/**
 * The decisions of `notify`, free of I/O: who hears about which mark, the
 * words of the message, quiet hours, the per-student throttle, what a
 * changed mark owes a guardian who was told otherwise, retry timing, how
 * Twilio's answers are read, and the signature on its status callbacks.
 */
import { z } from 'zod';
import { SCHOOL_SETTING_DEFAULTS } from '../_shared/contracts/schoolSettings.ts';

/** "07:00" or "07:00:00", local time. */
const LOCAL_TIME = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$/, 'expected a local time, like 21:00');

export const RequestSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('session-finalised'), sessionId: z.guid() }),
  z.object({ action: z.literal('send-due'), limit: z.number().int().min(1).max(200).optional() }),
  z.object({ action: z.literal('session-status'), sessionId: z.guid() }),
  z.object({ action: z.literal('preferences') }).strict(),
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
/** At most one message per student and recipient in this window. */
export const THROTTLE_MS = 10 * 60_000;
export const MAX_ATTEMPTS = 5;
const RETRY_BASE_MS = 30_000;
const RETRY_CAP_MS = 60 * 60_000;

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

/** "Aarav Shah" → "Aarav": a text to a parent uses the name they call the child. */
export function firstName(fullName: string): string {
  return fullName.trim().split(/\s+/)[0] || fullName.trim();
}

/** "Mon 23 Nov" in the school's time zone. */
export function shortDate(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('weekday')} ${get('day')} ${get('month')}`;
}

/**
 * The message, in plain words. It never carries a photo, a face crop or a
 * link to one: an SMS is not a place for biometric data.
 */
export function messageBody(name: string, status: MarkStatus, className: string, startsAt: Date, timeZone: string): string {
  const base = `Rollcall: ${firstName(name)} was marked ${status} in ${className} on ${shortDate(startsAt, timeZone)}.`;
  return status === 'absent' ? `${base} Reply 1 sick, 2 family, 3 other.` : base;
}

/** Minutes since local midnight in `timeZone`. */
function localMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).formatToParts(at);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
  return hour * 60 + minute;
}

/** "21:00" or "21:00:00" → 1260. */
function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return h * 60 + (m || 0);
}

/**
 * When a message may go out: `now`, or the end of the guardian's quiet
 * hours when `now` falls inside them (a window may wrap midnight). Local
 * times are read in `timeZone`; on a day the clocks change the end can be
 * an hour off, which a parent will forgive.
 */
export function sendableAt(now: Date, quietStart: string | null, quietEnd: string | null, timeZone: string): Date {
  if (!quietStart || !quietEnd) return now;
  const start = minutesOf(quietStart);
  const end = minutesOf(quietEnd);
  if (start === end) return now;
  const local = localMinutes(now, timeZone);
  const inside = start < end ? local >= start && local < end : local >= start || local < end;
  if (!inside) return now;
  const wait = (end - local + 24 * 60) % (24 * 60);
  const at = new Date(now.getTime() + wait * 60_000);
  at.setUTCSeconds(0, 0);
  return at;
}

export function isThrottled(lastAlertAt: Date | null, now: Date, windowMs = THROTTLE_MS): boolean {
  return lastAlertAt !== null && now.getTime() - lastAlertAt.getTime() < windowMs;
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

/**
 * What a correction says. It names the day, not "today": an excuse can be
 * approved, or a dispute accepted, days later. An excused absence takes
 * nothing back (the absence text was right when it went), so it says so
 * without an apology.
 */
export function correctionBody(name: string, status: MarkStatus | null, told: MarkStatus, className: string, startsAt: Date, timeZone: string): string {
  const who = firstName(name);
  const when = `in ${className} on ${shortDate(startsAt, timeZone)}`;
  if (status === 'excused' && told === 'absent') return `Rollcall: ${who}'s absence ${when} is now excused.`;
  if (status === null) return `Rollcall correction: ${who} is no longer marked ${told} ${when}. Sorry for the earlier message.`;
  const base = `Rollcall correction: ${who} was marked ${status} ${when}, not ${told}. Sorry for the earlier message.`;
  return status === 'absent' ? `${base} Reply 1 sick, 2 family, 3 other.` : base;
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
    const earliest = Math.max(
      options.now.getTime(),
      row.lastTextAt ? row.lastTextAt.getTime() + THROTTLE_MS : -Infinity,
      (lastPlanned.get(key) ?? -Infinity) + THROTTLE_MS,
    );
    const nextAttemptAt = sendableAt(new Date(earliest), row.quietStart, row.quietEnd, options.timeZone);
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

/** Exponential backoff with jitter: half the step fixed, half random, capped at an hour. */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const step = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

export type SendResult =
  | { kind: 'sent'; providerId: string }
  | { kind: 'retry'; error: string }
  | { kind: 'rejected'; error: string };

/**
 * Twilio's answer, read: 2xx with a sid is sent; 5xx and 429 are worth
 * another try; any other 4xx (an invalid number, a blocked recipient) will
 * not get better by retrying.
 */
export function readTwilioAnswer(status: number, body: unknown): SendResult {
  const b = (body ?? {}) as { sid?: unknown; code?: unknown; message?: unknown };
  if (status >= 200 && status < 300 && typeof b.sid === 'string') return { kind: 'sent', providerId: b.sid };
  const reason = `twilio ${status}${b.code ? ` ${b.code}` : ''}: ${typeof b.message === 'string' ? b.message : 'no message'}`.slice(0, 500);
  if (status >= 500 || status === 429 || status < 400) return { kind: 'retry', error: reason };
  return { kind: 'rejected', error: reason };
}

/** The next state of a notification after one attempt. */
export function afterAttempt(
  attempts: number,
  result: SendResult,
  now: Date,
  random: () => number = Math.random,
): { status: 'sent' | 'queued' | 'failed'; attempts: number; providerId: string | null; lastError: string | null; nextAttemptAt: Date | null } {
  const tried = attempts + 1;
  if (result.kind === 'sent') return { status: 'sent', attempts: tried, providerId: result.providerId, lastError: null, nextAttemptAt: null };
  if (result.kind === 'rejected' || tried >= MAX_ATTEMPTS) {
    return { status: 'failed', attempts: tried, providerId: null, lastError: result.error, nextAttemptAt: null };
  }
  return { status: 'queued', attempts: tried, providerId: null, lastError: result.error, nextAttemptAt: new Date(now.getTime() + retryDelayMs(tried, random)) };
}

/** Twilio's MessageStatus → ours; null for the in-between states that change nothing here. */
export function statusFromCallback(messageStatus: string | null): 'delivered' | 'failed' | null {
  if (messageStatus === 'delivered') return 'delivered';
  if (messageStatus === 'failed' || messageStatus === 'undelivered') return 'failed';
  return null;
}

/**
 * X-Twilio-Signature: HMAC-SHA1 with the auth token over the full URL
 * followed by each POST parameter's name and value, sorted by name; base64.
 */
export async function twilioSignature(url: string, params: URLSearchParams, authToken: string): Promise<string> {
  const pairs = [...params.entries()].sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const data = url + pairs.map(([k, v]) => k + v).join('');
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', enc.encode(authToken), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, enc.encode(data)));
  let binary = '';
  for (const byte of mac) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Compares without stopping at the first difference, so timing tells nothing. */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

export type ExcuseReason = 'sick' | 'family' | 'other';

const REPLY_CODES: Record<string, ExcuseReason> = { '1': 'sick', '2': 'family', '3': 'other' };
const MAX_EXCUSE_MESSAGE = 480;

/**
 * A guardian's reply to an absence text: "1", "2 at grandma's", "3. bus broke down".
 * The code must come first; what follows it is kept as the message. Null
 * for anything else, which gets the help text.
 */
export function parseExcuseReply(body: string | null): { reason: ExcuseReason; message: string } | null {
  const match = /^\s*([1-3])(?![0-9])[\s.,:;)-]*([\s\S]*)$/.exec(body ?? '');
  if (!match) return null;
  return { reason: REPLY_CODES[match[1]], message: match[2].trim().slice(0, MAX_EXCUSE_MESSAGE) };
}

export const REPLY_HELP = 'Rollcall: to explain an absence, reply 1 sick, 2 family or 3 other, then any words you want the teacher to read.';
export const REPLY_NO_ABSENCE = 'Rollcall: we have sent no absence message to this number, so there is nothing to explain.';

const REASON_WORDS: Record<ExcuseReason, string> = { sick: 'sick', family: 'family', other: 'other reason' };

/** The confirmation a guardian gets back: the child's first name and the day, nothing more. */
export function excuseConfirmation(studentName: string, reason: ExcuseReason, startsAt: Date, timeZone: string): string {
  return `Rollcall: thank you. ${firstName(studentName)}'s absence on ${shortDate(startsAt, timeZone)} (${REASON_WORDS[reason]}) is with the teacher.`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

/** A TwiML answer to an incoming SMS: one reply message. */
export function twimlMessage(text: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Message>${escapeXml(text)}</Message></Response>`;
}
