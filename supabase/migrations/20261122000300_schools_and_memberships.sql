-- A school is the unit of tenancy: every other row belongs to exactly one
-- school, and nobody reaches another school's rows.
create type public.app_role as enum ('admin', 'teacher', 'student', 'parent');

create table public.schools (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(btrim(name)) between 1 and 200),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
alter table public.schools enable row level security;

create trigger schools_set_updated_at
  before insert or update on public.schools
  for each row execute function public.set_updated_at();

-- A person may hold several roles in one school (a teacher who is also a
-- parent) and belong to several schools.
create table public.memberships (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  school_id uuid not null references public.schools (id) on delete cascade,
  role public.app_role not null,
  created_at timestamptz not null default now(),
  unique (user_id, school_id, role)
);
alter table public.memberships enable row level security;

create index memberships_school_id_idx on public.memberships (school_id);

revoke all on table public.schools, public.memberships from anon, authenticated;
grant select, insert, update, delete on table public.schools, public.memberships to authenticated;
grant all on table public.schools, public.memberships to service_role;
