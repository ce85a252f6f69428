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
 *
 * After that the texts follow the register: a trigger notes each mark of a
 * notified session that changes (whoever changed it), and send-due weighs
 * those marks against what their guardians were told before it sends, so a
 * correction needs no device to ask for it.
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
  type FollowUpRow,
  type MarkForGuardian,
  type MarkStatus,
  type NotifyRequest,
  parseExcuseReply,
  planFollowUps,
  planMessages,
  type QueuedMessage,
  readTwilioAnswer,
  REPLY_HELP,
  REPLY_NO_ABSENCE,
  RequestSchema,
  type SendResult,
  type SessionFacts,
  statusFromCallback,
  stillHolds,
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
    // From here on, a change to one of the session's marks is the guardians' news.
    await tx`
      insert into private.notified_sessions (session_id, school_id) values (${facts.id}, ${facts.schoolId})
      on conflict (session_id) do nothing`;
    const rows = await marksForGuardians(tx, facts.id);
    const plan = planMessages(facts, rows, { now: new Date(now), timeZone: TIME_ZONE, presentMinConfidence: presentThreshold(session) });
    let queued = 0;
    for (const m of plan.queue) queued += await insertMessage(tx, facts, m);
    await tx`
      insert into public.audit_log (school_id, actor, action, entity, entity_id, details)
      values (${facts.schoolId}, ${userId}, 'notify.queued', 'sessions', ${facts.id}, ${tx.json({ queued, skipped: plan.skipped })})`;
    return { queued, skipped: plan.skipped };
  });
  log.info('notifications queued', { sessionId, userId, ...outcome });
  return { status: 200, payload: outcome };
}

/** The school's threshold for a "present" text, from a row that read schools.present_sms_confidence. */
function presentThreshold(row: Record<string, unknown>): number {
  return row.present_sms_confidence == null ? PRESENT_MIN_CONFIDENCE : Number(row.present_sms_confidence);
}

/** 1 when queued; 0 when the session's first text to this recipient about this student was queued before. */
async function insertMessage(tx: Tx, session: SessionFacts, m: QueuedMessage): Promise<number> {
  const inserted = await tx`
    insert into public.notifications (school_id, session_id, student_id, channel, recipient, template, mark_status, follow_up, body, next_attempt_at)
    values (${session.schoolId}, ${session.id}, ${m.studentId}, ${m.channel}, ${m.recipient}, ${m.template}, ${m.markStatus}, ${m.followUp},
            ${m.body}, ${m.nextAttemptAt})
    on conflict (session_id, student_id, recipient) where session_id is not null and not follow_up do nothing
    returning id`;
  return inserted.length;
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
           m.cleared_at is not null as cleared, g.id as guardian_id, g.phone, g.email::text as email,
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
    cleared: r.cleared,
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

/** Marks weighed per school and send-due run; the rest wait for the next. */
const RECHECK_BATCH = 200;

/**
 * Weighs the marks noted as changed (private.notify_rechecks) against what
 * their guardians were told, and queues the follow-ups they owe; returns
 * how many. One transaction per school, as the service, under the school's
 * queueing lock, taken before the notes are: so it and session-finalised
 * see each other's texts, and a sender recording a text as sent (under the
 * same lock) never waits on a note this holds while this waits on it.
 */
async function followRegister(schools: string[] | null): Promise<number> {
  const pending = await asService((tx) =>
    tx`select distinct r.school_id from private.notify_rechecks r
       where (${schools === null} or r.school_id = any (${schools ?? []}::uuid[]))`
  );
  let total = 0;
  for (const { school_id: schoolId } of pending) {
    total += await asService(async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtext(${'notify:' + schoolId}))`;
      const notes = await tx`
        select r.session_id, r.student_id from private.notify_rechecks r
        where r.school_id = ${schoolId}
        order by r.changed_at
        limit ${RECHECK_BATCH}
        for update skip locked`;
      const [{ now }] = await tx`select clock_timestamp() as now`;
      const bySession = new Map<string, string[]>();
      for (const n of notes) bySession.set(n.session_id, [...(bySession.get(n.session_id) ?? []), n.student_id]);

      let queuedInSchool = 0;
      const planned: QueuedMessage[] = [];
      for (const [sessionId, studentIds] of bySession) {
        const [s] = await tx`
          select s.id, s.school_id, s.starts_at, c.name as class_name, sc.present_sms_confidence
          from public.sessions s join public.classes c on c.id = s.class_id
          left join public.schools sc on sc.id = s.school_id
          where s.id = ${sessionId} and s.deleted_at is null`;
        if (!s) continue;
        const facts: SessionFacts = { id: s.id, schoolId: s.school_id, className: s.class_name, startsAt: new Date(s.starts_at) };
        const rows = await followUpRows(tx, sessionId, studentIds);
        const options = { now: new Date(now), timeZone: TIME_ZONE, presentMinConfidence: presentThreshold(s) };
        const plan = planFollowUps(facts, rows, options, planned);
        let queued = 0;
        for (const m of plan.queue) queued += await insertMessage(tx, facts, m);
        planned.push(...plan.queue);
        queuedInSchool += queued;
        if (queued > 0) {
          await tx`
            insert into public.audit_log (school_id, actor, action, entity, entity_id, details)
            values (${facts.schoolId}, null, 'notify.followed', 'sessions', ${facts.id}, ${tx.json({ queued, skipped: plan.skipped })})`;
        }
        log.info('register followed', { sessionId, queued, skipped: plan.skipped });
      }
      await tx`
        delete from private.notify_rechecks r
        using unnest(${notes.map((n) => n.session_id)}::uuid[], ${notes.map((n) => n.student_id)}::uuid[]) as done (session_id, student_id)
        where r.session_id = done.session_id and r.student_id = done.student_id`;
      return queuedInSchool;
    });
  }
  return total;
}

/** Each guardian of these students: the mark now, what the last text that went out told them, what still waits. */
async function followUpRows(tx: Tx, sessionId: string, studentIds: string[]): Promise<FollowUpRow[]> {
  const rows = await tx`
    select st.id as student_id, st.full_name, g.id as guardian_id, g.phone, g.email::text as email,
           coalesce(p.notify_on::text, 'absence') as notify_on,
           p.quiet_hours_start::text as quiet_start, p.quiet_hours_end::text as quiet_end,
           m.status::text as status, m.source::text as source, m.confidence,
           (m.id is not null and m.cleared_at is null) as standing,
           (select n.mark_status::text from public.notifications n
             where n.session_id = ${sessionId} and n.student_id = st.id and n.recipient = coalesce(g.phone, g.email::text)
               and n.status in ('sent', 'delivered')
             order by coalesce(n.sent_at, n.created_at) desc, n.created_at desc
             limit 1) as told,
           coalesce((select json_agg(n.mark_status) from public.notifications n
             where n.session_id = ${sessionId} and n.student_id = st.id and n.recipient = coalesce(g.phone, g.email::text)
               and n.status = 'queued'), '[]'::json) as pending,
           (select max(case when n.status = 'queued' then coalesce(n.next_attempt_at, n.created_at) else coalesce(n.sent_at, n.created_at) end)
             from public.notifications n
             where n.student_id = st.id and n.recipient = coalesce(g.phone, g.email::text) and n.status <> 'failed'
               and not (n.status = 'queued' and n.session_id is not distinct from ${sessionId}::uuid)) as last_text_at
    from public.students st
    join public.student_guardians sg on sg.student_id = st.id
    join public.guardians g on g.id = sg.guardian_id and g.deleted_at is null
    left join public.guardian_notification_preferences p on p.guardian_id = g.id and p.student_id = st.id
    left join public.attendance_marks m on m.session_id = ${sessionId} and m.student_id = st.id
    where st.id = any (${studentIds}::uuid[]) and st.deleted_at is null
    order by st.full_name, g.id`;
  return rows.map((r) => ({
    studentId: r.student_id,
    studentName: r.full_name,
    guardianId: r.guardian_id,
    phone: r.phone,
    email: r.email,
    notifyOn: r.notify_on,
    quietStart: r.quiet_start,
    quietEnd: r.quiet_end,
    mark: r.standing ? { status: r.status, source: r.source, confidence: r.confidence === null ? null : Number(r.confidence) } : null,
    told: r.told,
    pending: r.pending as (MarkStatus | null)[],
    lastTextAt: r.last_text_at ? new Date(r.last_text_at) : null,
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
  // First what the register's changes owe, so a correction already due goes in this run.
  const followed = await followRegister(schools);
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
      returning n.id, n.school_id, n.session_id, n.student_id, n.mark_status::text as mark_status,
                n.channel::text as channel, n.recipient, n.body, n.attempts`
  );

  const counts: Record<string, Record<string, number>> = {};
  const results: { id: string; status: string }[] = [];
  const count = (schoolId: string, outcome: string) => {
    const perSchool = (counts[schoolId] ??= {});
    perSchool[outcome] = (perSchool[outcome] ?? 0) + 1;
  };
  for (const n of due) {
    // Read just before sending: the mark may have changed since the text was queued.
    if (n.session_id && !stillHolds(n.mark_status, await markNow(n.session_id, n.student_id))) {
      await asService((tx) => tx`delete from public.notifications where id = ${n.id} and status = 'queued'`);
      results.push({ id: n.id, status: 'withdrawn' });
      count(n.school_id, 'withdrawn');
      log.info('notification withdrawn: the mark changed', { id: n.id, channel: n.channel });
      continue;
    }
    const result = n.channel === 'sms' ? await sendSms(n.recipient, n.body, `${baseUrl}/twilio-status`) : await sendEmail(n.recipient, n.body);
    const next = afterAttempt(n.attempts, result, new Date());
    await asService(async (tx) => {
      const sentAboutMark = next.status === 'sent' && n.session_id;
      // Under the queueing lock, so a weighing of this mark runs wholly before this text counts as sent, or wholly after.
      if (sentAboutMark) await tx`select pg_advisory_xact_lock(hashtext(${'notify:' + n.school_id}))`;
      await tx`
        update public.notifications set status = ${next.status}, attempts = ${next.attempts}, provider_id = ${next.providerId},
          last_error = ${next.lastError}, next_attempt_at = ${next.nextAttemptAt},
          sent_at = case when ${next.status === 'sent'}::boolean then now() else sent_at end
        where id = ${n.id}`;
      // The mark changed while this text was on its way, and a weighing before now did not count it as sent:
      // weigh it again on the next run.
      if (sentAboutMark) {
        await tx`
          insert into private.notify_rechecks (session_id, student_id, school_id)
          select ${n.session_id}, ${n.student_id}, ${n.school_id}
          where (select m.status from public.attendance_marks m
                  where m.session_id = ${n.session_id} and m.student_id = ${n.student_id} and m.cleared_at is null)
                is distinct from ${n.mark_status}::public.attendance_status
          on conflict (session_id, student_id) do update set changed_at = excluded.changed_at`;
      }
    });
    const outcome = next.status === 'queued' ? 'retrying' : next.status;
    results.push({ id: n.id, status: outcome });
    count(n.school_id, outcome);
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
  return {
    status: 200,
    payload: { followUps: followed, sent: total('sent'), retrying: total('retrying'), failed: total('failed'), withdrawn: total('withdrawn'), results },
  };
}

/** The student's mark in the session as it stands: null when there is none or it was cleared. */
async function markNow(sessionId: string, studentId: string): Promise<MarkStatus | null> {
  const [m] = await asService((tx) =>
    tx`select status::text as status from public.attendance_marks
       where session_id = ${sessionId} and student_id = ${studentId} and cleared_at is null`
  );
  return (m?.status as MarkStatus | undefined) ?? null;
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
 * sent to that number (any school) whose mark is still an absence: the
 * reply excuses that mark. A reply
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
        where n.channel = 'sms' and n.recipient = ${from} and n.mark_status = 'absent' and n.status in ('sent', 'delivered')
          -- An absence since corrected (or cleared) has nothing left to explain.
          and m.status = 'absent' and m.cleared_at is null
        order by coalesce(n.sent_at, n.created_at) desc
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
