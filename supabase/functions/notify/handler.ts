/**
 * POST /functions/v1/notify — messages to guardians about attendance.
 *
 *   {action: 'session-finalised', sessionId}  a teacher of the class (or an admin) queues the session's messages
 *   {action: 'send-due'}                      the scheduler (service role) or an admin sends what is due, through Twilio
 *   {action: 'session-status', sessionId}     how the session's messages stand, counted by status, as the caller may see them
 *   {action: 'preferences'}                   a parent's children and how they are told about each
 *   {action: 'set-preference', studentId, …}  a parent (or an admin) sets how a guardian is told about a child
 *   {action: 'sign-in-alerts', schoolId}      an admin reads the school's warnings of repeated failed sign-ins (send-due tells them)
 *   POST /notify/twilio-status                Twilio's delivery callback, signed with X-Twilio-Signature
 *   POST /notify/twilio-inbound               a guardian's SMS reply ("1 sick"), signed the same way: an excuse request
 *
 * Who may queue is decided as the caller: the session must be one they may
 * see under row-level security, and they must teach its class or run its
 * school. The queueing itself then runs as the service, because teachers may
 * not read guardians' preferences nor write the queue; it touches only that
 * session's marks and their students' guardians.
 *
 * After that the texts follow the register: a trigger notes each mark of a
 * notified session that changes (whoever changed it), and send-due weighs
 * those marks against what their guardians were told before it sends, so a
 * correction needs no device to ask for it.
 *
 * This file parses, authorises and calls: queueing is queue.ts, sending
 * send.ts, Twilio's calls webhooks.ts, the SQL queries.ts, the decisions
 * logic.ts (see README.md).
 */
import type { Claims } from '../_shared/auth.ts';
import { asCaller } from '../_shared/db.ts';
import { type Outcome, userEndpoint } from '../_shared/endpoint.ts';
import { HttpError } from '../_shared/http.ts';
import { log } from '../_shared/log.ts';
import { recordAudit } from '../_shared/audit.ts';
import { httpErrorFor } from '../_shared/dbErrors.ts';
import { env, publicUrl } from './config.ts';
import { type NotifyRequest, RequestSchema } from './logic.ts';
import { guardianLink, guardianPreferences, notificationCounts, savePreference, sessionToNotify } from './queries.ts';
import { queueSession } from './queue.ts';
import { sendDue } from './send.ts';
import { listSignInAlerts } from './signInAlerts.ts';
import { twilioInbound, twilioStatus } from './webhooks.ts';

const endpoint = userEndpoint({
  name: 'notify',
  rateLimitPerMinute: Number(env('NOTIFY_RATE_LIMIT_PER_MINUTE') ?? 30),
  schema: RequestSchema,
  allowServiceRole: true,
  mapError: httpErrorFor,
  run: async ({ claims, body, req }) => {
    if (body.action === 'session-finalised') return await sessionFinalised(claims, body.sessionId);
    if (body.action === 'session-status') return await sessionStatus(claims, body.sessionId);
    if (body.action === 'preferences') return await preferences(claims);
    if (body.action === 'set-preference') return await setPreference(claims, body);
    if (body.action === 'sign-in-alerts') return await signInAlerts(claims, body.schoolId);
    return { status: 200, payload: await sendDue(claims, body.limit ?? 50, publicUrl(req)) };
  },
});

export async function handler(req: Request): Promise<Response> {
  const { pathname } = new URL(req.url);
  if (pathname.endsWith('/notify/twilio-status')) return await twilioStatus(req);
  if (pathname.endsWith('/notify/twilio-inbound')) return await twilioInbound(req);
  return await endpoint(req);
}

function userOnly(claims: Claims): string {
  if (claims.role !== 'authenticated') throw new HttpError(403, 'forbidden', 'session-finalised is called by a teacher, not a key');
  return claims.sub;
}

async function sessionFinalised(claims: Claims, sessionId: string): Promise<Outcome> {
  const userId = userOnly(claims);
  const session = await asCaller(claims, (tx) => sessionToNotify(tx, sessionId));
  if (!session) throw new HttpError(404, 'not_found', 'sessionId: no such session');
  if (!session.may_notify) throw new HttpError(403, 'forbidden', 'only a teacher of the class or an admin may notify about a session');
  if (!session.finalised_at) throw new HttpError(409, 'conflict', 'sessionId: the session is not finalised yet');
  const outcome = await queueSession(userId, session);
  log.info('notifications queued', { sessionId, userId, ...outcome });
  return { status: 200, payload: outcome };
}

/** Counts by delivery status under the caller's row-level security. */
async function sessionStatus(claims: Claims, sessionId: string): Promise<Outcome> {
  userOnly(claims);
  const counts = await asCaller(claims, (tx) => notificationCounts(tx, sessionId), { readOnly: true });
  return { status: 200, payload: { sessionId, counts } };
}

async function preferences(claims: Claims): Promise<Outcome> {
  userOnly(claims);
  const rows = await asCaller(claims, (tx) => guardianPreferences(tx), { readOnly: true });
  return { status: 200, payload: { preferences: rows } };
}

/** Row-level security decides: the school's admins read its warnings, anyone else an empty list. */
async function signInAlerts(claims: Claims, schoolId: string): Promise<Outcome> {
  userOnly(claims);
  return { status: 200, payload: { alerts: await listSignInAlerts(claims, schoolId) } };
}

async function setPreference(claims: Claims, body: Extract<NotifyRequest, { action: 'set-preference' }>): Promise<Outcome> {
  userOnly(claims);
  return await asCaller(claims, async (tx) => {
    const link = await guardianLink(tx, body.studentId, body.guardianId);
    if (!link) throw new HttpError(404, 'not_found', 'studentId: not a child of yours (or of that guardian)');
    const row = await savePreference(tx, link, body);
    await recordAudit(tx, {
      schoolId: link.school_id,
      action: 'preferences.changed',
      entity: 'guardian_notification_preferences',
      entityId: body.studentId,
      details: { guardianId: link.guardian_id, notifyOn: body.notifyOn, quietHours: body.quietHoursStart !== null },
    });
    return { status: 200, payload: { preference: row } };
  });
}
