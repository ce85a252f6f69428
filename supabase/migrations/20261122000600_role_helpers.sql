-- Who the caller is, relative to a school, class, student or guardian.
--
-- Policies ask these small questions instead of repeating joins. They are
-- security definer so that answering them does not depend on what the
-- caller may read (and cannot recurse into the policies of the tables they
-- read), and set search_path = '' so that nothing the caller creates can
-- shadow the tables. Each one answers only about the caller (auth.uid()).
--
-- Access always comes from the memberships table, never from claims in the
-- JWT: removing a membership takes effect on the next query.

create or replace function public.is_member_of(school_id uuid, roles public.app_role[] default null)
returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.memberships m
    where m.user_id = auth.uid()
      and m.school_id = is_member_of.school_id
      and (is_member_of.roles is null or m.role = any (is_member_of.roles))
  )
$$;

create or replace function public.is_admin_of(school_id uuid)
returns boolean
language sql stable security definer
set search_path = ''
as $$
  select public.is_member_of(is_admin_of.school_id, array['admin']::public.app_role[])
$$;

create or replace function public.school_of_class(class_id uuid)
returns uuid
language sql stable security definer
set search_path = ''
as $$
  select c.school_id from public.classes c where c.id = school_of_class.class_id
$$;

create or replace function public.class_of_student(student_id uuid)
returns uuid
language sql stable security definer
set search_path = ''
as $$
  select s.class_id from public.students s where s.id = class_of_student.student_id
$$;

-- A teacher assigned to the class who still holds the teacher role in its school.
create or replace function public.is_teacher_of(class_id uuid)
returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.class_teachers ct
    join public.classes c on c.id = ct.class_id
    join public.memberships m on m.user_id = ct.user_id and m.school_id = c.school_id and m.role = 'teacher'
    where ct.class_id = is_teacher_of.class_id
      and ct.user_id = auth.uid()
  )
$$;

create or replace function public.is_teacher_of_student(student_id uuid)
returns boolean
language sql stable security definer
set search_path = ''
as $$
  select public.is_teacher_of(public.class_of_student(is_teacher_of_student.student_id))
$$;

-- The caller is this student (their own row, through their student account).
create or replace function public.is_student(student_id uuid)
returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.students s
    join public.memberships m on m.user_id = s.user_id and m.school_id = s.school_id and m.role = 'student'
    where s.id = is_student.student_id
      and s.user_id = auth.uid()
  )
$$;

-- The caller is this guardian (their own row, through their parent account).
create or replace function public.is_guardian(guardian_id uuid)
returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.guardians g
    join public.memberships m on m.user_id = g.user_id and m.school_id = g.school_id and m.role = 'parent'
    where g.id = is_guardian.guardian_id
      and g.user_id = auth.uid()
      and g.deleted_at is null
  )
$$;

-- The caller is a guardian of this student.
create or replace function public.is_guardian_of(student_id uuid)
returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.student_guardians sg
    where sg.student_id = is_guardian_of.student_id
      and public.is_guardian(sg.guardian_id)
  )
$$;

-- The caller is a student in this class.
create or replace function public.is_student_in_class(class_id uuid)
returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.students s
    where s.class_id = is_student_in_class.class_id
      and s.user_id = auth.uid()
      and public.is_student(s.id)
  )
$$;

-- The caller is a guardian of a student in this class.
create or replace function public.is_guardian_in_class(class_id uuid)
returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.students s
    join public.student_guardians sg on sg.student_id = s.id
    where s.class_id = is_guardian_in_class.class_id
      and public.is_guardian(sg.guardian_id)
  )
$$;

-- The caller teaches a child of this guardian.
create or replace function public.is_teacher_of_guardian(guardian_id uuid)
returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.student_guardians sg
    join public.students s on s.id = sg.student_id
    where sg.guardian_id = is_teacher_of_guardian.guardian_id
      and public.is_teacher_of(s.class_id)
  )
$$;

-- Supabase lets anon call public functions by default; these answer nothing
-- useful without a user, so only signed-in users (and the policies they
-- trigger) run them.
revoke all on function
  public.is_member_of(uuid, public.app_role[]),
  public.is_admin_of(uuid),
  public.school_of_class(uuid),
  public.class_of_student(uuid),
  public.is_teacher_of(uuid),
  public.is_teacher_of_student(uuid),
  public.is_student(uuid),
  public.is_guardian(uuid),
  public.is_guardian_of(uuid),
  public.is_student_in_class(uuid),
  public.is_guardian_in_class(uuid),
  public.is_teacher_of_guardian(uuid)
  from public, anon;
grant execute on function
  public.is_member_of(uuid, public.app_role[]),
  public.is_admin_of(uuid),
  public.school_of_class(uuid),
  public.class_of_student(uuid),
  public.is_teacher_of(uuid),
  public.is_teacher_of_student(uuid),
  public.is_student(uuid),
  public.is_guardian(uuid),
  public.is_guardian_of(uuid),
  public.is_student_in_class(uuid),
  public.is_guardian_in_class(uuid),
  public.is_teacher_of_guardian(uuid)
  to authenticated, service_role;
