-- Messages to guardians (absence, lateness), queued here and sent by the
-- notify function with the service role, which retries failures.
create type public.notification_channel as enum ('sms', 'email');
create type public.notification_status as enum ('queued', 'sent', 'delivered', 'failed');

create table public.notifications (
  id uuid primary key default gen_random_uuid(),
  school_id uuid not null references public.schools (id) on delete cascade,
  session_id uuid,
  student_id uuid not null,
  channel public.notification_channel not null,
  recipient text not null,
  template text not null check (length(btrim(template)) between 1 and 100),
  status public.notification_status not null default 'queued',
  provider_id text,
  attempts integer not null default 0 check (attempts >= 0),
  last_error text check (length(last_error) <= 2000),
  next_attempt_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint notifications_recipient_matches_channel check (
    (channel = 'sms' and recipient ~ '^\+[1-9][0-9]{6,14}$')
    or (channel = 'email' and recipient ~ '^[^@[:space:]]+@[^@[:space:]]+$')
  ),
  foreign key (session_id, school_id) references public.sessions (id, school_id) on delete cascade,
  foreign key (student_id, school_id) references public.students (id, school_id) on delete cascade
);
alter table public.notifications enable row level security;

create index notifications_student_id_idx on public.notifications (student_id);
create index notifications_session_id_idx on public.notifications (session_id) where session_id is not null;
create index notifications_school_id_updated_at_idx on public.notifications (school_id, updated_at);
-- The sender's queue: what is due next.
create index notifications_due_idx on public.notifications (next_attempt_at) where status in ('queued', 'failed');

create trigger notifications_set_updated_at
  before insert or update on public.notifications
  for each row execute function public.set_updated_at();

revoke all on table public.notifications from anon, authenticated;
grant select, insert, update, delete on table public.notifications to authenticated;
grant all on table public.notifications to service_role;

create policy "Admins can manage notifications in their school"
  on public.notifications for all to authenticated
  using (public.is_admin_of(school_id))
  with check (public.is_admin_of(school_id));

create policy "Teachers can read notifications about students in their classes"
  on public.notifications for select to authenticated
  using (public.is_teacher_of_student(student_id));

create policy "Parents can read notifications about their children"
  on public.notifications for select to authenticated
  using (public.is_guardian_of(student_id));
