/**
 * POST /functions/v1/notify — messages to guardians about attendance.
 *
 *   {action: 'session-finalised', sessionId}  a teacher of the class (or an admin) queues the session's messages
 *   {action: 'send-due'}                      the scheduler (service role) or an admin sends what is due, through Twilio
 *   {action: 'session-status', sessionId}     how the session's messages stand, counted by status, as the caller may see them
 *   {action: 'preferences'}                   a parent's children and how they are told about each
 *   {action: 'set-preference', studentId, …}  a parent (or an admin) sets how a guardian is told about a child
 *   POST /notify/twilio-status                Twilio's delivery callback, signed with X-Twilio-Signature
 *   POST /notify/twilio-inbound               a guardian's SMS reply ("1 sick"), signed the same way: an excuse request
 *
 * Who may queue is decided as the caller: the session must be one they may
 * see under row-level security, and they must teach its class or run its
 * school. The queueing itself then runs as the service, because teachers may
 * not read guardians' preferences nor write the queue; it touches only that
 * session's marks and their students' guardians.
 */
import type { Claims } from '../_shared/auth.ts';
import { preflight } from '../_shared/cors.ts';
import { asCaller, asService, type Tx } from '../_shared/db.ts';
import { type Outcome, userEndpoint } from '../_shared/endpoint.ts';
import { errorResponse, HttpError, requireMethod } from '../_shared/http.ts';
import { log, maskPhone } from '../_shared/log.ts';
import { recordAudit } from '../_shared/audit.ts';
import { httpErrorFor } from '../_shared/dbErrors.ts';
import {
  afterAttempt,
  constantTimeEqual,
  DEFAULT_PRESENT_MIN_CONFIDENCE,
  excuseConfirmation,
  type MarkForGuardian,
  type NotifyRequest,
  parseExcuseReply,
  planMessages,
  readTwilioAnswer,
  REPLY_HELP,
  REPLY_NO_ABSENCE,
  RequestSchema,
  type SendResult,
  statusFromCallback,
  twilioSignature,
  twimlMessage,
} from './logic.ts';

const env = (name: string): string | undefined => Deno.env.get(name) || undefined;
const TIME_ZONE = env('NOTIFY_TIME_ZONE') ?? 'UTC';
const PRESENT_MIN_CONFIDENCE = Number(env('NOTIFY_PRESENT_MIN_CONFIDENCE') ?? DEFAULT_PRESENT_MIN_CONFIDENCE);

const endpoint = userEndpoint({
  name: 'notify',
  rateLimitPerMinute: Number(env('NOTIFY_RATE_LIMIT_PER_MINUTE') ?? 30),
  schema: RequestSchema,
  allowServiceRole: true,
  mapError: httpErrorFor,
  run: ({ claims, body, req }) => {
    if (body.action === 'session-finalised') return sessionFinalised(claims, body.sessionId);
    if (body.action === 'session-status') return sessionStatus(claims, body.sessionId);
    if (body.action === 'preferences') return preferences(claims);
    if (body.action === 'set-preference') return setPreference(claims, body);
    return sendDue(claims, body.limit ?? 50, publicUrl(req));
  },
});

export async function handler(req: Request): Promise<Response> {
  const { pathname } = new URL(req.url);
  if (pathname.endsWith('/notify/twilio-status')) return await twilioStatus(req);
  if (pathname.endsWith('/notify/twilio-inbound')) return await twilioInbound(req);
  return await endpoint(req);
}

/**
 * The function's public address (Twilio signs the URL it called, and the
 * function sits behind the gateway's proxy): NOTIFY_PUBLIC_URL, e.g.
 * https://<ref>.supabase.co/functions/v1/notify; locally, the URL it was called on.
 */
function publicUrl(req: Request): string {
  const configured = env('NOTIFY_PUBLIC_URL');
  if (configured) return configured.replace(/\/$/, '');
  const url = new URL(req.url);
  return `${url.origin}${url.pathname.replace(/\/twilio-(status|inbound)$/, '').replace(/\/$/, '')}`;
}

function userOnly(claims: Claims): string {
  if (claims.role !== 'authenticated') throw new HttpError(403, 'forbidden', 'session-finalised is called by a teacher, not a key');
  return claims.sub;
}

async function sessionFinalised(claims: Claims, sessionId: string): Promise<Outcome> {
  const userId = userOnly(claims);
  const session = await asCaller(claims, async (tx) => {
    const [s] = await tx`
      select s.id, s.school_id, s.starts_at, s.finalised_at, c.name as class_name, sc.present_sms_confidence,
             public.is_teacher_of(s.class_id) or public.is_admin_of(s.school_id) as may_notify
      from public.sessions s join public.classes c on c.id = s.class_id
      left join public.schools sc on sc.id = s.school_id
      where s.id = ${sessionId} and s.deleted_at is null`;
    return s;
  });
  if (!session) throw new HttpError(404, 'not_found', 'sessionId: no such session');
  if (!session.may_notify) throw new HttpError(403, 'forbidden', 'only a teacher of the class or an admin may notify about a session');
  if (!session.finalised_at) throw new HttpError(409, 'conflict', 'sessionId: the session is not finalised yet');

  const facts = {
    id: session.id as string,
    schoolId: session.school_id as string,
    className: session.class_name as string,
    startsAt: new Date(session.starts_at),
  };
  const outcome = await asService(async (tx) => {
    // One queueing per school at a time, so two sessions finalised together still see each other's messages.
    await tx`select pg_advisory_xact_lock(hashtext(${'notify:' + facts.schoolId}))`;
    const [{ now }] = await tx`select now() as now`;
    const rows = await marksForGuardians(tx, facts.id);
    const presentMinConfidence = session.present_sms_confidence == null ? PRESENT_MIN_CONFIDENCE : Number(session.present_sms_confidence);
    const plan = planMessages(facts, rows, { now: new Date(now), timeZone: TIME_ZONE, presentMinConfidence });
    let queued = 0;
    for (const m of plan.queue) {
      const inserted = await tx`
        insert into public.notifications (school_id, session_id, student_id, channel, recipient, template, body, next_attempt_at)
        values (${facts.schoolId}, ${facts.id}, ${m.studentId}, ${m.channel}, ${m.recipient}, ${m.template}, ${m.body}, ${m.nextAttemptAt})
        on conflict (session_id, student_id, recipient) where session_id is not null do nothing
        returning id`;
      queued += inserted.length;
    }
    await tx`
      insert into public.audit_log (school_id, actor, action, entity, entity_id, details)
      values (${facts.schoolId}, ${userId}, 'notify.queued', 'sessions', ${facts.id}, ${tx.json({ queued, skipped: plan.skipped })})`;
    return { queued, skipped: plan.skipped };
  });
  log.info('notifications queued', { sessionId, userId, ...outcome });
  return { status: 200, payload: outcome };
}

/** Counts by delivery status (queued, sending, sent, delivered, failed…) under the caller's row-level security. */
async function sessionStatus(claims: Claims, sessionId: string): Promise<Outcome> {
  userOnly(claims);
  const rows = await asCaller(
    claims,
    (tx) => tx`select status, count(*)::int as n from public.notifications where session_id = ${sessionId} group by status`,
    { readOnly: true },
  );
  const counts: Record<string, number> = {};
  for (const r of rows) counts[r.status as string] = r.n as number;
  return { status: 200, payload: { sessionId, counts } };
}

/**
 * Every (guardian, child) link of the caller's own guardian rows, with the
 * preference in force: the stored one, or the default (absence, no quiet hours).
 */
async function preferences(claims: Claims): Promise<Outcome> {
  userOnly(claims);
  const rows = await asCaller(
    claims,
    (tx) =>
      tx`
        select sg.guardian_id as "guardianId", sg.student_id as "studentId", st.full_name as "studentName",
               coalesce(p.notify_on::text, 'absence') as "notifyOn",
               to_char(p.quiet_hours_start, 'HH24:MI') as "quietHoursStart", to_char(p.quiet_hours_end, 'HH24:MI') as "quietHoursEnd",
               p.updated_at as "updatedAt"
        from public.student_guardians sg
        join public.students st on st.id = sg.student_id and st.deleted_at is null
        left join public.guardian_notification_preferences p on p.guardian_id = sg.guardian_id and p.student_id = sg.student_id
        where public.is_guardian(sg.guardian_id)
        order by st.full_name, sg.guardian_id`,
    { readOnly: true },
  );
  return { status: 200, payload: { preferences: rows } };
}

async function setPreference(claims: Claims, body: Extract<NotifyRequest, { action: 'set-preference' }>): Promise<Outcome> {
  userOnly(claims);
  return await asCaller(claims, async (tx) => {
    // The link names the school; without a guardian id, the caller's own guardian row for that child.
    const [link] = body.guardianId
      ? await tx`select guardian_id, school_id from public.student_guardians where student_id = ${body.studentId} and guardian_id = ${body.guardianId}`
      : await tx`select guardian_id, school_id from public.student_guardians
                 where student_id = ${body.studentId} and public.is_guardian(guardian_id) order by guardian_id limit 1`;
    if (!link) throw new HttpError(404, 'not_found', 'studentId: not a child of yours (or of that guardian)');
    const [row] = await tx`
      insert into public.guardian_notification_preferences (guardian_id, student_id, school_id, notify_on, quiet_hours_start, quiet_hours_end)
      values (${link.guardian_id}, ${body.studentId}, ${link.school_id}, ${body.notifyOn}, ${body.quietHoursStart}::time, ${body.quietHoursEnd}::time)
      on conflict (guardian_id, student_id) do update
        set notify_on = excluded.notify_on, quiet_hours_start = excluded.quiet_hours_start, quiet_hours_end = excluded.quiet_hours_end
      returning guardian_id as "guardianId", student_id as "studentId", notify_on::text as "notifyOn",
                to_char(quiet_hours_start, 'HH24:MI') as "quietHoursStart", to_char(quiet_hours_end, 'HH24:MI') as "quietHoursEnd",
                updated_at as "updatedAt"`;
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

async function marksForGuardians(tx: Tx, sessionId: string): Promise<MarkForGuardian[]> {
  const rows = await tx`
    select m.student_id, st.full_name, m.status::text as status, m.source::text as source, m.confidence,
           g.id as guardian_id, g.phone, g.email::text as email,
           coalesce(p.notify_on::text, 'absence') as notify_on,
           p.quiet_hours_start::text as quiet_start, p.quiet_hours_end::text as quiet_end,
           (select max(n.created_at) from public.notifications n
             where n.student_id = m.student_id and n.recipient = coalesce(g.phone, g.email::text)) as last_alert_at,
           exists (select 1 from public.notifications n
             where n.session_id = m.session_id and n.student_id = m.student_id
               and n.recipient = coalesce(g.phone, g.email::text)) as already_queued
    from public.attendance_marks m
    join public.students st on st.id = m.student_id and st.deleted_at is null
    join public.student_guardians sg on sg.student_id = m.student_id
    join public.guardians g on g.id = sg.guardian_id and g.deleted_at is null
    left join public.guardian_notification_preferences p on p.guardian_id = g.id and p.student_id = m.student_id
    where m.session_id = ${sessionId}
    order by st.full_name, g.id`;
  return rows.map((r) => ({
    studentId: r.student_id,
    studentName: r.full_name,
    status: r.status,
    source: r.source,
    confidence: r.confidence === null ? null : Number(r.confidence),
    guardianId: r.guardian_id,
    phone: r.phone,
    email: r.email,
    notifyOn: r.notify_on,
    quietStart: r.quiet_start,
    quietEnd: r.quiet_end,
    lastAlertAt: r.last_alert_at ? new Date(r.last_alert_at) : null,
    alreadyQueued: r.already_queued,
  }));
}

/** The schools whose queue this caller may send: all for the service role, an admin's own otherwise. */
async function sendableSchools(claims: Claims): Promise<string[] | null> {
  if (claims.role === 'service_role') return null;
  const rows = await asCaller(claims, (tx) => tx`select school_id from public.memberships where user_id = ${claims.sub} and role = 'admin'`);
  if (rows.length === 0) throw new HttpError(403, 'forbidden', 'send-due is for the scheduler or a school admin');
  return rows.map((r) => r.school_id as string);
}

const mailConfigured = () => Boolean(env('MAIL_API_URL') && env('MAIL_API_KEY'));

async function sendDue(claims: Claims, limit: number, baseUrl: string): Promise<Outcome> {
  const schools = await sendableSchools(claims);
  // Claimed for five minutes before sending, so a second sender running at the same time skips them.
  const due = await asService((tx) =>
    tx`
      update public.notifications n set next_attempt_at = now() + interval '5 minutes'
      where n.id in (
        select q.id from public.notifications q
        where q.status = 'queued' and q.body is not null
          and coalesce(q.next_attempt_at, q.created_at) <= now()
          and (q.channel = 'sms' or ${mailConfigured()})
          and (${schools === null} or q.school_id = any (${schools ?? []}::uuid[]))
        order by coalesce(q.next_attempt_at, q.created_at)
        limit ${limit}
        for update skip locked)
      returning n.id, n.school_id, n.channel::text as channel, n.recipient, n.body, n.attempts`
  );

  const counts: Record<string, Record<string, number>> = {};
  const results: { id: string; status: string }[] = [];
  for (const n of due) {
    const result = n.channel === 'sms' ? await sendSms(n.recipient, n.body, `${baseUrl}/twilio-status`) : await sendEmail(n.recipient, n.body);
    const next = afterAttempt(n.attempts, result, new Date());
    await asService((tx) =>
      tx`
        update public.notifications set status = ${next.status}, attempts = ${next.attempts}, provider_id = ${next.providerId},
          last_error = ${next.lastError}, next_attempt_at = ${next.nextAttemptAt}
        where id = ${n.id}`
    );
    const outcome = next.status === 'queued' ? 'retrying' : next.status;
    results.push({ id: n.id, status: outcome });
    const perSchool = (counts[n.school_id] ??= {});
    perSchool[outcome] = (perSchool[outcome] ?? 0) + 1;
    log.info('notification attempt', {
      id: n.id,
      channel: n.channel,
      to: n.channel === 'sms' ? maskPhone(n.recipient) : '[email]',
      outcome,
      error: next.lastError,
    });
  }

  const actor = claims.role === 'service_role' ? null : claims.sub;
  if (Object.keys(counts).length > 0) {
    await asService(async (tx) => {
      for (const [schoolId, details] of Object.entries(counts)) {
        await tx`
          insert into public.audit_log (school_id, actor, action, entity, details)
          values (${schoolId}, ${actor}, 'notify.sent', 'notifications', ${tx.json(details)})`;
      }
    });
  }
  const total = (status: string) => results.filter((r) => r.status === status).length;
  return { status: 200, payload: { sent: total('sent'), retrying: total('retrying'), failed: total('failed'), results } };
}

async function sendSms(to: string, body: string, statusCallback: string): Promise<SendResult> {
  const sid = env('TWILIO_ACCOUNT_SID');
  const token = env('TWILIO_AUTH_TOKEN');
  const from = env('TWILIO_FROM');
  if (!sid || !token || !from) return { kind: 'retry', error: 'TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN or TWILIO_FROM is not set' };
  const base = (env('TWILIO_API_BASE') ?? 'https://api.twilio.com').replace(/\/$/, '');
  try {
    const res = await fetch(`${base}/2010-04-01/Accounts/${sid}/Messages.json`, {
      method: 'POST',
      headers: { Authorization: `Basic ${btoa(`${sid}:${token}`)}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ To: to, From: from, Body: body, StatusCallback: statusCallback }),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = { message: text.slice(0, 200) };
    }
    return readTwilioAnswer(res.status, parsed);
  } catch (err) {
    return { kind: 'retry', error: `network: ${err instanceof Error ? err.message : String(err)}`.slice(0, 500) };
  }
}

/** A plain JSON mail API ({to, subject, text}, Bearer key), for guardians with an e-mail and no phone. */
async function sendEmail(to: string, text: string): Promise<SendResult> {
  const url = env('MAIL_API_URL');
  const key = env('MAIL_API_KEY');
  if (!url || !key) return { kind: 'retry', error: 'MAIL_API_URL or MAIL_API_KEY is not set' };
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ to, subject: 'Rollcall attendance', text }),
      signal: AbortSignal.timeout(10_000),
    });
    const answer = await res.json().catch(() => ({}));
    const id = (answer as { id?: unknown }).id;
    if (res.ok) return { kind: 'sent', providerId: typeof id === 'string' ? id : `mail-${crypto.randomUUID()}` };
    const error = `mail ${res.status}`;
    return res.status >= 500 || res.status === 429 ? { kind: 'retry', error } : { kind: 'rejected', error };
  } catch (err) {
    return { kind: 'retry', error: `network: ${err instanceof Error ? err.message : String(err)}`.slice(0, 500) };
  }
}

const MAX_CALLBACK_BYTES = 64 * 1024;

/**
 * The form parameters of a request Twilio made to `route`, once its
 * X-Twilio-Signature proves it came from Twilio (403 otherwise).
 */
async function signedTwilioForm(req: Request, route: 'twilio-status' | 'twilio-inbound'): Promise<URLSearchParams> {
  requireMethod(req, 'POST');
  const token = env('TWILIO_AUTH_TOKEN');
  if (!token) throw new HttpError(503, 'unavailable', 'TWILIO_AUTH_TOKEN is not set');
  const text = await req.text();
  if (text.length > MAX_CALLBACK_BYTES) throw new HttpError(413, 'too_large', 'body: too large');
  const params = new URLSearchParams(text);
  const url = `${publicUrl(req)}/${route}${new URL(req.url).search}`;
  const expected = await twilioSignature(url, params, token);
  if (!constantTimeEqual(req.headers.get('X-Twilio-Signature') ?? '', expected)) {
    log.warn('twilio request with a bad signature', { url });
    throw new HttpError(403, 'forbidden', 'bad signature');
  }
  return params;
}

/** Twilio's status callback: no JWT, but a signature only Twilio and we can make. */
async function twilioStatus(req: Request): Promise<Response> {
  const early = preflight(req);
  if (early) return early;
  try {
    const params = await signedTwilioForm(req, 'twilio-status');
    const sid = params.get('MessageSid') ?? params.get('SmsSid');
    const status = statusFromCallback(params.get('MessageStatus') ?? params.get('SmsStatus'));
    if (sid && status) {
      const error = status === 'failed' ? `twilio ${params.get('MessageStatus')}${params.get('ErrorCode') ? ` ${params.get('ErrorCode')}` : ''}` : null;
      // Only forward: a late "failed" never undoes "delivered".
      const updated = await asService((tx) =>
        tx`
          update public.notifications set status = ${status}, last_error = coalesce(${error}, last_error)
          where provider_id = ${sid} and status in ('sent', 'queued')
          returning id`
      );
      log.info('twilio status', { sid, status, updated: updated.length });
    }
    return new Response(null, { status: 204 });
  } catch (err) {
    return errorResponse(err, { fn: 'notify', route: 'twilio-status' });
  }
}

function twiml(text: string): Response {
  return new Response(twimlMessage(text), { status: 200, headers: { 'Content-Type': 'text/xml; charset=utf-8' } });
}

/**
 * A guardian's reply to an absence text. The number it came from is the
 * only proof of who sent it, so it is matched to the latest absence message
 * sent to that number (any school): the reply excuses that mark. A reply
 * that is not a code gets the help text; a number that was sent no absence
 * message is told so, and nothing is recorded. Recorded as the service,
 * because the sender has no account here.
 */
async function twilioInbound(req: Request): Promise<Response> {
  const early = preflight(req);
  if (early) return early;
  try {
    const params = await signedTwilioForm(req, 'twilio-inbound');
    const from = params.get('From') ?? '';
    const reply = parseExcuseReply(params.get('Body'));
    if (!reply) {
      log.info('sms reply without a code', { from });
      return twiml(REPLY_HELP);
    }
    const recorded = await asService(async (tx) => {
      const [absence] = await tx`
        select n.id as notification_id, n.school_id, n.student_id, m.id as mark_id, st.full_name, se.starts_at,
               (select g.id from public.guardians g join public.student_guardians sg on sg.guardian_id = g.id
                 where sg.student_id = n.student_id and g.phone = n.recipient and g.deleted_at is null
                 order by g.created_at limit 1) as guardian_id
        from public.notifications n
        join public.sessions se on se.id = n.session_id
        join public.attendance_marks m on m.session_id = n.session_id and m.student_id = n.student_id
        join public.students st on st.id = n.student_id and st.deleted_at is null
        where n.channel = 'sms' and n.recipient = ${from} and n.template = 'absent' and n.status in ('sent', 'delivered')
        order by n.created_at desc
        limit 1`;
      if (!absence) return null;
      const [excuse] = await tx`
        insert into public.excuse_requests (school_id, mark_id, student_id, guardian_id, notification_id, reason, message)
        values (${absence.school_id}, ${absence.mark_id}, ${absence.student_id}, ${absence.guardian_id}, ${absence.notification_id},
                ${reply.reason}, ${reply.message})
        on conflict (mark_id) where status = 'pending' do update
          set reason = excluded.reason, message = excluded.message, guardian_id = excluded.guardian_id, notification_id = excluded.notification_id
        returning id, (xmax = 0) as created`;
      await tx`
        insert into public.audit_log (school_id, actor, action, entity, entity_id, details)
        values (${absence.school_id}, null, 'excuse.received', 'excuse_requests', ${excuse.id},
                ${tx.json({ markId: absence.mark_id, reason: reply.reason, replaced: !excuse.created })})`;
      return { excuseId: excuse.id as string, name: absence.full_name as string, startsAt: new Date(absence.starts_at) };
    });
    if (!recorded) {
      log.info('sms reply from a number with no absence message', { from });
      return twiml(REPLY_NO_ABSENCE);
    }
    log.info('excuse request recorded', { from, excuseId: recorded.excuseId, reason: reply.reason });
    return twiml(excuseConfirmation(recorded.name, reply.reason, recorded.startsAt, TIME_ZONE));
  } catch (err) {
    return errorResponse(err, { fn: 'notify', route: 'twilio-inbound' });
  }
}
