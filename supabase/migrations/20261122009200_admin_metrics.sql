-- What a school admin watches: how fast devices recognise faces, how many
-- marks the camera made versus a teacher, whether messages to guardians get
-- through, and how often the functions refuse a token.
--
-- 1. recognition_events.recognition_ms: how long the device took to
--    recognise that photo or frame (detect, embed, classify), sent with sync.
--    Null for events recorded before devices measured it.
-- 2. private.auth_failures: one row per request the functions answered 401.
--    A refused token names no school (and may name nobody), so the rows are
--    project-wide; they keep the function and the reason only: no token, no
--    address, no user id.
-- 3. public.admin_metrics(school, from, to): the figures, for admins of that
--    school only.

alter table public.recognition_events
  add column recognition_ms integer check (recognition_ms >= 0);

-- `private` is not in the API's schemas (config.toml), so this table is
-- reachable only through the functions' service connection and through
-- admin_metrics below.
create schema if not exists private;

create table private.auth_failures (
  id bigserial primary key,
  at timestamptz not null default now(),
  function_name text not null check (length(function_name) between 1 and 63),
  reason text not null check (length(reason) between 1 and 200)
);
alter table private.auth_failures enable row level security;

-- Counted by period; old rows can be pruned by `at`.
create index auth_failures_at_idx on private.auth_failures (at);

-- No policies: callers never touch it. The functions write it with the
-- service connection, which bypasses row-level security.
revoke all on table private.auth_failures from public, anon, authenticated;
revoke all on sequence private.auth_failures_id_seq from public, anon, authenticated;
grant select, insert on table private.auth_failures to service_role;
grant usage on sequence private.auth_failures_id_seq to service_role;

-- Counts of messages by status, and the share that failed among those the
-- provider was asked to send (queued ones are not decided yet). The rate is
-- null when nothing was sent.
create or replace function private.delivery_figures(queued bigint, sent bigint, delivered bigint, failed bigint)
returns jsonb
language sql immutable
set search_path = ''
as $$
  select jsonb_build_object(
    'queued', queued,
    'sent', sent,
    'delivered', delivered,
    'failed', failed,
    'failure_rate', case when sent + delivered + failed = 0 then null
                         else round(failed::numeric / (sent + delivered + failed), 4) end
  )
$$;

revoke all on function private.delivery_figures(bigint, bigint, bigint, bigint) from public, anon, authenticated;

-- The figures for one school over [p_from, p_to): recognition events by
-- their `at`, marks by `marked_at`, notifications by `created_at` (when they
-- were queued), auth failures by `at`. Per class (classes not deleted, and
-- deleted ones that still have rows in the period) and for the whole school.
-- Percentiles are interpolated (percentile_cont) over events that carry a
-- time, in milliseconds to 0.1; null when there are none. Every count is a
-- number, 0 when nothing happened.
--
-- Security definer because the figures span tables an admin reads anyway
-- plus private.auth_failures, which nobody reads directly; it answers only
-- admins of p_school (memberships, as every policy does).
create or replace function public.admin_metrics(p_school uuid, p_from timestamptz, p_to timestamptz)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  result jsonb;
begin
  if not coalesce(public.is_admin_of(p_school), false) then
    raise exception 'not allowed' using errcode = '42501';
  end if;
  if p_from is null or p_to is null or p_from > p_to then
    raise exception 'invalid period: from must not be after to' using errcode = '22023';
  end if;

  with events as (
    select s.class_id, e.recognition_ms
    from public.recognition_events e
    join public.sessions s on s.id = e.session_id
    where e.school_id = p_school and e.at >= p_from and e.at < p_to
  ),
  marks as (
    select s.class_id, m.source, m.status
    from public.attendance_marks m
    join public.sessions s on s.id = m.session_id
    where m.school_id = p_school and m.marked_at >= p_from and m.marked_at < p_to
  ),
  messages as (
    select st.class_id, n.channel, n.status
    from public.notifications n
    join public.students st on st.id = n.student_id
    where n.school_id = p_school and n.created_at >= p_from and n.created_at < p_to
  ),
  -- One scope per class, and one (class_id null) for the whole school.
  scopes as (
    select c.id as class_id, c.name, c.deleted_at is not null as deleted
    from public.classes c
    where c.school_id = p_school
      and (c.deleted_at is null
           or exists (select 1 from events e where e.class_id = c.id)
           or exists (select 1 from marks m where m.class_id = c.id)
           or exists (select 1 from messages n where n.class_id = c.id))
    union all
    select null, null, false
  ),
  figures as (
    select
      sc.class_id,
      sc.name,
      sc.deleted,
      (select jsonb_build_object(
                'events', count(*),
                'timed', count(e.recognition_ms),
                'p50_ms', round((percentile_cont(0.5) within group (order by e.recognition_ms))::numeric, 1),
                'p90_ms', round((percentile_cont(0.9) within group (order by e.recognition_ms))::numeric, 1),
                'p99_ms', round((percentile_cont(0.99) within group (order by e.recognition_ms))::numeric, 1))
       from events e
       where sc.class_id is null or e.class_id = sc.class_id) as recognition,
      (select jsonb_build_object(
                'total', count(*),
                'by_source', jsonb_build_object(
                  'auto', count(*) filter (where m.source = 'auto'),
                  'manual', count(*) filter (where m.source = 'manual')),
                'by_status', jsonb_build_object(
                  'present', count(*) filter (where m.status = 'present'),
                  'absent', count(*) filter (where m.status = 'absent'),
                  'late', count(*) filter (where m.status = 'late'),
                  'excused', count(*) filter (where m.status = 'excused')))
       from marks m
       where sc.class_id is null or m.class_id = sc.class_id) as marks,
      (select jsonb_build_object(
                'all', private.delivery_figures(
                  count(*) filter (where n.status = 'queued'),
                  count(*) filter (where n.status = 'sent'),
                  count(*) filter (where n.status = 'delivered'),
                  count(*) filter (where n.status = 'failed')),
                'sms', private.delivery_figures(
                  count(*) filter (where n.channel = 'sms' and n.status = 'queued'),
                  count(*) filter (where n.channel = 'sms' and n.status = 'sent'),
                  count(*) filter (where n.channel = 'sms' and n.status = 'delivered'),
                  count(*) filter (where n.channel = 'sms' and n.status = 'failed')),
                'email', private.delivery_figures(
                  count(*) filter (where n.channel = 'email' and n.status = 'queued'),
                  count(*) filter (where n.channel = 'email' and n.status = 'sent'),
                  count(*) filter (where n.channel = 'email' and n.status = 'delivered'),
                  count(*) filter (where n.channel = 'email' and n.status = 'failed')))
       from messages n
       where sc.class_id is null or n.class_id = sc.class_id) as notifications
    from scopes sc
  )
  select jsonb_build_object(
    'school_id', p_school,
    'from', p_from,
    'to', p_to,
    'school', (select jsonb_build_object('recognition', f.recognition, 'marks', f.marks, 'notifications', f.notifications)
               from figures f where f.class_id is null),
    'classes', coalesce((select jsonb_agg(jsonb_build_object(
                                  'class_id', f.class_id, 'name', f.name, 'deleted', f.deleted,
                                  'recognition', f.recognition, 'marks', f.marks, 'notifications', f.notifications)
                                order by f.name, f.class_id)
                         from figures f where f.class_id is not null), '[]'::jsonb),
    -- Not this school's alone: a refused token cannot be tied to a school.
    'auth_failures', (select jsonb_build_object(
                               'scope', 'project',
                               'count', coalesce(sum(r.n), 0),
                               'by_reason', coalesce(jsonb_object_agg(r.reason, r.n) filter (where r.reason is not null), '{}'::jsonb))
                      from (select a.reason, count(*) as n
                            from private.auth_failures a
                            where a.at >= p_from and a.at < p_to
                            group by a.reason) r)
  )
  into result;
  return result;
end;
$$;

revoke all on function public.admin_metrics(uuid, timestamptz, timestamptz) from public, anon, service_role;
grant execute on function public.admin_metrics(uuid, timestamptz, timestamptz) to authenticated;
