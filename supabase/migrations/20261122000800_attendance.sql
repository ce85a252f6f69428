-- Sessions, marks and recognition events, as the devices record them. Ids
-- are made on the device, so a row synced twice is the same row.
create type public.attendance_status as enum ('present', 'absent', 'late', 'excused');
create type public.mark_source as enum ('auto', 'manual');

create table public.sessions (
  id uuid primary key,
  school_id uuid not null references public.schools (id) on delete cascade,
  class_id uuid not null,
  starts_at timestamptz not null,
  taken_by uuid not null default auth.uid() references auth.users (id),
  mode text not null default 'manual' check (mode in ('live', 'photo', 'manual')),
  faces_detected integer not null default 0 check (faces_detected >= 0),
  photos integer not null default 0 check (photos >= 0),
  device text not null default '' check (length(device) <= 200),
  -- Once set, only admins change the session or delete its marks.
  finalised_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  unique (id, school_id),
  foreign key (class_id, school_id) references public.classes (id, school_id) on delete cascade
);
alter table public.sessions enable row level security;

create index sessions_class_id_starts_at_idx on public.sessions (class_id, starts_at);
create index sessions_school_id_updated_at_idx on public.sessions (school_id, updated_at);
create index sessions_taken_by_idx on public.sessions (taken_by);

create trigger sessions_set_updated_at
  before insert or update on public.sessions
  for each row execute function public.set_updated_at();

create table public.attendance_marks (
  id uuid primary key,
  school_id uuid not null references public.schools (id) on delete cascade,
  session_id uuid not null,
  student_id uuid not null,
  status public.attendance_status not null,
  source public.mark_source not null,
  -- Calibrated probability of an automatic mark; null for manual ones.
  confidence numeric check (confidence between 0 and 1),
  marked_at timestamptz not null default now(),
  device text not null default '' check (length(device) <= 200),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (session_id, student_id),
  unique (id, school_id),
  foreign key (session_id, school_id) references public.sessions (id, school_id) on delete cascade,
  foreign key (student_id, school_id) references public.students (id, school_id) on delete cascade
);
alter table public.attendance_marks enable row level security;

create index attendance_marks_student_id_idx on public.attendance_marks (student_id);
create index attendance_marks_school_id_updated_at_idx on public.attendance_marks (school_id, updated_at);

create trigger attendance_marks_set_updated_at
  before insert or update on public.attendance_marks
  for each row execute function public.set_updated_at();

-- Every face the recogniser named or could not name, for review. Devices
-- only add events; nobody but an admin changes them.
create table public.recognition_events (
  id uuid primary key,
  school_id uuid not null references public.schools (id) on delete cascade,
  session_id uuid not null,
  at timestamptz not null,
  student_id uuid,
  confidence numeric not null check (confidence between 0 and 1),
  device text not null default '' check (length(device) <= 200),
  box jsonb,
  reason text not null default '' check (length(reason) <= 200),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (session_id, school_id) references public.sessions (id, school_id) on delete cascade,
  foreign key (student_id, school_id) references public.students (id, school_id) on delete cascade
);
alter table public.recognition_events enable row level security;

create index recognition_events_session_id_idx on public.recognition_events (session_id);
create index recognition_events_student_id_idx on public.recognition_events (student_id) where student_id is not null;
create index recognition_events_school_id_updated_at_idx on public.recognition_events (school_id, updated_at);

create trigger recognition_events_set_updated_at
  before insert or update on public.recognition_events
  for each row execute function public.set_updated_at();

revoke all on table public.sessions, public.attendance_marks, public.recognition_events from anon, authenticated;
grant select, insert, update, delete on table public.sessions, public.attendance_marks, public.recognition_events
  to authenticated;
grant all on table public.sessions, public.attendance_marks, public.recognition_events to service_role;

-- Helpers for the policies below (see 20261122000600_role_helpers.sql for why
-- they are security definer).
create or replace function public.class_of_session(session_id uuid)
returns uuid
language sql stable security definer
set search_path = ''
as $$
  select s.class_id from public.sessions s where s.id = class_of_session.session_id
$$;

create or replace function public.is_session_open(session_id uuid)
returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.sessions s
    where s.id = is_session_open.session_id and s.finalised_at is null
  )
$$;

revoke all on function public.class_of_session(uuid), public.is_session_open(uuid) from public, anon;
grant execute on function public.class_of_session(uuid), public.is_session_open(uuid) to authenticated, service_role;

-- sessions
create policy "Admins can manage sessions in their school"
  on public.sessions for all to authenticated
  using (public.is_admin_of(school_id))
  with check (public.is_admin_of(school_id));

create policy "Teachers can read sessions of their classes"
  on public.sessions for select to authenticated
  using (public.is_teacher_of(class_id));

create policy "Teachers can take attendance in their classes"
  on public.sessions for insert to authenticated
  with check (public.is_teacher_of(class_id) and taken_by = (select auth.uid()));

create policy "Teachers can update open sessions of their classes"
  on public.sessions for update to authenticated
  using (public.is_teacher_of(class_id) and finalised_at is null)
  with check (public.is_teacher_of(class_id));

create policy "Students can read sessions of their class"
  on public.sessions for select to authenticated
  using (public.is_student_in_class(class_id));

create policy "Parents can read sessions of their children's classes"
  on public.sessions for select to authenticated
  using (public.is_guardian_in_class(class_id));

-- attendance_marks
create policy "Admins can manage marks in their school"
  on public.attendance_marks for all to authenticated
  using (public.is_admin_of(school_id))
  with check (public.is_admin_of(school_id));

create policy "Teachers can read marks in their classes"
  on public.attendance_marks for select to authenticated
  using (public.is_teacher_of(public.class_of_session(session_id)));

-- The student must be in the session's class: a teacher of two classes
-- cannot mark a student of one into a session of the other.
create policy "Teachers can mark attendance in their classes"
  on public.attendance_marks for insert to authenticated
  with check (
    public.is_teacher_of(public.class_of_session(session_id))
    and public.class_of_student(student_id) = public.class_of_session(session_id)
  );

-- Corrections stay possible after finalising (a late arrival, a resolved dispute).
create policy "Teachers can correct marks in their classes"
  on public.attendance_marks for update to authenticated
  using (public.is_teacher_of(public.class_of_session(session_id)))
  with check (
    public.is_teacher_of(public.class_of_session(session_id))
    and public.class_of_student(student_id) = public.class_of_session(session_id)
  );

create policy "Teachers can delete marks of open sessions in their classes"
  on public.attendance_marks for delete to authenticated
  using (public.is_teacher_of(public.class_of_session(session_id)) and public.is_session_open(session_id));

create policy "Students can read their own marks"
  on public.attendance_marks for select to authenticated
  using (public.is_student(student_id));

create policy "Parents can read their children's marks"
  on public.attendance_marks for select to authenticated
  using (public.is_guardian_of(student_id));

-- recognition_events
create policy "Admins can manage recognition events in their school"
  on public.recognition_events for all to authenticated
  using (public.is_admin_of(school_id))
  with check (public.is_admin_of(school_id));

create policy "Teachers can read recognition events in their classes"
  on public.recognition_events for select to authenticated
  using (public.is_teacher_of(public.class_of_session(session_id)));

create policy "Teachers can record recognition events in their classes"
  on public.recognition_events for insert to authenticated
  with check (public.is_teacher_of(public.class_of_session(session_id)));
