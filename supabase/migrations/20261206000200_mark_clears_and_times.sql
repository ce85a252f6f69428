-- A mark taken back stays a row: the student keeps one mark in the session
-- (unique (session_id, student_id), which sync now upserts on), the clear
-- reaches every device like any other change, and the history of what was
-- cleared stays in the row and the audit log. Readers of the register treat
-- a cleared mark as no mark.
alter table public.attendance_marks add column cleared_at timestamptz;

comment on column public.attendance_marks.cleared_at is
  'Set when the mark was taken back (cleared by a person, or its only face rejected): the student is unmarked. Status, source and marked_at say what was cleared.';

-- A device's clock decides marked_at, and of two manual marks the later
-- one stands. A phone whose clock runs ahead would otherwise write a mark
-- no correction made at the real time could ever beat (9999-12-31 was
-- accepted). A time the server does not believe (private.client_time:
-- ahead of its clock, or before 2020) is taken as now: refusing it would
-- lose the teacher's mark, and now is the latest the mark can truly have
-- been made. A slow clock within those bounds is not changed: its marks
-- lose to later ones, and the phone warns about its clock.
create or replace function private.bound_mark_times()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  -- To the millisecond, as devices hold times: a clear names its sighting by this time.
  new.marked_at := private.client_time('marked_at', new.marked_at, date_trunc('milliseconds', now()));
  new.cleared_at := private.client_time('cleared_at', new.cleared_at, date_trunc('milliseconds', now()));
  return new;
end;
$$;

revoke all on function private.bound_mark_times() from public, anon, authenticated;

-- Before insert also bounds `excluded` in an upsert, so sync's precedence
-- rules compare bounded times.
create trigger attendance_marks_bound_times
  before insert or update on public.attendance_marks
  for each row execute function private.bound_mark_times();

-- Marks already frozen in the future come back to when they were written.
update public.attendance_marks
   set marked_at = least(marked_at, updated_at)
 where marked_at > now() + interval '5 minutes';

-- Every correction of a stored mark is in the audit log, clears included:
-- status, source and clear state before and after.
create or replace function public.audit_mark_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'DELETE' then
    insert into public.audit_log (school_id, actor, action, entity, entity_id, details)
    values (old.school_id, auth.uid(), 'mark.deleted', 'attendance_marks', old.id,
            jsonb_build_object('session_id', old.session_id, 'student_id', old.student_id, 'status', old.status));
    return old;
  end if;
  if new.status is distinct from old.status
     or new.source is distinct from old.source
     or (new.cleared_at is null) is distinct from (old.cleared_at is null) then
    insert into public.audit_log (school_id, actor, action, entity, entity_id, details)
    values (new.school_id, auth.uid(),
            case when new.cleared_at is not null and old.cleared_at is null then 'mark.cleared' else 'mark.corrected' end,
            'attendance_marks', new.id,
            jsonb_build_object('session_id', new.session_id, 'student_id', new.student_id,
                               'from', old.status, 'to', new.status,
                               'from_source', old.source, 'source', new.source,
                               'was_cleared', old.cleared_at is not null, 'cleared', new.cleared_at is not null,
                               'device', new.device));
  end if;
  return new;
end;
$$;

revoke all on function public.audit_mark_change() from public, anon, authenticated;
