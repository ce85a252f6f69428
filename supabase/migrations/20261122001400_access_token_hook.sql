-- Supabase Auth calls this before issuing a token and puts the caller's
-- schools and roles in the claims, so the app can choose a school and show
-- the right screens without a query. Policies never trust these claims (they
-- can be an hour old); they read memberships.
--
--   "app_memberships": { "<school id>": ["admin", "teacher"], ... }
--
-- Enable it in config.toml ([auth.hook.custom_access_token], uri
-- "pg-functions://postgres/public/custom_access_token_hook") or in the
-- dashboard under Authentication > Hooks.
create or replace function public.custom_access_token_hook(event jsonb)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
  claims jsonb := coalesce(event -> 'claims', '{}'::jsonb);
  app_memberships jsonb;
begin
  select coalesce(jsonb_object_agg(per_school.school_id::text, per_school.roles), '{}'::jsonb)
    into app_memberships
    from (
      select m.school_id, jsonb_agg(m.role order by m.role) as roles
      from public.memberships m
      where m.user_id = (event ->> 'user_id')::uuid
      group by m.school_id
    ) per_school;

  return jsonb_set(event, '{claims}', claims || jsonb_build_object('app_memberships', app_memberships));
end;
$$;

-- As Supabase documents for auth hooks: only the auth server may call it.
revoke execute on function public.custom_access_token_hook(jsonb) from authenticated, anon, public;

-- supabase_auth_admin exists on every Supabase project; the guard keeps the
-- migration runnable on a bare Postgres too.
do $$
begin
  if exists (select 1 from pg_roles where rolname = 'supabase_auth_admin') then
    grant usage on schema public to supabase_auth_admin;
    grant execute on function public.custom_access_token_hook(jsonb) to supabase_auth_admin;
    grant select on table public.memberships to supabase_auth_admin;
    execute $policy$
      create policy "The auth server can read memberships to issue tokens"
        on public.memberships for select to supabase_auth_admin
        using (true)
    $policy$;
  end if;
end
$$;
