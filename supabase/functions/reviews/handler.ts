/**
 * POST /functions/v1/reviews — a teacher's answer to what students and
 * guardians say about a mark.
 *
 *   resolve-dispute  accept (the mark is corrected) or reject (with a reason) an open dispute
 *   decide-excuse    approve (the mark becomes 'excused') or reject a guardian's excuse request
 *
 * Both run as the caller, so row-level security decides: a teacher of the
 * mark's class or an admin of its school. The decision is one update of the
 * dispute or request; the database's triggers stamp who and when, correct
 * the mark as a manual mark made now (under the caller's own rights on
 * marks), and write audit_log. A decision is final: deciding again is a 409.
 */
import { asCaller, type Tx } from '../_shared/db.ts';
import { httpErrorFor } from '../_shared/dbErrors.ts';
import { type Outcome, userEndpoint } from '../_shared/endpoint.ts';
import { HttpError } from '../_shared/http.ts';
import { type AttendanceStatus, disputeDecision, RequestSchema, type ReviewsRequest } from './logic.ts';

export const handler = userEndpoint({
  name: 'reviews',
  rateLimitPerMinute: Number(Deno.env.get('REVIEWS_RATE_LIMIT_PER_MINUTE') ?? 60),
  schema: RequestSchema,
  mapError: httpErrorFor,
  run: ({ claims, body }) => asCaller(claims, (tx) => perform(tx, body)),
});

function perform(tx: Tx, body: ReviewsRequest): Promise<Outcome> {
  if (body.action === 'resolve-dispute') return resolveDispute(tx, body);
  return decideExcuse(tx, body);
}

const MARK_COLUMNS = 'id, session_id, student_id, status, source, confidence, marked_at, device, updated_at';

async function markOf(tx: Tx, markId: string) {
  const [mark] = await tx.unsafe(`select ${MARK_COLUMNS} from public.attendance_marks where id = $1`, [markId]);
  return mark ?? null;
}

/** 404 when the caller cannot see the row, 409 when it is already decided, 403 when they may see but not decide it. */
function notDecided(row: Record<string, unknown> | undefined, what: string, open: string): never {
  if (!row) throw new HttpError(404, 'not_found', `${what}: no such ${what === 'disputeId' ? 'dispute' : 'excuse request'}`);
  if (row.status !== open) throw new HttpError(409, 'conflict', `${what}: already ${row.status}`);
  throw new HttpError(403, 'forbidden', 'only a teacher of the class or an admin may decide this');
}

async function resolveDispute(tx: Tx, body: Extract<ReviewsRequest, { action: 'resolve-dispute' }>): Promise<Outcome> {
  const [dispute] = await tx`
    select d.id, d.status::text as status, d.requested_status::text as requested_status,
           public.is_teacher_of(public.class_of_mark(d.mark_id)) or public.is_admin_of(d.school_id) as may_decide
    from public.disputes d where d.id = ${body.disputeId}`;
  if (!dispute || dispute.status !== 'open' || !dispute.may_decide) notDecided(dispute, 'disputeId', 'open');
  const decision = disputeDecision(body.outcome, dispute.requested_status as AttendanceStatus | null, body.correctedStatus, body.resolution);
  if (!decision) throw new HttpError(400, 'bad_request', 'correctedStatus: the dispute asks for no status, so say what the mark becomes');
  const [closed] = await tx`
    update public.disputes
       set status = ${decision.status}, corrected_status = ${decision.correctedStatus}, resolution = ${decision.resolution}
     where id = ${body.disputeId} and status = 'open'
    returning id, mark_id, status::text as status, requested_status::text as requested_status, corrected_status::text as corrected_status,
              resolution, resolved_by, resolved_at, updated_at`;
  if (!closed) throw new HttpError(409, 'conflict', 'disputeId: decided by someone else just now');
  return { status: 200, payload: { dispute: closed, mark: await markOf(tx, closed.mark_id) } };
}

async function decideExcuse(tx: Tx, body: Extract<ReviewsRequest, { action: 'decide-excuse' }>): Promise<Outcome> {
  const [excuse] = await tx`
    select e.id, e.status::text as status,
           public.is_teacher_of(public.class_of_mark(e.mark_id)) or public.is_admin_of(e.school_id) as may_decide
    from public.excuse_requests e where e.id = ${body.excuseId}`;
  if (!excuse || excuse.status !== 'pending' || !excuse.may_decide) notDecided(excuse, 'excuseId', 'pending');
  const [decided] = await tx`
    update public.excuse_requests
       set status = ${body.approve ? 'approved' : 'rejected'}, decision_note = ${body.note ?? null}
     where id = ${body.excuseId} and status = 'pending'
    returning id, mark_id, student_id, reason::text as reason, message, status::text as status, decision_note, decided_by, decided_at, updated_at`;
  if (!decided) throw new HttpError(409, 'conflict', 'excuseId: decided by someone else just now');
  return { status: 200, payload: { excuse: decided, mark: await markOf(tx, decided.mark_id) } };
}
