-- What a school decides about its pupils' face data and its attendance
-- rules. The privacy settings default to the careful choice: face crops are
-- not kept, and face templates (the enrolment descriptors inside a class's
-- model) stay on the device that took them unless the school turns sharing
-- on. Admins change these through the existing "Admins can update their
-- school" policy; everyone in the school can read them.
alter table public.schools
  add column keep_face_crops boolean not null default false,
  add column sync_face_templates boolean not null default false,
  add column retention_days integer not null default 365
    check (retention_days between 1 and 3650),
  add column auto_mark_confidence numeric(3, 2) not null default 0.80
    check (auto_mark_confidence between 0.50 and 0.99),
  add column present_sms_confidence numeric(3, 2) not null default 0.80
    check (present_sms_confidence between 0.50 and 0.99),
  add column late_after_minutes integer not null default 10
    check (late_after_minutes between 0 and 240);

comment on column public.schools.sync_face_templates is
  'When false, model-artifacts refuses uploads: a class model carries its students'' enrolment descriptors.';

-- Is sharing face templates between this school's devices turned on?
create or replace function public.school_shares_face_templates(school uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce((select s.sync_face_templates from public.schools s where s.id = school), false)
$$;
revoke execute on function public.school_shares_face_templates(uuid) from public, anon;
grant execute on function public.school_shares_face_templates(uuid) to authenticated, service_role;

-- Turning sharing off takes the shared templates back: every class model
-- stored for the school is deleted (each device keeps its own), and the
-- audit log says so.
create or replace function public.forget_shared_face_templates()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  removed integer;
begin
  delete from public.model_artifacts where school_id = new.id;
  get diagnostics removed = row_count;
  insert into public.audit_log (school_id, actor, action, entity, entity_id, details)
  values (new.id, (select auth.uid()), 'privacy.templates_unshared', 'schools', new.id, jsonb_build_object('modelsDeleted', removed));
  return new;
end;
$$;
revoke execute on function public.forget_shared_face_templates() from public, anon, authenticated;

create trigger schools_forget_shared_face_templates
  after update of sync_face_templates on public.schools
  for each row
  when (old.sync_face_templates and not new.sync_face_templates)
  execute function public.forget_shared_face_templates();
