-- Students, their guardians, and how each guardian wants to be told.
create table public.students (
  id uuid primary key default gen_random_uuid(),
  school_id uuid not null references public.schools (id) on delete cascade,
  class_id uuid not null,
  roll_no text not null check (length(btrim(roll_no)) between 1 and 40),
  full_name text not null check (length(btrim(full_name)) between 1 and 200),
  email extensions.citext,
  -- The student's own account, when the school gives them one.
  user_id uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  unique (id, school_id),
  foreign key (class_id, school_id) references public.classes (id, school_id) on delete cascade
);
alter table public.students enable row level security;

-- A removed student's roll number can be given to someone else.
create unique index students_class_id_roll_no_key on public.students (class_id, roll_no) where deleted_at is null;
create index students_school_id_updated_at_idx on public.students (school_id, updated_at);
create index students_user_id_idx on public.students (user_id) where user_id is not null;
create index students_full_name_trgm_idx on public.students using gin (full_name extensions.gin_trgm_ops);

create trigger students_set_updated_at
  before insert or update on public.students
  for each row execute function public.set_updated_at();

create table public.guardians (
  id uuid primary key default gen_random_uuid(),
  school_id uuid not null references public.schools (id) on delete cascade,
  full_name text not null check (length(btrim(full_name)) between 1 and 200),
  -- E.164 only: the device normalises what people type before syncing.
  phone text constraint guardians_phone_e164 check (phone ~ '^\+[1-9][0-9]{6,14}$'),
  email extensions.citext,
  -- The guardian's own account, when they use the parents' view.
  user_id uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  unique (id, school_id)
);
alter table public.guardians enable row level security;

create index guardians_school_id_updated_at_idx on public.guardians (school_id, updated_at);
create index guardians_user_id_idx on public.guardians (user_id) where user_id is not null;

create trigger guardians_set_updated_at
  before insert or update on public.guardians
  for each row execute function public.set_updated_at();

create table public.student_guardians (
  student_id uuid not null,
  guardian_id uuid not null,
  school_id uuid not null references public.schools (id) on delete cascade,
  relationship text not null default 'guardian' check (length(btrim(relationship)) between 1 and 40),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (student_id, guardian_id),
  unique (student_id, guardian_id, school_id),
  foreign key (student_id, school_id) references public.students (id, school_id) on delete cascade,
  foreign key (guardian_id, school_id) references public.guardians (id, school_id) on delete cascade
);
alter table public.student_guardians enable row level security;

create index student_guardians_guardian_id_idx on public.student_guardians (guardian_id);
create index student_guardians_school_id_updated_at_idx on public.student_guardians (school_id, updated_at);

create trigger student_guardians_set_updated_at
  before insert or update on public.student_guardians
  for each row execute function public.set_updated_at();

create type public.notify_on as enum ('absence', 'every-mark', 'off');

-- One row per guardian and child; no row means the school's default
-- ('absence', no quiet hours).
create table public.guardian_notification_preferences (
  guardian_id uuid not null,
  student_id uuid not null,
  school_id uuid not null references public.schools (id) on delete cascade,
  notify_on public.notify_on not null default 'absence',
  -- Local times; a window may wrap midnight (21:00 to 07:00).
  quiet_hours_start time,
  quiet_hours_end time,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (guardian_id, student_id),
  check ((quiet_hours_start is null) = (quiet_hours_end is null)),
  foreign key (student_id, guardian_id, school_id)
    references public.student_guardians (student_id, guardian_id, school_id) on delete cascade
);
alter table public.guardian_notification_preferences enable row level security;

create index guardian_notification_preferences_student_id_idx on public.guardian_notification_preferences (student_id, guardian_id);
create index guardian_notification_preferences_school_id_idx on public.guardian_notification_preferences (school_id);

create trigger guardian_notification_preferences_set_updated_at
  before insert or update on public.guardian_notification_preferences
  for each row execute function public.set_updated_at();

revoke all on table public.students, public.guardians, public.student_guardians, public.guardian_notification_preferences
  from anon, authenticated;
grant select, insert, update, delete
  on table public.students, public.guardians, public.student_guardians, public.guardian_notification_preferences
  to authenticated;
grant all on table public.students, public.guardians, public.student_guardians, public.guardian_notification_preferences
  to service_role;
