-- What happened, by whom. Append-only for everyone: no policy allows update
-- or delete, authenticated has no such privilege, and a trigger refuses them
-- even for the service role and the table owner (clearing old entries
-- deliberately means disabling the trigger in a migration).
create table public.audit_log (
  id uuid primary key default gen_random_uuid(),
  -- No cascade: a school with history cannot be deleted by accident.
  school_id uuid not null references public.schools (id),
  actor uuid default auth.uid(),
  action text not null check (length(btrim(action)) between 1 and 100),
  entity text not null check (length(btrim(entity)) between 1 and 100),
  entity_id uuid,
  at timestamptz not null default now(),
  details jsonb not null default '{}'::jsonb check (jsonb_typeof(details) = 'object')
);
alter table public.audit_log enable row level security;

create index audit_log_school_id_at_idx on public.audit_log (school_id, at);
create index audit_log_entity_idx on public.audit_log (entity, entity_id);
create index audit_log_actor_idx on public.audit_log (actor) where actor is not null;

create or replace function public.refuse_audit_log_change()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception 'audit_log is append-only: % is not allowed', lower(tg_op)
    using errcode = 'insufficient_privilege';
end;
$$;

create trigger audit_log_append_only
  before update or delete on public.audit_log
  for each row execute function public.refuse_audit_log_change();

create trigger audit_log_no_truncate
  before truncate on public.audit_log
  for each statement execute function public.refuse_audit_log_change();

revoke all on table public.audit_log from anon, authenticated, service_role;
grant select, insert on table public.audit_log to authenticated;
grant select, insert on table public.audit_log to service_role;

create policy "Admins can read their school's audit log"
  on public.audit_log for select to authenticated
  using (public.is_admin_of(school_id));

create policy "Members can append to their school's audit log"
  on public.audit_log for insert to authenticated
  with check (public.is_member_of(school_id) and actor = (select auth.uid()));

-- Mark corrections and deletions are recorded by the database itself, so
-- they are in the log whichever client made them.
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
  if new.status is distinct from old.status then
    insert into public.audit_log (school_id, actor, action, entity, entity_id, details)
    values (new.school_id, auth.uid(), 'mark.corrected', 'attendance_marks', new.id,
            jsonb_build_object('session_id', new.session_id, 'student_id', new.student_id,
                               'from', old.status, 'to', new.status, 'source', new.source));
  end if;
  return new;
end;
$$;

revoke all on function public.audit_mark_change() from public, anon, authenticated;

create trigger attendance_marks_audit
  after update or delete on public.attendance_marks
  for each row execute function public.audit_mark_change();
