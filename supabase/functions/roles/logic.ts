/**
 * The decisions of `roles`, free of I/O: the request shapes, and how a
 * database refusal reads to the caller.
 */
import { z } from 'zod';
import { HttpError } from '../_shared/http.ts';

const ROLES = ['admin', 'teacher', 'student', 'parent'] as const;
const E164 = /^\+[1-9][0-9]{6,14}$/;

export const RequestSchema = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('invite'),
    schoolId: z.guid(),
    role: z.enum(ROLES),
    email: z.email().max(320).optional(),
    phone: z.string().regex(E164, 'expected E.164, like +447700900123').optional(),
    classIds: z.array(z.guid()).max(50).default([]),
    studentIds: z.array(z.guid()).max(50).default([]),
    expiresInDays: z.number().int().min(1).max(60).default(14),
  }).strict().refine((b) => (b.email === undefined) !== (b.phone === undefined), { message: 'give exactly one of email and phone', path: ['email'] }),
  z.object({ action: z.literal('claim') }).strict(),
  z.object({ action: z.literal('link-guardian'), guardianId: z.guid(), studentId: z.guid(), relationship: z.string().trim().min(1).max(40).optional() })
    .strict(),
  z.object({ action: z.literal('assign-teacher'), classId: z.guid(), userId: z.guid() }).strict(),
  z.object({ action: z.literal('list'), schoolId: z.guid() }).strict(),
  z.object({ action: z.literal('metrics'), schoolId: z.guid(), from: z.iso.datetime({ offset: true }).optional(), to: z.iso.datetime({ offset: true }).optional() })
    .strict(),
]);
export type RolesRequest = z.output<typeof RequestSchema>;

/** What an admin sees when they give no period: the 30 days up to now. */
export const DEFAULT_METRICS_DAYS = 30;

/**
 * The period of `metrics`, [from, to): the last DEFAULT_METRICS_DAYS days up
 * to `to` (now by default). A period that ends before it starts is the
 * caller's mistake, named by field.
 */
export function metricsPeriod(from: string | undefined, to: string | undefined, now: Date): { from: string; to: string } {
  const end = to ? new Date(to) : now;
  const start = from ? new Date(from) : new Date(end.getTime() - DEFAULT_METRICS_DAYS * 86_400_000);
  if (start.getTime() > end.getTime()) throw new HttpError(400, 'bad_request', 'from: must not be after to');
  return { from: start.toISOString(), to: end.toISOString() };
}

/** Where an invite goes, for the audit log: the channel and a masked address. */
export function maskAddress(email: string | undefined, phone: string | undefined): string {
  if (phone) return `${phone.slice(0, 3)}${'*'.repeat(Math.max(0, phone.length - 7))}${phone.slice(-4)}`;
  const [local, domain] = (email ?? '').split('@');
  return `${local.slice(0, 1)}***@${domain ?? ''}`;
}

/** Database refusals as HTTP answers; null for errors that are the server's fault. */
export function httpErrorFor(err: unknown): HttpError | null {
  const e = (err ?? {}) as { code?: string; constraint_name?: string };
  switch (e.code) {
    case '42501':
      return new HttpError(403, 'forbidden', 'not allowed');
    case '23503':
      return new HttpError(404, 'not_found', `no such row in this school (${e.constraint_name ?? 'reference'})`);
    case '23505':
      return new HttpError(409, 'conflict', `already exists (${e.constraint_name ?? 'unique'})`);
    case '23514':
      return new HttpError(400, 'bad_request', `check failed: ${e.constraint_name ?? 'check constraint'}`);
    case '22023':
      return new HttpError(400, 'bad_request', 'from: must not be after to');
  }
  return null;
}
