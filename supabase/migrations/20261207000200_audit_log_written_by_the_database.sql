-- The audit log is the school's evidence, so members cannot write it as
-- they like. Before, any member could insert a row with any action, a
-- backdated `at` and free details (naming another student, whose access
-- request then listed it). Now members append only through
-- public.record_audit: the actor is the caller, the time is now(), the
-- action is one of those the edge functions record (each with its own
-- entity), and whatever the entry is about, or a student its details name,
-- belongs to the school. Triggers and definer functions write their own
-- entries as before.
drop policy "Members can append to their school's audit log" on public.audit_log;
revoke insert on table public.audit_log from authenticated;

-- Does this row of `entity` belong to `school`? Only the entities members record.
create or replace function private.audit_entity_in_school(entity text, entity_id uuid, school uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select case entity
    when 'students' then exists (select 1 from public.students s where s.id = entity_id and s.school_id = school)
    when 'student_guardians' then exists (select 1 from public.students s where s.id = entity_id and s.school_id = school)
    when 'guardian_notification_preferences' then exists (select 1 from public.students s where s.id = entity_id and s.school_id = school)
    when 'class_teachers' then exists (select 1 from public.classes c where c.id = entity_id and c.school_id = school)
    when 'model_artifacts' then exists (select 1 from public.model_artifacts m where m.id = entity_id and m.school_id = school)
    when 'consents' then exists (select 1 from public.consents c where c.id = entity_id and c.school_id = school)
    when 'invites' then exists (select 1 from private.invites i where i.id = entity_id and i.school_id = school)
    else false
  end
$$;
revoke execute on function private.audit_entity_in_school(text, uuid, uuid) from public, anon, authenticated;

create or replace function public.record_audit(school uuid, action text, entity text, entity_id uuid default null, details jsonb default '{}'::jsonb)
returns void
language plpgsql
security definer
set search_path = ''
as $$
#variable_conflict use_variable
declare
  -- The actions the edge functions record for a member, each about one kind of row.
  action_entity text := case action
    when 'sync.push' then 'sync'
    when 'preferences.changed' then 'guardian_notification_preferences'
    when 'invite.created' then 'invites'
    when 'guardian.linked' then 'student_guardians'
    when 'teacher.assigned' then 'class_teachers'
    when 'model.uploaded' then 'model_artifacts'
    when 'model.activated' then 'model_artifacts'
    when 'privacy.student_erased' then 'students'
    when 'privacy.access_request' then 'students'
    when 'consent.given' then 'consents'
    when 'consent.withdrawn' then 'students'
  end;
  named text;
begin
  if (select auth.uid()) is null or not public.is_member_of(school) then
    raise exception 'only a member of the school can add to its audit log' using errcode = 'insufficient_privilege';
  end if;
  if action_entity is null then
    raise exception 'audit action % is not one a member records', action using errcode = 'invalid_parameter_value';
  end if;
  if entity is distinct from action_entity then
    raise exception 'audit action % is about %, not %', action, action_entity, entity using errcode = 'invalid_parameter_value';
  end if;
  if details is null or jsonb_typeof(details) <> 'object' or octet_length(details::text) > 8192 then
    raise exception 'audit details must be a JSON object of at most 8 KB' using errcode = 'invalid_parameter_value';
  end if;
  if (entity = 'sync') <> (entity_id is null) then
    raise exception 'audit action % %', action, case when entity = 'sync' then 'is about no row' else 'needs the row it is about' end
      using errcode = 'invalid_parameter_value';
  end if;
  if entity_id is not null and not private.audit_entity_in_school(entity, entity_id, school) then
    raise exception 'the % row an audit entry is about must belong to the school', entity using errcode = 'invalid_parameter_value';
  end if;
  -- An access request lists entries whose details name the student: only students of this school.
  foreach named in array array[details ->> 'studentId', details ->> 'student_id'] loop
    if named is not null and (named !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
        or not private.audit_entity_in_school('students', named::uuid, school)) then
      raise exception 'an audit entry may name only students of the school' using errcode = 'invalid_parameter_value';
    end if;
  end loop;
  insert into public.audit_log (school_id, actor, action, entity, entity_id, at, details)
  values (school, (select auth.uid()), action, entity, entity_id, now(), details);
end;
$$;
revoke execute on function public.record_audit(uuid, text, text, uuid, jsonb) from public, anon;
grant execute on function public.record_audit(uuid, text, text, uuid, jsonb) to authenticated, service_role;
