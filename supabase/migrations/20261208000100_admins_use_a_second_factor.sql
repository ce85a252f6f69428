-- Admin power needs a second factor.
--
-- An admin can read every child's record and guardian's phone, rewrite the
-- register, hand out memberships and erase data. A stolen or guessed
-- password alone must not give that: an admin acts as one only in a
-- session signed in with a second factor, which Supabase Auth records as
-- aal2 in the access token's `aal` claim (multi-factor authentication,
-- e.g. TOTP). A token without the claim counts as aal1.
--
-- is_admin_of() is the one home of this rule: every admin policy, the
-- admin-only functions (admin_metrics, erase_student_biometrics' admin
-- branch, the session hand-over in keep_session_class_and_taker) and the
-- edge functions that check for an admin in SQL (roles, reviews, privacy,
-- notify's session-finalised) ask it. At aal1 an admin is just a member of
-- their school (they read its name and settings, as every member does).
-- Someone who is also a teacher keeps their teacher powers at aal1: those
-- come from is_teacher_of(), which asks nothing about the second factor.
--
-- Membership still comes from the memberships table, never from the JWT's
-- app_memberships; the aal claim says only how this session signed in, and
-- Supabase Auth signs it.
create or replace function public.is_admin_of(school_id uuid)
returns boolean
language sql stable security definer
set search_path = ''
as $$
  select public.is_member_of(is_admin_of.school_id, array['admin']::public.app_role[])
     and (coalesce(auth.jwt() ->> 'aal', 'aal1') = 'aal2')
$$;

-- The privacy function's purge-expired runs this as the service, with an
-- admin's claims when an admin asks; the function picks the schools from
-- the caller's memberships, so the database checks them too: a signed-in
-- caller purges only schools they are an admin of (at aal2). The scheduler
-- (no user) purges any school, or every one, as before. The rest is
-- 20261123000600_model_retention.sql's body unchanged.
create or replace function private.purge_expired_models(p_schools uuid[] default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  result jsonb;
begin
  if (select auth.uid()) is not null
     and (p_schools is null or exists (select 1 from unnest(p_schools) as s (id) where not public.is_admin_of(s.id))) then
    raise exception 'not allowed' using errcode = '42501';
  end if;
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
