-- A guardian's reason for an absence, sent as a reply to the absence SMS
-- ("1" sick, "2" family, "3" other), waiting for a teacher of the class.
--
-- The notify function's Twilio webhook records them with the service
-- connection (the sender proves who they are with the phone number the
-- message went to, not with an account). A teacher of the class, or an
-- admin, approves one (the mark becomes 'excused', a manual mark made now
-- in the approver's own transaction, so row-level security on marks
-- decides and the mark trigger logs it with them as actor) or rejects it
-- (the mark stays). A decided request is final; deciding is logged.
create type public.excuse_reason as enum ('sick', 'family', 'other');
create type public.excuse_status as enum ('pending', 'approved', 'rejected');

create table public.excuse_requests (
  id uuid primary key default gen_random_uuid(),
  school_id uuid not null references public.schools (id) on delete cascade,
  mark_id uuid not null,
  student_id uuid not null,
  -- Who replied; kept when their guardian row goes, for the teacher's decision.
  guardian_id uuid,
  -- The absence message they replied to.
  notification_id uuid references public.notifications (id) on delete set null,
  reason public.excuse_reason not null,
  -- The reply as sent, after the code ("1 fever since Sunday" → "fever since Sunday").
  message text not null default '' check (length(message) <= 480),
  status public.excuse_status not null default 'pending',
  decided_by uuid references auth.users (id),
  decided_at timestamptz,
  decision_note text check (length(decision_note) <= 2000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((status = 'pending') = (decided_by is null and decided_at is null)),
  foreign key (mark_id, school_id) references public.attendance_marks (id, school_id) on delete cascade,
  foreign key (student_id, school_id) references public.students (id, school_id) on delete cascade,
  foreign key (guardian_id, school_id) references public.guardians (id, school_id) on delete set null (guardian_id)
);
alter table public.excuse_requests enable row level security;

-- A second reply before the teacher decides replaces the first.
create unique index excuse_requests_one_pending_per_mark_key on public.excuse_requests (mark_id) where status = 'pending';
create index excuse_requests_student_id_idx on public.excuse_requests (student_id);
create index excuse_requests_guardian_id_idx on public.excuse_requests (guardian_id) where guardian_id is not null;
create index excuse_requests_notification_id_idx on public.excuse_requests (notification_id) where notification_id is not null;
create index excuse_requests_decided_by_idx on public.excuse_requests (decided_by) where decided_by is not null;
create index excuse_requests_school_id_updated_at_idx on public.excuse_requests (school_id, updated_at);

create trigger excuse_requests_set_updated_at
  before insert or update on public.excuse_requests
  for each row execute function public.set_updated_at();

revoke all on table public.excuse_requests from anon, authenticated;
grant select, insert, update, delete on table public.excuse_requests to authenticated;
grant all on table public.excuse_requests to service_role;

create policy "Admins can manage excuse requests in their school"
  on public.excuse_requests for all to authenticated
  using (public.is_admin_of(school_id))
  with check (public.is_admin_of(school_id));

create policy "Teachers can read excuse requests in their classes"
  on public.excuse_requests for select to authenticated
  using (public.is_teacher_of(public.class_of_mark(mark_id)));

create policy "Teachers can decide excuse requests in their classes"
  on public.excuse_requests for update to authenticated
  using (public.is_teacher_of(public.class_of_mark(mark_id)))
  with check (
    public.is_teacher_of(public.class_of_mark(mark_id))
    and (status = 'pending' or decided_by = (select auth.uid()))
  );

create policy "Parents can read excuse requests for their children"
  on public.excuse_requests for select to authenticated
  using (public.is_guardian_of(student_id));

-- Invoker rights: it only fills in the caller's own name and the time.
-- What the guardian said changes only through the webhook (the service,
-- no user), and only while pending; the links to the guardian and the
-- message may still be cleared when those rows are deleted.
create or replace function public.decide_excuse_request()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if (new.school_id, new.mark_id, new.student_id) is distinct from (old.school_id, old.mark_id, old.student_id)
     or ((new.reason, new.message) is distinct from (old.reason, old.message)
         and (old.status <> 'pending' or auth.uid() is not null)) then
    raise exception 'what a guardian sent cannot be edited' using errcode = 'check_violation';
  end if;
  if old.status <> 'pending' then
    if (new.status, new.decided_by, new.decided_at, new.decision_note)
       is distinct from (old.status, old.decided_by, old.decided_at, old.decision_note) then
      raise exception 'a decided excuse request is final' using errcode = 'check_violation';
    end if;
    return new;
  end if;
  if new.status <> 'pending' then
    new.decided_by := coalesce(new.decided_by, auth.uid());
    new.decided_at := coalesce(new.decided_at, now());
  end if;
  return new;
end;
$$;

create trigger excuse_requests_decide
  before update on public.excuse_requests
  for each row execute function public.decide_excuse_request();

-- The approver's own correction of the mark (see correct_mark_by_review).
create or replace function public.apply_excuse_approval()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform public.correct_mark_by_review(new.mark_id, 'excused', 'excuse the mark');
  return null;
end;
$$;

create trigger excuse_requests_apply_approval
  after update of status on public.excuse_requests
  for each row
  when (old.status = 'pending' and new.status = 'approved')
  execute function public.apply_excuse_approval();

create or replace function public.audit_excuse_decision()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.audit_log (school_id, actor, action, entity, entity_id, details)
  values (new.school_id, auth.uid(), 'excuse.' || new.status::text, 'excuse_requests', new.id,
          jsonb_build_object('mark_id', new.mark_id, 'student_id', new.student_id, 'reason', new.reason));
  return null;
end;
$$;

revoke execute on function public.decide_excuse_request(), public.apply_excuse_approval(), public.audit_excuse_decision()
  from public, anon, authenticated;

create trigger excuse_requests_audit
  after update of status on public.excuse_requests
  for each row
  when (old.status = 'pending' and new.status <> 'pending')
  execute function public.audit_excuse_decision();
