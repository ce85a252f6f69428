-- Three integrity gaps a teacher's or another school's rights reached through.
--
-- 1. The id lookups the policies use (school_of_class, class_of_student,
--    class_of_session, class_of_mark, student_of_mark) are security definer,
--    so they answered anyone about any school's rows. They now answer a
--    signed-in user only about the schools they belong to (null otherwise,
--    which every policy already reads as "no"); the server's own calls,
--    with no user, get every answer as before.
create or replace function public.school_of_class(class_id uuid)
returns uuid
language sql stable security definer
set search_path = ''
as $$
  select c.school_id from public.classes c
  where c.id = school_of_class.class_id and ((select auth.uid()) is null or public.is_member_of(c.school_id))
$$;

create or replace function public.class_of_student(student_id uuid)
returns uuid
language sql stable security definer
set search_path = ''
as $$
  select s.class_id from public.students s
  where s.id = class_of_student.student_id and ((select auth.uid()) is null or public.is_member_of(s.school_id))
$$;

create or replace function public.class_of_session(session_id uuid)
returns uuid
language sql stable security definer
set search_path = ''
as $$
  select s.class_id from public.sessions s
  where s.id = class_of_session.session_id and ((select auth.uid()) is null or public.is_member_of(s.school_id))
$$;

create or replace function public.class_of_mark(mark_id uuid)
returns uuid
language sql stable security definer
set search_path = ''
as $$
  select s.class_id
  from public.attendance_marks m
  join public.sessions s on s.id = m.session_id
  where m.id = class_of_mark.mark_id and ((select auth.uid()) is null or public.is_member_of(m.school_id))
$$;

create or replace function public.student_of_mark(mark_id uuid)
returns uuid
language sql stable security definer
set search_path = ''
as $$
  select m.student_id from public.attendance_marks m
  where m.id = student_of_mark.mark_id and ((select auth.uid()) is null or public.is_member_of(m.school_id))
$$;

-- 2. A session stays with its class, and with the teacher who took it: a
--    teacher of two classes could move one, or hand an open session to
--    another teacher (`update sessions set taken_by`). Only an admin may
--    hand a session over; nobody moves one to another class (its marks
--    name that class's students).
create or replace function private.keep_session_class_and_taker()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.class_id is distinct from old.class_id or new.school_id is distinct from old.school_id then
    raise exception 'a session stays in its class: start a new one in the other class'
      using errcode = 'insufficient_privilege';
  end if;
  if new.taken_by is distinct from old.taken_by and (select auth.uid()) is not null and not public.is_admin_of(old.school_id) then
    raise exception 'only an admin can hand a session to another teacher'
      using errcode = 'insufficient_privilege';
  end if;
  return new;
end;
$$;
revoke all on function private.keep_session_class_and_taker() from public, anon, authenticated;

create trigger sessions_keep_class_and_taker
  before update on public.sessions
  for each row execute function private.keep_session_class_and_taker();

-- 3. A recognition event names, if anyone, a student of the session's
--    class, as a mark must: a teacher of two classes could name one class's
--    student in the other's session.
drop policy "Admins can manage recognition events in their school" on public.recognition_events;
drop policy "Teachers can record recognition events in their classes" on public.recognition_events;

create policy "Admins can manage recognition events in their school"
  on public.recognition_events for all to authenticated
  using (public.is_admin_of(school_id))
  with check (
    public.is_admin_of(school_id)
    and (student_id is null or public.class_of_student(student_id) = public.class_of_session(session_id))
  );

create policy "Teachers can record recognition events in their classes"
  on public.recognition_events for insert to authenticated
  with check (
    public.is_teacher_of(public.class_of_session(session_id))
    and (student_id is null or public.class_of_student(student_id) = public.class_of_session(session_id))
  );
