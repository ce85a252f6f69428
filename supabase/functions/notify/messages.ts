/**
 * Every word a guardian reads from Rollcall: the text about a mark, a
 * correction, and the answers to an SMS reply. No text carries a photo, a
 * face crop or a link to one: an SMS is not a place for biometric data.
 */
import type { MarkStatus } from './logic.ts';
import type { ExcuseReason } from './replies.ts';

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

export const REPLY_HELP = 'Rollcall: to explain an absence, reply 1 sick, 2 family or 3 other, then any words you want the teacher to read.';
export const REPLY_NO_ABSENCE = 'Rollcall: we have sent no absence message to this number, so there is nothing to explain.';

const REASON_WORDS: Record<ExcuseReason, string> = { sick: 'sick', family: 'family', other: 'other reason' };

/** The confirmation a guardian gets back: the child's first name and the day, nothing more. */
export function excuseConfirmation(studentName: string, reason: ExcuseReason, startsAt: Date, timeZone: string): string {
  return `Rollcall: thank you. ${firstName(studentName)}'s absence on ${shortDate(startsAt, timeZone)} (${REASON_WORDS[reason]}) is with the teacher.`;
}
