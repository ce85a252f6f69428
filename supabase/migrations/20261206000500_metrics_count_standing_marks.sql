-- The admin's figures count marks that stand: a mark taken back
-- (cleared_at, see 20261206000200_mark_clears_and_times.sql) is no mark.
-- The same function as 20261122009200_admin_metrics.sql, with that one
-- condition added to its marks.
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
      and m.cleared_at is null
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
