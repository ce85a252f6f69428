/**
 * The decisions of `reviews`, free of I/O: the request shapes, and what a
 * decision writes to the dispute or excuse request. What it then does to
 * the mark is the database's part (the triggers of
 * 20261123000100_dispute_outcomes.sql and 20261123000200_excuse_requests.sql).
 */
import { z } from 'zod';

const STATUSES = ['present', 'absent', 'late', 'excused'] as const;
export type AttendanceStatus = (typeof STATUSES)[number];

export const RequestSchema = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('resolve-dispute'),
    disputeId: z.guid(),
    outcome: z.enum(['accept', 'reject']),
    /** What the mark becomes on accept; the status the dispute asked for when left out. */
    correctedStatus: z.enum(STATUSES).optional(),
    resolution: z.string().trim().min(1).max(2000).optional(),
  }).strict().refine((b) => b.outcome === 'accept' || b.resolution !== undefined, {
    message: 'a rejection says why',
    path: ['resolution'],
  }).refine((b) => b.outcome === 'accept' || b.correctedStatus === undefined, {
    message: 'only an accepted dispute corrects the mark',
    path: ['correctedStatus'],
  }),
  z.object({
    action: z.literal('decide-excuse'),
    excuseId: z.guid(),
    approve: z.boolean(),
    note: z.string().trim().min(1).max(2000).optional(),
  }).strict(),
]);
export type ReviewsRequest = z.output<typeof RequestSchema>;

export interface DisputeDecision {
  status: 'resolved' | 'rejected';
  correctedStatus: AttendanceStatus | null;
  resolution: string | null;
}

/**
 * The closed dispute's columns. Accepting needs a status to correct the
 * mark to: the resolver's, or the one the dispute asked for; null when
 * neither names one (the caller must then ask for it).
 */
export function disputeDecision(
  outcome: 'accept' | 'reject',
  requested: AttendanceStatus | null,
  corrected: AttendanceStatus | undefined,
  resolution: string | undefined,
): DisputeDecision | null {
  if (outcome === 'reject') return { status: 'rejected', correctedStatus: null, resolution: resolution ?? null };
  const status = corrected ?? requested;
  if (!status) return null;
  return { status: 'resolved', correctedStatus: status, resolution: resolution ?? null };
}
