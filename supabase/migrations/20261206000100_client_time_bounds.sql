-- Times the devices send, bounded by the server's clock.
--
-- A phone's clock can be days off (set by hand, a dead battery, a wrong
-- time zone), and whatever a device or a supabase-js caller writes reaches
-- these columns as it is. So a time more than 5 minutes ahead of now(), or
-- before 2020-01-01 (earlier than any school's records here can be), is not
-- believed. What happens then is decided per column:
--
--   sessions.starts_at, sessions.finalised_at, recognition_events.at,
--   disputes.created_at, disputes.resolved_at
--       replaced by the time the server heard of it (or, for a row already
--       stored, the time it already has). Refusing would strand a teacher's
--       work: the outbox would send the same row again and again, the
--       session's marks would wait for it, and setting the phone's clock
--       right later does not change the times already recorded on it.
--   consents.given_at
--       refused (SQLSTATE 22008, with the reason). A consent is evidence:
--       its date is the point of the record, and a form dated in the
--       future is a mistake to correct, not to guess. Not compared with
--       when the student row was created: schools collect signed forms
--       before they import their roster.
--   consents.withdrawn_at
--       ahead: replaced by now(); and never before the consent's given_at.
--       A withdrawal must always go through, since the face data is
--       forgotten only then.
--
-- The database owner (migrations, seed.sql, an administrator's repair, a
-- test filling a week ahead) writes times as given; the API roles (anon,
-- authenticated and service_role, as PostgREST and the functions connect)
-- are bounded. The one rule is private.client_time(); each trigger below
-- only says which columns it applies to and what replaces a time it refuses.

create or replace function private.client_time(p_column text, p_at timestamptz, p_instead timestamptz default null)
returns timestamptz
language plpgsql
stable
set search_path = ''
as $$
declare
  ahead numeric;
  by_how_much text;
begin
  if p_at is null or current_user not in ('anon', 'authenticated', 'service_role') then
    return p_at;
  end if;
  if p_at between timestamptz '2020-01-01 00:00:00+00' and now() + interval '5 minutes' then
    return p_at;
  end if;
  if p_instead is not null then
    return p_instead;
  end if;
  if p_at < timestamptz '2020-01-01 00:00:00+00' then
    raise exception '% is %, before 2020-01-01: check this phone''s date and time', p_column, to_char(p_at at time zone 'UTC', 'YYYY-MM-DD')
      using errcode = 'datetime_field_overflow';
  end if;
  ahead := extract(epoch from p_at - now());
  by_how_much := case
    when ahead >= 2 * 365.25 * 86400 then round(ahead / (365.25 * 86400)) || ' years'
    when ahead >= 2 * 86400 then round(ahead / 86400) || ' days'
    when ahead >= 2 * 3600 then round(ahead / 3600) || ' hours'
    else round(ahead / 60) || ' minutes'
  end;
  raise exception '% is ahead of the server''s clock by %: check this phone''s date and time', p_column, by_how_much
    using errcode = 'datetime_field_overflow';
end;
$$;
comment on function private.client_time(text, timestamptz, timestamptz) is
  'p_at when it lies between 2020-01-01 and 5 minutes past now() (or the caller is the owner); otherwise p_instead, or an error naming p_column when p_instead is null.';
-- The triggers run as the caller, so the API roles call it; it only reads the clock.
revoke all on function private.client_time(text, timestamptz, timestamptz) from public, anon;
grant execute on function private.client_time(text, timestamptz, timestamptz) to authenticated, service_role;

create or replace function private.bound_session_times()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  stored_start timestamptz;
  stored_final timestamptz;
begin
  if tg_op = 'UPDATE' then
    stored_start := old.starts_at;
    stored_final := old.finalised_at;
  else
    -- The sync function writes sessions as upserts, and the update takes the
    -- values this insert trigger chose: a stored session sent again keeps
    -- its times instead of moving to each sync's now().
    select s.starts_at, s.finalised_at into stored_start, stored_final from public.sessions s where s.id = new.id;
  end if;
  new.starts_at := private.client_time('starts_at', new.starts_at, coalesce(stored_start, now()));
  new.finalised_at := private.client_time('finalised_at', new.finalised_at, coalesce(stored_final, now()));
  return new;
end;
$$;

create or replace function private.bound_recognition_event_time()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  -- Devices only add events (a duplicate is ignored); admins may edit one.
  new.at := private.client_time('at', new.at, case when tg_op = 'UPDATE' then old.at else now() end);
  return new;
end;
$$;

create or replace function private.bound_consent_times()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  -- On update given_at cannot change at all (consents_only_withdraw says so).
  if tg_op = 'INSERT' then
    new.given_at := private.client_time('given_at', new.given_at);
  end if;
  if new.withdrawn_at is not null and (tg_op = 'INSERT' or old.withdrawn_at is null) then
    new.withdrawn_at := greatest(private.client_time('withdrawn_at', new.withdrawn_at, now()), new.given_at);
  end if;
  return new;
end;
$$;

create or replace function private.bound_dispute_times()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' then
    new.created_at := private.client_time('created_at', new.created_at, old.created_at);
    new.resolved_at := private.client_time('resolved_at', new.resolved_at, coalesce(old.resolved_at, now()));
  else
    new.created_at := private.client_time('created_at', new.created_at, now());
    new.resolved_at := private.client_time('resolved_at', new.resolved_at, now());
  end if;
  return new;
end;
$$;

revoke all on function private.bound_session_times(), private.bound_recognition_event_time(), private.bound_consent_times(),
  private.bound_dispute_times() from public, anon, authenticated, service_role;

-- Consents stored before this bound with a given_at (or withdrawn_at) in the
-- future: their withdrawal failed the consents check, so the face data was
-- never forgotten. A consent cannot have been given after the server stored
-- it, so it takes the time it was stored; a withdrawal, the time it was
-- recorded. Each repair is in the audit log with the times it replaced, and
-- the new updated_at sends the repaired rows to the devices.
alter table public.consents disable trigger consents_only_withdraw;

with bad as (
  select c.id, c.school_id, c.given_at, c.withdrawn_at
  from public.consents c
  where c.given_at > now() + interval '5 minutes' or c.withdrawn_at > now() + interval '5 minutes'
),
repaired as (
  update public.consents c
     set given_at = case when c.given_at > now() + interval '5 minutes' then least(c.created_at, now()) else c.given_at end,
         withdrawn_at = case
           when c.withdrawn_at > now() + interval '5 minutes' then
             greatest(case when c.given_at > now() + interval '5 minutes' then least(c.created_at, now()) else c.given_at end,
                      least(c.updated_at, now()))
           else c.withdrawn_at
         end
    from bad
   where c.id = bad.id
  returning c.id
)
insert into public.audit_log (school_id, actor, action, entity, entity_id, details)
select bad.school_id, null, 'consent.times_repaired', 'consents', bad.id,
       jsonb_build_object('given_at', bad.given_at, 'withdrawn_at', bad.withdrawn_at, 'reason', 'ahead of the server''s clock')
from bad join repaired using (id);

alter table public.consents enable trigger consents_only_withdraw;

-- Named to run before the tables' other row triggers (alphabetical order),
-- so those see the bounded times.
create trigger sessions_bound_client_times
  before insert or update of starts_at, finalised_at on public.sessions
  for each row execute function private.bound_session_times();

create trigger recognition_events_bound_client_times
  before insert or update of at on public.recognition_events
  for each row execute function private.bound_recognition_event_time();

create trigger consents_bound_client_times
  before insert or update of withdrawn_at on public.consents
  for each row execute function private.bound_consent_times();

create trigger disputes_bound_client_times
  before insert or update of created_at, resolved_at on public.disputes
  for each row execute function private.bound_dispute_times();
