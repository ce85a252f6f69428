/**
 * The decisions of `privacy`, free of I/O: the request shapes, which
 * consent dates the server believes, how contact details are masked for
 * people who are not admins, and what a full erasure keeps for the
 * school's attendance register.
 */
import { z } from 'zod';
import { HttpError } from '../_shared/http.ts';
import { maskPhone } from '../_shared/log.ts';

export const RequestSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('erase'), studentId: z.guid(), full: z.boolean().default(false) }).strict(),
  z.object({ action: z.literal('purge-expired'), schoolId: z.guid().optional() }).strict(),
  z.object({ action: z.literal('access-request'), studentId: z.guid() }).strict(),
  z.object({ action: z.literal('consent-status'), studentId: z.guid() }).strict(),
  z.object({
    action: z.literal('give-consent'),
    /** The record's id as the device made it, so a retried request records it once. */
    id: z.guid().optional(),
    studentId: z.guid(),
    noticeVersion: z.string().trim().min(1).max(50),
    /** 'app' for a parent in the app (the default); a teacher or admin files 'paper', 'email' or 'verbal'. */
    method: z.enum(['app', 'paper', 'email', 'verbal']).default('app'),
    /** The guardian who consented; for a parent, their own guardian row for that child when left out. */
    guardianId: z.guid().optional(),
    /** When it was given (the date on a paper form); now when left out. */
    givenAt: z.iso.datetime({ offset: true }).optional(),
  }).strict(),
  z.object({ action: z.literal('withdraw-consent'), studentId: z.guid() }).strict(),
]);
export type PrivacyRequest = z.output<typeof RequestSchema>;

/**
 * The bounds of private.client_time() in 20261206000100_client_time_bounds.sql,
 * checked here too so the device hears why before anything is written: a
 * time more than 5 minutes ahead of the server's clock, or before 2020, is
 * a phone's clock (or a typed date) gone wrong.
 */
export const CLOCK_TOLERANCE_MS = 5 * 60_000;
export const EARLIEST_RECORD = '2020-01-01';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const YEAR = 365.25 * DAY;

/** "2 days", "72 years": the units the database's refusals use. */
export function howFarAhead(ms: number): string {
  if (ms >= 2 * YEAR) return `${Math.round(ms / YEAR)} years`;
  if (ms >= 2 * DAY) return `${Math.round(ms / DAY)} days`;
  if (ms >= 2 * HOUR) return `${Math.round(ms / HOUR)} hours`;
  return `${Math.round(ms / MINUTE)} minutes`;
}

/** Why the server does not believe `at` (an ISO time sent as `field`), in the database's words; null when it does. */
export function clientTimeProblem(field: string, at: string, now: Date): string | null {
  const t = Date.parse(at);
  const check = ": check this phone's date and time";
  if (t < Date.parse(`${EARLIEST_RECORD}T00:00:00Z`)) return `${field} is ${new Date(t).toISOString().slice(0, 10)}, before ${EARLIEST_RECORD}${check}`;
  const ahead = t - now.getTime();
  if (ahead > CLOCK_TOLERANCE_MS) return `${field} is ahead of the server's clock by ${howFarAhead(ahead)}${check}`;
  return null;
}

/**
 * The database's own refusal of a client time (SQLSTATE 22008, raised by
 * private.client_time), as the 400 it is: it gets there only when the
 * database's clock and this function's disagree about a time near a bound.
 */
export function clientTimeRefusal(err: unknown): HttpError | null {
  const e = (err ?? {}) as { code?: string; message?: string };
  return e.code === '22008' ? new HttpError(400, 'bad_request', e.message ?? 'a time is out of range') : null;
}

/** The name a fully erased student's row keeps, so the register still adds up. */
export const ERASED_NAME = 'Erased student';

/** A roll number that frees the old one and names nobody. */
export function erasedRollNo(studentId: string): string {
  return `erased-${studentId.slice(0, 8)}`;
}

/** p***@example.org */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

/** A phone number or e-mail address, masked for anyone but an admin. */
export function maskContact(value: string | null, admin: boolean): string | null {
  if (value === null || admin) return value;
  return value.includes('@') ? maskEmail(value) : maskPhone(value);
}

/** Guardians and notifications with their contact details masked for non-admins. */
export function maskGuardian<T extends { phone?: string | null; email?: string | null }>(row: T, admin: boolean): T {
  return { ...row, phone: maskContact(row.phone ?? null, admin), email: maskContact(row.email ?? null, admin) };
}

export function maskNotification<T extends { recipient: string }>(row: T, admin: boolean): T {
  return { ...row, recipient: maskContact(row.recipient, admin)! };
}
