-- Erasing a student's face data on the server.
--
-- The server holds a student's face data in one place: the class models
-- (model_artifacts), which carry every enrolled student's descriptors.
-- Face crops and photos are never uploaded, and recognition events hold
-- a box and a score, not a face. Erasing therefore deletes every stored
-- model of the student's class (the class retrains without them) and
-- stamps students.biometrics_erased_at, which devices pull with the
-- student and answer by deleting that student's face samples.
--
-- private.forget_face_data does the work and is reachable only from
-- security definer code: the erase function below, which first checks that
-- the caller teaches the class or runs the school (teachers may not
-- otherwise delete models or change student rows), and the consent
-- withdrawal trigger.
alter table public.students add column biometrics_erased_at timestamptz;

comment on column public.students.biometrics_erased_at is
  'When the server last erased this student''s face data; devices delete their face samples taken before it.';

create or replace function private.forget_face_data(p_student uuid, p_reason text)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  stu record;
  removed integer;
begin
  select s.id, s.school_id, s.class_id into stu from public.students s where s.id = p_student;
  if stu.id is null then
    return 0;
  end if;
  delete from public.model_artifacts where class_id = stu.class_id;
  get diagnostics removed = row_count;
  update public.students set biometrics_erased_at = now() where id = stu.id;
  insert into public.audit_log (school_id, actor, action, entity, entity_id, details)
  values (stu.school_id, auth.uid(), 'privacy.biometrics_erased', 'students', stu.id,
          jsonb_build_object('reason', p_reason, 'class_id', stu.class_id, 'modelsDeleted', removed));
  return removed;
end;
$$;
revoke execute on function private.forget_face_data(uuid, text) from public, anon, authenticated;

-- For a teacher of the student's class or an admin of their school; anyone
-- else (and anyone who cannot see the student) gets 'not allowed'.
create or replace function public.erase_student_biometrics(p_student uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  school uuid;
begin
  select s.school_id into school from public.students s where s.id = p_student;
  if school is null or not (public.is_teacher_of_student(p_student) or public.is_admin_of(school)) then
    raise exception 'not allowed' using errcode = '42501';
  end if;
  return jsonb_build_object('modelsDeleted', private.forget_face_data(p_student, 'erasure request'));
end;
$$;
revoke execute on function public.erase_student_biometrics(uuid) from public, anon;
grant execute on function public.erase_student_biometrics(uuid) to authenticated;
