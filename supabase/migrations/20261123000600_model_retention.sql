-- How long the server keeps class models (the students' enrolment
-- descriptors): no longer than the school's retention_days, and not after
-- the people in them have gone. A model is purged when
--   - it is older than its school's retention_days ('expired'), or
--   - its class was deleted ('class-deleted'), or
--   - a student of its class was removed after it was trained, so it still
--     carries a leaver's descriptors ('student-left').
-- Devices keep their own copies and upload a fresh model when they retrain.
--
-- Called by the privacy function's purge-expired action (the scheduler's
-- service key, or an admin for their schools), or straight from pg_cron.
-- p_schools limits it to those schools; null means every school. One
-- privacy.retention_purge entry per school that lost a model.
create or replace function private.purge_expired_models(p_schools uuid[] default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  result jsonb;
begin
  with doomed as (
    select m.id, m.school_id,
           case
             when c.deleted_at is not null then 'class-deleted'
             when m.created_at < now() - make_interval(days => sc.retention_days) then 'expired'
             else 'student-left'
           end as why
    from public.model_artifacts m
    join public.classes c on c.id = m.class_id
    join public.schools sc on sc.id = m.school_id
    where (p_schools is null or m.school_id = any (p_schools))
      and (c.deleted_at is not null
           or m.created_at < now() - make_interval(days => sc.retention_days)
           or exists (select 1 from public.students s
                      where s.class_id = m.class_id and s.deleted_at is not null and s.deleted_at > m.created_at))
  ),
  removed as (
    delete from public.model_artifacts m using doomed d where m.id = d.id
    returning d.school_id, d.why
  ),
  per_school as (
    select school_id, jsonb_object_agg(why, n) as counts, sum(n)::int as total
    from (select school_id, why, count(*)::int as n from removed group by school_id, why) x
    group by school_id
  ),
  logged as (
    insert into public.audit_log (school_id, actor, action, entity, details)
    select school_id, auth.uid(), 'privacy.retention_purge', 'model_artifacts', counts || jsonb_build_object('modelsDeleted', total)
    from per_school
    returning school_id
  )
  select jsonb_build_object(
           'modelsDeleted', coalesce((select sum(total) from per_school), 0),
           'schools', coalesce((select jsonb_object_agg(school_id, counts) from per_school), '{}'::jsonb),
           'logged', (select count(*) from logged))
    into result;
  return result - 'logged';
end;
$$;
revoke execute on function private.purge_expired_models(uuid[]) from public, anon, authenticated;
grant execute on function private.purge_expired_models(uuid[]) to service_role;
