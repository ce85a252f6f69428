/**
 * The decisions of `privacy`, free of I/O: the request shapes, how contact
 * details are masked for people who are not admins, and what a full
 * erasure keeps for the school's attendance register.
 */
import { z } from 'zod';
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
