-- Repeated failed sign-ins reach a person: the school's admins.
--
-- private.sign_in_failures holds each failed password sign-in for a day:
-- the account (null for an address that is no account) and the origin (the
-- client's address, when the caller knows it). Recording one is the only
-- way in, private.record_sign_in_failure, which also decides the two rules
-- and raises a warning in private.sign_in_alerts:
--
--   account  5 failures for one account in 15 minutes: a warning for each
--            school the account belongs to;
--   origin   failures from one origin against 3 accounts of a school in 15
--            minutes: a warning for that school, counting the failures from
--            the origin against its accounts and against unknown addresses.
--
-- At most one warning per school, kind and subject (the account or the
-- origin) an hour: failures while one is open update its count. The notify
-- function tells the school's admins of each new warning once
-- (notified_at). Admins read their school's warnings; nobody else does, and
-- nobody but the recording function writes them.
--
-- Supabase Auth reaches the recording through its password verification
-- hook (public.password_verification_attempt_hook), which is told the user
-- and not the origin, so on a hosted project only the account rule can
-- trip. The local auth stand-in records the origin too.

create table private.sign_in_failures (
  id bigint generated always as identity primary key,
  user_id uuid references auth.users (id) on delete cascade,
  origin text check (length(origin) between 1 and 100),
  at timestamptz not null default now(),
  check (user_id is not null or origin is not null)
);
alter table private.sign_in_failures enable row level security;

create index sign_in_failures_user_id_at_idx on private.sign_in_failures (user_id, at) where user_id is not null;
create index sign_in_failures_origin_at_idx on private.sign_in_failures (origin, at) where origin is not null;
create index sign_in_failures_at_idx on private.sign_in_failures (at);

create table private.sign_in_alerts (
  id uuid primary key default gen_random_uuid(),
  school_id uuid not null references public.schools (id) on delete cascade,
  kind text not null check (kind in ('account', 'origin')),
  user_id uuid references auth.users (id) on delete cascade,
  origin text check (length(origin) between 1 and 100),
  failures integer not null check (failures > 0),
  -- Accounts of the school tried: 1 for an account warning.
  accounts integer not null check (accounts >= 0),
  first_at timestamptz not null,
  last_at timestamptz not null,
  created_at timestamptz not null default now(),
  -- When the admins were told; null until then.
  notified_at timestamptz,
  -- The sender's claim on it, so two senders at once do not both text; a
  -- try that reached no admin is tried again once it has passed.
  sending_until timestamptz,
  last_error text check (length(last_error) <= 500),
  check ((kind = 'account' and user_id is not null and origin is null) or (kind = 'origin' and origin is not null and user_id is null)),
  check (first_at <= last_at)
);
alter table private.sign_in_alerts enable row level security;

create index sign_in_alerts_school_id_last_at_idx on private.sign_in_alerts (school_id, last_at);
create index sign_in_alerts_subject_idx on private.sign_in_alerts (school_id, kind, user_id, origin, created_at);
create index sign_in_alerts_unsent_idx on private.sign_in_alerts (created_at) where notified_at is null;

revoke all on table private.sign_in_failures, private.sign_in_alerts from public, anon, authenticated;
grant select on table private.sign_in_alerts to authenticated;
grant all on table private.sign_in_failures, private.sign_in_alerts to service_role;

create policy "Admins can read their school's sign-in warnings"
  on private.sign_in_alerts for select to authenticated
  using (public.is_admin_of(school_id));

-- Opens a warning for this school and subject, or updates the one raised in
-- the last hour: its count is every matching failure since it began.
create or replace function private.raise_sign_in_alert(school uuid, kind text, who uuid, whence text)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  open_alert private.sign_in_alerts;
  since timestamptz;
  n integer;
  tried integer;
  first_failure timestamptz;
  last_failure timestamptz;
begin
  perform pg_advisory_xact_lock(hashtext(concat_ws(':', 'sign-in-alert', school, kind, who, whence)));
  select a.* into open_alert from private.sign_in_alerts a
  where a.school_id = school and a.kind = raise_sign_in_alert.kind
    and a.user_id is not distinct from who and a.origin is not distinct from whence
    and a.created_at > now() - interval '1 hour'
  order by a.created_at desc
  limit 1;
  since := coalesce(open_alert.first_at, now() - interval '15 minutes');

  select count(*), count(distinct f.user_id), min(f.at), max(f.at)
    into n, tried, first_failure, last_failure
  from private.sign_in_failures f
  where f.at >= since
    and case raise_sign_in_alert.kind
      when 'account' then f.user_id = who
      else f.origin = whence
        and (f.user_id is null or exists (select 1 from public.memberships m where m.user_id = f.user_id and m.school_id = school))
    end;

  if open_alert.id is null then
    insert into private.sign_in_alerts (school_id, kind, user_id, origin, failures, accounts, first_at, last_at)
    values (school, raise_sign_in_alert.kind, who, whence, n, tried, first_failure, last_failure);
  else
    update private.sign_in_alerts
    set failures = n, accounts = tried, last_at = last_failure
    where id = open_alert.id;
  end if;
end;
$$;

-- Records one failed sign-in and raises the warnings it trips. False when
-- there is nothing to count it toward (no account and no origin). Purges
-- failures more than a day old on the way, so the table stays small.
create or replace function private.record_sign_in_failure(user_id uuid, origin text)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  who uuid := record_sign_in_failure.user_id;
  whence text := nullif(btrim(left(record_sign_in_failure.origin, 100)), '');
  school uuid;
begin
  delete from private.sign_in_failures f where f.at < now() - interval '1 day';
  if who is null and whence is null then
    return false;
  end if;
  insert into private.sign_in_failures (user_id, origin) values (who, whence);

  if who is not null
     and (select count(*) from private.sign_in_failures f where f.user_id = who and f.at >= now() - interval '15 minutes') >= 5 then
    for school in select distinct m.school_id from public.memberships m where m.user_id = who loop
      perform private.raise_sign_in_alert(school, 'account', who, null);
    end loop;
  end if;

  if whence is not null then
    for school in
      select m.school_id
      from private.sign_in_failures f
      join public.memberships m on m.user_id = f.user_id
      where f.origin = whence and f.at >= now() - interval '15 minutes'
      group by m.school_id
      having count(distinct f.user_id) >= 3
    loop
      perform private.raise_sign_in_alert(school, 'origin', null, whence);
    end loop;
  end if;
  return true;
end;
$$;

revoke all on function private.raise_sign_in_alert(uuid, text, uuid, text) from public, anon, authenticated;
revoke all on function private.record_sign_in_failure(uuid, text) from public, anon, authenticated;
grant execute on function private.record_sign_in_failure(uuid, text) to service_role;

-- Supabase Auth's password verification attempt hook: called with
-- {"user_id", "valid"} after each password check, it answers a decision.
-- It only records failures and always answers "continue": a warning never
-- blocks a sign-in, and a failure it cannot record (a user id that is no
-- user) does not turn a sign-in into an error. It is not told the origin.
--
-- Enable it in config.toml ([auth.hook.password_verification_attempt], uri
-- "pg-functions://postgres/public/password_verification_attempt_hook") or
-- in the dashboard under Authentication > Hooks (Team and Enterprise plans).
create or replace function public.password_verification_attempt_hook(event jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
begin
  if (event ->> 'valid') = 'false' and event ? 'user_id' then
    begin
      perform private.record_sign_in_failure((event ->> 'user_id')::uuid, null);
    exception when invalid_text_representation or foreign_key_violation then
      raise warning 'password_verification_attempt_hook: not recorded: %', sqlerrm;
    end;
  end if;
  return jsonb_build_object('decision', 'continue');
end;
$$;

-- As Supabase documents for auth hooks: only the auth server may call it.
revoke execute on function public.password_verification_attempt_hook(jsonb) from authenticated, anon, public;

-- supabase_auth_admin exists on every Supabase project; the guard keeps the
-- migration runnable on a bare Postgres too. The hook is security definer,
-- so the auth server needs no right on the tables.
do $$
begin
  if exists (select 1 from pg_roles where rolname = 'supabase_auth_admin') then
    grant usage on schema public to supabase_auth_admin;
    grant execute on function public.password_verification_attempt_hook(jsonb) to supabase_auth_admin;
  end if;
end
$$;
