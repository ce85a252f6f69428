-- Consent to keep and use a student's face data. A record is evidence: it is
-- never edited, only withdrawn; giving consent again adds a new record.
create table public.consents (
  id uuid primary key default gen_random_uuid(),
  school_id uuid not null references public.schools (id) on delete cascade,
  student_id uuid not null,
  -- The guardian who consented, when it was not the student.
  guardian_id uuid,
  -- Who recorded it: the parent in the app, or the admin who filed a paper form.
  given_by uuid not null default auth.uid() references auth.users (id),
  method text not null check (method in ('app', 'paper', 'email', 'verbal')),
  -- The version of the privacy notice that was shown.
  notice_version text not null check (length(btrim(notice_version)) between 1 and 50),
  given_at timestamptz not null default now(),
  withdrawn_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (withdrawn_at is null or withdrawn_at >= given_at),
  foreign key (student_id, school_id) references public.students (id, school_id) on delete cascade,
  foreign key (guardian_id, school_id) references public.guardians (id, school_id) on delete cascade
);
alter table public.consents enable row level security;

create index consents_student_id_idx on public.consents (student_id);
create index consents_guardian_id_idx on public.consents (guardian_id) where guardian_id is not null;
create index consents_given_by_idx on public.consents (given_by);
create index consents_school_id_updated_at_idx on public.consents (school_id, updated_at);

create trigger consents_set_updated_at
  before insert or update on public.consents
  for each row execute function public.set_updated_at();

create or replace function public.only_withdraw_consent()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if (new.school_id, new.student_id, new.guardian_id, new.given_by, new.method, new.notice_version, new.given_at)
     is distinct from
     (old.school_id, old.student_id, old.guardian_id, old.given_by, old.method, old.notice_version, old.given_at) then
    raise exception 'a consent record cannot be edited, only withdrawn'
      using errcode = 'check_violation';
  end if;
  if old.withdrawn_at is not null and new.withdrawn_at is distinct from old.withdrawn_at then
    raise exception 'a withdrawn consent stays withdrawn: record a new consent instead'
      using errcode = 'check_violation';
  end if;
  return new;
end;
$$;

create trigger consents_only_withdraw
  before update on public.consents
  for each row execute function public.only_withdraw_consent();

revoke all on table public.consents from anon, authenticated;
grant select, insert, update, delete on table public.consents to authenticated;
grant all on table public.consents to service_role;

create policy "Admins can manage consents in their school"
  on public.consents for all to authenticated
  using (public.is_admin_of(school_id))
  with check (public.is_admin_of(school_id));

create policy "Teachers can read consents of students in their classes"
  on public.consents for select to authenticated
  using (public.is_teacher_of_student(student_id));

create policy "Students can read their own consents"
  on public.consents for select to authenticated
  using (public.is_student(student_id));

create policy "Parents can read consents for their children"
  on public.consents for select to authenticated
  using (public.is_guardian_of(student_id));

create policy "Parents can give consent for their children"
  on public.consents for insert to authenticated
  with check (
    public.is_guardian_of(student_id)
    and given_by = (select auth.uid())
    and withdrawn_at is null
    and (guardian_id is null or public.is_guardian(guardian_id))
  );

-- The trigger above limits the change to setting withdrawn_at.
create policy "Parents can withdraw consent for their children"
  on public.consents for update to authenticated
  using (public.is_guardian_of(student_id))
  with check (public.is_guardian_of(student_id));
