-- Whether a school shares face templates is its members' business: the
-- helper answered any signed-in user about any school. Now a signed-in user
-- hears only about their own schools (false otherwise); the server's own
-- calls, with no user, still get every answer.
create or replace function public.school_shares_face_templates(school uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce((
    select s.sync_face_templates from public.schools s
    where s.id = school and ((select auth.uid()) is null or public.is_member_of(s.id))
  ), false)
$$;
