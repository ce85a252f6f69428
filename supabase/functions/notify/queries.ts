/**
 * Every statement notify runs, one function each, given the transaction to
 * run in (as the caller or as the service: the job decides). Nothing here
 * decides who hears what; logic.ts does, from the rows these return.
 */
import type { Tx } from '../_shared/db.ts';
import type { FollowUpRow, MarkForGuardian, MarkStatus, NotifyRequest, QueuedMessage, SessionFacts } from './logic.ts';
import type { ExcuseReason } from './replies.ts';

/** A session as its notifier sees it, and whether the caller may notify about it (asked as the caller). */
export async function sessionToNotify(tx: Tx, sessionId: string) {
  const [s] = await tx`
    select s.id, s.school_id, s.starts_at, s.finalised_at, c.name as class_name, sc.present_sms_confidence,
           public.is_teacher_of(s.class_id) or public.is_admin_of(s.school_id) as may_notify
    from public.sessions s join public.classes c on c.id = s.class_id
    left join public.schools sc on sc.id = s.school_id
    where s.id = ${sessionId} and s.deleted_at is null`;
  return s;
}

/** A live session's facts for its texts, with the school's "present" threshold. */
export async function sessionForTexts(tx: Tx, sessionId: string) {
  const [s] = await tx`
    select s.id, s.school_id, s.starts_at, c.name as class_name, sc.present_sms_confidence
    from public.sessions s join public.classes c on c.id = s.class_id
    left join public.schools sc on sc.id = s.school_id
    where s.id = ${sessionId} and s.deleted_at is null`;
  return s;
}

/** One queueing (or weighing, or recording a text as sent) per school at a time, until the transaction ends. */
export async function lockSchoolQueue(tx: Tx, schoolId: string): Promise<void> {
  await tx`select pg_advisory_xact_lock(hashtext(${'notify:' + schoolId}))`;
}

export async function transactionNow(tx: Tx): Promise<Date> {
  const [{ now }] = await tx`select now() as now`;
  return new Date(now);
}

export async function clockNow(tx: Tx): Promise<Date> {
  const [{ now }] = await tx`select clock_timestamp() as now`;
  return new Date(now);
}

/** From here on, a change to one of the session's marks is the guardians' news. */
export async function followSession(tx: Tx, session: SessionFacts): Promise<void> {
  await tx`
    insert into private.notified_sessions (session_id, school_id) values (${session.id}, ${session.schoolId})
    on conflict (session_id) do nothing`;
}

export async function marksForGuardians(tx: Tx, sessionId: string): Promise<MarkForGuardian[]> {
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

/** 1 when queued; 0 when the session's first text to this recipient about this student was queued before. */
export async function insertMessage(tx: Tx, session: SessionFacts, m: QueuedMessage): Promise<number> {
  const inserted = await tx`
    insert into public.notifications (school_id, session_id, student_id, channel, recipient, template, mark_status, follow_up, body, next_attempt_at)
    values (${session.schoolId}, ${session.id}, ${m.studentId}, ${m.channel}, ${m.recipient}, ${m.template}, ${m.markStatus}, ${m.followUp},
            ${m.body}, ${m.nextAttemptAt})
    on conflict (session_id, student_id, recipient) where session_id is not null and not follow_up do nothing
    returning id`;
  return inserted.length;
}

/** An audit entry written as the service (actor null for the scheduler). */
export async function auditAsService(
  tx: Tx,
  e: { schoolId: string; actor: string | null; action: string; entity: string; entityId?: string | null; details: Record<string, unknown> },
): Promise<void> {
  await tx`
    insert into public.audit_log (school_id, actor, action, entity, entity_id, details)
    values (${e.schoolId}, ${e.actor}, ${e.action}, ${e.entity}, ${e.entityId ?? null}, ${tx.json(e.details as never)})`;
}

/** Counts by delivery status (queued, sending, sent, delivered, failed…) of what the transaction's caller may see. */
export async function notificationCounts(tx: Tx, sessionId: string): Promise<Record<string, number>> {
  const rows = await tx`select status, count(*)::int as n from public.notifications where session_id = ${sessionId} group by status`;
  const counts: Record<string, number> = {};
  for (const r of rows) counts[r.status as string] = r.n as number;
  return counts;
}

/**
 * Every (guardian, child) link of the caller's own guardian rows, with the
 * preference in force: the stored one, or the default (absence, no quiet hours).
 */
export async function guardianPreferences(tx: Tx) {
  return await tx`
    select sg.guardian_id as "guardianId", sg.student_id as "studentId", st.full_name as "studentName",
           coalesce(p.notify_on::text, 'absence') as "notifyOn",
           to_char(p.quiet_hours_start, 'HH24:MI') as "quietHoursStart", to_char(p.quiet_hours_end, 'HH24:MI') as "quietHoursEnd",
           p.updated_at as "updatedAt"
    from public.student_guardians sg
    join public.students st on st.id = sg.student_id and st.deleted_at is null
    left join public.guardian_notification_preferences p on p.guardian_id = sg.guardian_id and p.student_id = sg.student_id
    where public.is_guardian(sg.guardian_id)
    order by st.full_name, sg.guardian_id`;
}

/** The link names the school; without a guardian id, the caller's own guardian row for that child. */
export async function guardianLink(tx: Tx, studentId: string, guardianId: string | undefined) {
  const [link] = guardianId
    ? await tx`select guardian_id, school_id from public.student_guardians where student_id = ${studentId} and guardian_id = ${guardianId}`
    : await tx`select guardian_id, school_id from public.student_guardians
               where student_id = ${studentId} and public.is_guardian(guardian_id) order by guardian_id limit 1`;
  return link;
}

export async function savePreference(tx: Tx, link: Record<string, string>, body: Extract<NotifyRequest, { action: 'set-preference' }>) {
  const [row] = await tx`
    insert into public.guardian_notification_preferences (guardian_id, student_id, school_id, notify_on, quiet_hours_start, quiet_hours_end)
    values (${link.guardian_id}, ${body.studentId}, ${link.school_id}, ${body.notifyOn}, ${body.quietHoursStart}::time, ${body.quietHoursEnd}::time)
    on conflict (guardian_id, student_id) do update
      set notify_on = excluded.notify_on, quiet_hours_start = excluded.quiet_hours_start, quiet_hours_end = excluded.quiet_hours_end
    returning guardian_id as "guardianId", student_id as "studentId", notify_on::text as "notifyOn",
              to_char(quiet_hours_start, 'HH24:MI') as "quietHoursStart", to_char(quiet_hours_end, 'HH24:MI') as "quietHoursEnd",
              updated_at as "updatedAt"`;
  return row;
}

/** Schools with marks noted as changed since their texts, among `schools` (null: all). */
export async function schoolsToRecheck(tx: Tx, schools: string[] | null): Promise<string[]> {
  const rows = await tx`select distinct r.school_id from private.notify_rechecks r
     where (${schools === null} or r.school_id = any (${schools ?? []}::uuid[]))`;
  return rows.map((r) => r.school_id as string);
}

/** The oldest notes of changed marks, locked for this weighing; another weighing skips them. */
export async function takeRechecks(tx: Tx, schoolId: string, limit: number): Promise<{ session_id: string; student_id: string }[]> {
  const notes = await tx`
    select r.session_id, r.student_id from private.notify_rechecks r
    where r.school_id = ${schoolId}
    order by r.changed_at
    limit ${limit}
    for update skip locked`;
  return notes as unknown as { session_id: string; student_id: string }[];
}

export async function clearRechecks(tx: Tx, notes: readonly { session_id: string; student_id: string }[]): Promise<void> {
  await tx`
    delete from private.notify_rechecks r
    using unnest(${notes.map((n) => n.session_id)}::uuid[], ${notes.map((n) => n.student_id)}::uuid[]) as done (session_id, student_id)
    where r.session_id = done.session_id and r.student_id = done.student_id`;
}

/** Each guardian of these students: the mark now, what the last text that went out told them, what still waits. */
export async function followUpRows(tx: Tx, sessionId: string, studentIds: string[]): Promise<FollowUpRow[]> {
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

/** The schools the caller runs as an admin. */
export async function adminSchools(tx: Tx, userId: string): Promise<string[]> {
  // is_admin_of, as the caller: admin power needs the second factor (aal2), not only the membership.
  const rows = await tx`select school_id from public.memberships where user_id = ${userId} and role = 'admin' and public.is_admin_of(school_id)`;
  return rows.map((r) => r.school_id as string);
}

/** Texts due now, claimed for five minutes before sending, so a second sender running at the same time skips them. */
export async function claimDue(tx: Tx, limit: number, schools: string[] | null, withMail: boolean) {
  return await tx`
    update public.notifications n set next_attempt_at = now() + interval '5 minutes'
    where n.id in (
      select q.id from public.notifications q
      where q.status = 'queued' and q.body is not null
        and coalesce(q.next_attempt_at, q.created_at) <= now()
        and (q.channel = 'sms' or ${withMail})
        and (${schools === null} or q.school_id = any (${schools ?? []}::uuid[]))
      order by coalesce(q.next_attempt_at, q.created_at)
      limit ${limit}
      for update skip locked)
    returning n.id, n.school_id, n.session_id, n.student_id, n.mark_status::text as mark_status,
              n.channel::text as channel, n.recipient, n.body, n.attempts`;
}

/** Withdraws a text still waiting: the mark it tells of changed. */
export async function withdrawQueued(tx: Tx, id: string): Promise<void> {
  await tx`delete from public.notifications where id = ${id} and status = 'queued'`;
}

export interface DueText {
  id: string;
  school_id: string;
  session_id: string | null;
  student_id: string;
  mark_status: MarkStatus | null;
}

/**
 * Records an attempt. A text about a mark recorded as sent is written under
 * the queueing lock, so a weighing of this mark runs wholly before it
 * counts as sent, or wholly after.
 */
export async function recordAttempt(
  tx: Tx,
  n: DueText,
  next: { status: string; attempts: number; providerId: string | null; lastError: string | null; nextAttemptAt: Date | null },
): Promise<void> {
  const sentAboutMark = next.status === 'sent' && n.session_id;
  if (sentAboutMark) await lockSchoolQueue(tx, n.school_id);
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
}

/** The student's mark in the session as it stands: null when there is none or it was cleared. */
export async function markNow(tx: Tx, sessionId: string, studentId: string): Promise<MarkStatus | null> {
  const [m] = await tx`select status::text as status from public.attendance_marks
     where session_id = ${sessionId} and student_id = ${studentId} and cleared_at is null`;
  return (m?.status as MarkStatus | undefined) ?? null;
}

/** Twilio's delivery report, only forward: a late "failed" never undoes "delivered". Returns how many texts it moved. */
export async function recordDelivery(tx: Tx, sid: string, status: 'delivered' | 'failed', error: string | null): Promise<number> {
  const updated = await tx`
    update public.notifications set status = ${status}, last_error = coalesce(${error}, last_error)
    where provider_id = ${sid} and status in ('sent', 'queued')
    returning id`;
  return updated.length;
}

/**
 * Claims an SMS reply by its MessageSid: null the first time (go on, then
 * `answerSmsReply`), else the answer already sent for it. A second delivery
 * at the same moment waits on the first's row and gets its answer.
 */
export async function claimSmsReply(tx: Tx, sid: string): Promise<{ answer: string | null } | null> {
  const [claimed] = await tx`insert into private.sms_replies (message_sid) values (${sid}) on conflict do nothing returning message_sid`;
  if (claimed) return null;
  const [seen] = await tx`select answer from private.sms_replies where message_sid = ${sid}`;
  return { answer: (seen?.answer as string | null) ?? null };
}

export async function answerSmsReply(tx: Tx, sid: string, answer: string): Promise<void> {
  await tx`update private.sms_replies set answer = ${answer} where message_sid = ${sid}`;
}

/** The latest absence text sent to this number (any school) whose mark is still an absence, or nothing. */
export async function absenceTextTo(tx: Tx, from: string) {
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
  return absence;
}

/** The excuse a reply asks for, replacing one still pending for the same mark. */
export async function recordExcuse(
  tx: Tx,
  absence: Record<string, string>,
  reply: { reason: ExcuseReason; message: string },
): Promise<{ id: string; created: boolean }> {
  const [excuse] = await tx`
    insert into public.excuse_requests (school_id, mark_id, student_id, guardian_id, notification_id, reason, message)
    values (${absence.school_id}, ${absence.mark_id}, ${absence.student_id}, ${absence.guardian_id}, ${absence.notification_id},
            ${reply.reason}, ${reply.message})
    on conflict (mark_id) where status = 'pending' do update
      set reason = excluded.reason, message = excluded.message, guardian_id = excluded.guardian_id, notification_id = excluded.notification_id
    returning id, (xmax = 0) as created`;
  return excuse as unknown as { id: string; created: boolean };
}
