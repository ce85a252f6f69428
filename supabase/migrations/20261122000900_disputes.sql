-- A student who thinks their mark is wrong opens a dispute; a teacher of the
-- class or an admin resolves or rejects it.
create type public.dispute_status as enum ('open', 'resolved', 'rejected');

create table public.disputes (
  id uuid primary key default gen_random_uuid(),
  school_id uuid not null references public.schools (id) on delete cascade,
  mark_id uuid not null,
  opened_by uuid not null default auth.uid() references auth.users (id),
  reason text not null check (length(btrim(reason)) between 1 and 2000),
  status public.dispute_status not null default 'open',
  resolution text check (length(resolution) <= 2000),
  resolved_by uuid references auth.users (id),
  resolved_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- An open dispute has no outcome; a closed one says who closed it and when.
  check ((status = 'open') = (resolved_by is null and resolved_at is null)),
  foreign key (mark_id, school_id) references public.attendance_marks (id, school_id) on delete cascade
);
alter table public.disputes enable row level security;

-- One open dispute per mark; a rejected one can be followed by another.
create unique index disputes_one_open_per_mark_key on public.disputes (mark_id) where status = 'open';
create index disputes_mark_id_idx on public.disputes (mark_id);
create index disputes_opened_by_idx on public.disputes (opened_by);
create index disputes_resolved_by_idx on public.disputes (resolved_by) where resolved_by is not null;
create index disputes_school_id_updated_at_idx on public.disputes (school_id, updated_at);

create trigger disputes_set_updated_at
  before insert or update on public.disputes
  for each row execute function public.set_updated_at();

revoke all on table public.disputes from anon, authenticated;
grant select, insert, update, delete on table public.disputes to authenticated;
grant all on table public.disputes to service_role;

create or replace function public.student_of_mark(mark_id uuid)
returns uuid
language sql stable security definer
set search_path = ''
as $$
  select m.student_id from public.attendance_marks m where m.id = student_of_mark.mark_id
$$;

create or replace function public.class_of_mark(mark_id uuid)
returns uuid
language sql stable security definer
set search_path = ''
as $$
  select s.class_id
  from public.attendance_marks m
  join public.sessions s on s.id = m.session_id
  where m.id = class_of_mark.mark_id
$$;

revoke all on function public.student_of_mark(uuid), public.class_of_mark(uuid) from public, anon;
grant execute on function public.student_of_mark(uuid), public.class_of_mark(uuid) to authenticated, service_role;

create policy "Admins can manage disputes in their school"
  on public.disputes for all to authenticated
  using (public.is_admin_of(school_id))
  with check (public.is_admin_of(school_id));

create policy "Students can dispute their own marks"
  on public.disputes for insert to authenticated
  with check (
    public.is_student(public.student_of_mark(mark_id))
    and opened_by = (select auth.uid())
    and status = 'open'
    and resolution is null
  );

create policy "Students can read disputes on their own marks"
  on public.disputes for select to authenticated
  using (public.is_student(public.student_of_mark(mark_id)));

create policy "Parents can read disputes on their children's marks"
  on public.disputes for select to authenticated
  using (public.is_guardian_of(public.student_of_mark(mark_id)));

create policy "Teachers can read disputes in their classes"
  on public.disputes for select to authenticated
  using (public.is_teacher_of(public.class_of_mark(mark_id)));

create policy "Teachers can resolve disputes in their classes"
  on public.disputes for update to authenticated
  using (public.is_teacher_of(public.class_of_mark(mark_id)))
  with check (
    public.is_teacher_of(public.class_of_mark(mark_id))
    and (status = 'open' or resolved_by = (select auth.uid()))
  );
