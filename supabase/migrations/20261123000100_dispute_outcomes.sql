-- What a dispute asks for and what came of it.
--
-- A student, or a parent for their child, says a mark is wrong and may say
-- what it should be (requested_status). A teacher of the class, or an
-- admin, closes it:
--   - resolved: the mark becomes corrected_status (the requested one when
--     the resolver names none), as a manual mark made now, in the
--     resolver's own transaction, so row-level security on marks still
--     decides and the mark trigger logs the correction with them as actor;
--   - rejected: the mark stays, and the resolver must say why.
-- Closing stamps who and when; a closed dispute is final (a student who
-- disagrees opens a new one). Closing is written to audit_log.
alter table public.disputes
  add column requested_status public.attendance_status,
  add column corrected_status public.attendance_status,
  add constraint disputes_closed_says_by_whom check (status = 'open' or (resolved_by is not null and resolved_at is not null)),
  add constraint disputes_resolution_names_status check (status <> 'resolved' or corrected_status is not null),
  add constraint disputes_only_resolved_correct check (status = 'resolved' or corrected_status is null),
  add constraint disputes_rejection_has_reason check (status <> 'rejected' or coalesce(length(btrim(resolution)), 0) > 0);

create policy "Parents can dispute their children's marks"
  on public.disputes for insert to authenticated
  with check (
    public.is_guardian_of(public.student_of_mark(mark_id))
    and opened_by = (select auth.uid())
    and status = 'open'
    and resolution is null
    and corrected_status is null
  );

-- Invoker rights: it only fills in the caller's own name and the time.
create or replace function public.close_dispute()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if (new.school_id, new.mark_id, new.opened_by, new.reason, new.requested_status)
     is distinct from (old.school_id, old.mark_id, old.opened_by, old.reason, old.requested_status) then
    raise exception 'what a dispute says cannot be edited: open a new one instead' using errcode = 'check_violation';
  end if;
  if old.status <> 'open' then
    if (new.status, new.resolution, new.corrected_status, new.resolved_by, new.resolved_at)
       is distinct from (old.status, old.resolution, old.corrected_status, old.resolved_by, old.resolved_at) then
      raise exception 'a closed dispute is final: open a new one instead' using errcode = 'check_violation';
    end if;
    return new;
  end if;
  if new.status <> 'open' then
    new.resolved_by := coalesce(new.resolved_by, auth.uid());
    new.resolved_at := coalesce(new.resolved_at, now());
    if new.status = 'resolved' then
      new.corrected_status := coalesce(new.corrected_status, new.requested_status);
    end if;
  end if;
  return new;
end;
$$;

create trigger disputes_close
  before update on public.disputes
  for each row execute function public.close_dispute();

-- A reviewer's decision (a dispute accepted, an excuse approved) corrects
-- the mark by hand, now, in the reviewer's name. Invoker rights on purpose:
-- the correction is the reviewer's own write, allowed by "Teachers can
-- correct marks in their classes" (or the admins' policy), and refused,
-- with the whole update that asked for it, for anyone else.
create or replace function public.correct_mark_by_review(mark uuid, corrected public.attendance_status, what text)
returns void
language plpgsql
set search_path = ''
as $$
begin
  update public.attendance_marks
     set status = corrected, source = 'manual', confidence = null, marked_at = now(), device = 'server'
   where id = mark;
  if not found then
    raise exception 'not allowed to %', what using errcode = 'insufficient_privilege';
  end if;
end;
$$;
-- Anyone signed in may call it directly, and gets no more than their own update of the mark would.
revoke all on function public.correct_mark_by_review(uuid, public.attendance_status, text) from public, anon;

create or replace function public.apply_dispute_outcome()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform public.correct_mark_by_review(new.mark_id, new.corrected_status, 'correct the disputed mark');
  return null;
end;
$$;

create trigger disputes_apply_outcome
  after update of status on public.disputes
  for each row
  when (old.status = 'open' and new.status = 'resolved')
  execute function public.apply_dispute_outcome();

create or replace function public.audit_dispute()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.audit_log (school_id, actor, action, entity, entity_id, details)
  values (new.school_id, auth.uid(), 'dispute.' || new.status::text, 'disputes', new.id,
          jsonb_build_object('mark_id', new.mark_id, 'corrected_status', new.corrected_status));
  return null;
end;
$$;

revoke execute on function public.close_dispute(), public.apply_dispute_outcome(), public.audit_dispute()
  from public, anon, authenticated;

create trigger disputes_audit
  after update of status on public.disputes
  for each row
  when (old.status = 'open' and new.status <> 'open')
  execute function public.audit_dispute();
