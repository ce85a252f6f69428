-- Classes and who teaches them. Ids are made on the device that created the
-- class, so a class synced later keeps its id.
create table public.classes (
  id uuid primary key default gen_random_uuid(),
  school_id uuid not null references public.schools (id) on delete cascade,
  name text not null check (length(btrim(name)) between 1 and 100),
  late_after_minutes integer not null default 10 check (late_after_minutes between 0 and 240),
  -- ISO 3166 country used to read phone numbers written without a country code.
  default_country text not null default 'IN' check (default_country ~ '^[A-Z]{2}$'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  -- Lets rows below reference (class_id, school_id), so a class and its
  -- students or sessions can never be in different schools.
  unique (id, school_id)
);
alter table public.classes enable row level security;

create index classes_school_id_updated_at_idx on public.classes (school_id, updated_at);

create trigger classes_set_updated_at
  before insert or update on public.classes
  for each row execute function public.set_updated_at();

create table public.class_teachers (
  class_id uuid not null references public.classes (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (class_id, user_id)
);
alter table public.class_teachers enable row level security;

create index class_teachers_user_id_idx on public.class_teachers (user_id);

revoke all on table public.classes, public.class_teachers from anon, authenticated;
grant select, insert, update, delete on table public.classes, public.class_teachers to authenticated;
grant all on table public.classes, public.class_teachers to service_role;
