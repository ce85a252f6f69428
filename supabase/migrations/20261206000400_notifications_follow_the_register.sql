-- Guardians' texts follow the final register. A mark can change after its
-- session's texts were queued or sent (the teacher corrects it after Finish,
-- a second phone syncs, an excuse is approved, a dispute accepted, a mark is
-- cleared), and the guardian then gets a correction.
--
-- 1. Each text keeps the mark it told of (mark_status), so what a guardian
--    was told can be set against the mark as it stands; when it went
--    (sent_at), which the throttle measures from; and whether it followed
--    the register (follow_up) rather than being the first text of the
--    session, which stays one per student and recipient.
-- 2. The register changes in many places (sync from any phone, reviews, an
--    admin's own edit), and only the database sees every one of them, so a
--    trigger on attendance_marks notes which students' marks changed in a
--    session whose texts have been queued. notify, which owns the words,
--    the preferences and the throttle, weighs each noted mark against what
--    was told when it next sends (send-due, run by the scheduler) and queues
--    what is due. The trigger decides nothing itself.

alter table public.notifications
  add column mark_status public.attendance_status,
  add column sent_at timestamptz,
  add column follow_up boolean not null default false;

comment on column public.notifications.mark_status is
  'The mark the text told the guardian of (a correction: the mark as it then stood; null for one saying the mark was taken back, or a text about no mark).';
comment on column public.notifications.sent_at is
  'When the provider took the text; null until then.';
comment on column public.notifications.follow_up is
  'Queued because the mark changed after the session''s first texts; those stay one per session, student and recipient.';

-- Texts queued before this named their mark in the template.
update public.notifications
   set mark_status = template::public.attendance_status
 where session_id is not null and template in ('present', 'absent', 'late', 'excused');

drop index public.notifications_session_student_recipient_key;
create unique index notifications_session_student_recipient_key
  on public.notifications (session_id, student_id, recipient)
  where session_id is not null and not follow_up;

-- Sessions whose texts were queued (notify's session-finalised): from then
-- on their marks' changes are the guardians' news.
create table private.notified_sessions (
  session_id uuid primary key references public.sessions (id) on delete cascade,
  school_id uuid not null references public.schools (id) on delete cascade,
  notified_at timestamptz not null default now()
);
alter table private.notified_sessions enable row level security;

revoke all on table private.notified_sessions from public, anon, authenticated;
grant all on table private.notified_sessions to service_role;

insert into private.notified_sessions (session_id, school_id, notified_at)
select a.entity_id, s.school_id, min(a.at)
  from public.audit_log a
  join public.sessions s on s.id = a.entity_id
 where a.action = 'notify.queued' and a.entity = 'sessions'
 group by a.entity_id, s.school_id;

-- A student's mark in a notified session changed: notify weighs their
-- texts again. Also noted by notify itself when a text went out about a
-- mark that changed while it was on its way. No
-- foreign keys: a mark deleted with its student, session or school is noted
-- while they go, and notify drops a note whose student or session is gone.
create table private.notify_rechecks (
  session_id uuid not null,
  student_id uuid not null,
  school_id uuid not null,
  changed_at timestamptz not null default now(),
  primary key (session_id, student_id)
);
alter table private.notify_rechecks enable row level security;

create index notify_rechecks_school_id_changed_at_idx on private.notify_rechecks (school_id, changed_at);

revoke all on table private.notify_rechecks from public, anon, authenticated;
grant all on table private.notify_rechecks to service_role;

-- Security definer: teachers write marks under their own rights (sync,
-- reviews) but may not see the private tables.
create or replace function private.note_mark_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  mark public.attendance_marks;
begin
  if tg_op = 'DELETE' then
    mark := old;
  else
    mark := new;
  end if;
  -- Only what a text can say: the status, whether it stands, and what the
  -- present-text threshold reads (source, confidence).
  if tg_op = 'UPDATE'
     and new.status is not distinct from old.status
     and (new.cleared_at is null) = (old.cleared_at is null)
     and new.source is not distinct from old.source
     and new.confidence is not distinct from old.confidence then
    return null;
  end if;
  insert into private.notify_rechecks (session_id, student_id, school_id)
  select mark.session_id, mark.student_id, mark.school_id
   where exists (select 1 from private.notified_sessions n where n.session_id = mark.session_id)
  on conflict (session_id, student_id) do update set changed_at = excluded.changed_at;
  return null;
end;
$$;

revoke all on function private.note_mark_change() from public, anon, authenticated;

create trigger attendance_marks_note_change
  after insert or update or delete on public.attendance_marks
  for each row execute function private.note_mark_change();
