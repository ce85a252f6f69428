-- The audit log is append-only for everyone, the owner included; the access
-- token hook puts a user's schools and roles in their token and only the
-- auth server may call it.
begin;
create extension if not exists pgtap with schema extensions;
select plan(11);

-- As Asha, the demo school's admin.
set local role authenticated;
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000001", "role": "authenticated", "aal": "aal2"}', true);

select lives_ok(
  $$ select public.record_audit('10000000-0000-4000-8000-000000000001', 'privacy.access_request', 'students', '40000000-0000-4000-8000-000000000001', '{}') $$,
  'Members can append to their school''s audit log, through record_audit'
);

select is(
  (select count(*)::int from public.audit_log), 2,
  'Admins can read their school''s audit log'
);

select throws_ok(
  $$ update public.audit_log set action = 'nothing happened' $$,
  '42501', 'permission denied for table audit_log',
  'An admin cannot edit the audit log'
);

select throws_ok(
  $$ delete from public.audit_log $$,
  '42501', 'permission denied for table audit_log',
  'An admin cannot delete from the audit log'
);

select throws_ok(
  $$ select public.custom_access_token_hook('{"user_id": "20000000-0000-4000-8000-000000000001", "claims": {}}') $$,
  '42501', null,
  'A signed-in user cannot call the access token hook'
);

-- As the service role.
set local role service_role;
select set_config('request.jwt.claims', '{"role": "service_role"}', true);

select throws_ok(
  $$ delete from public.audit_log $$,
  '42501', 'permission denied for table audit_log',
  'The service role cannot delete from the audit log'
);

-- As the owner.
reset role;

select throws_ok(
  $$ update public.audit_log set action = 'nothing happened' $$,
  '42501', 'audit_log is append-only: update is not allowed',
  'Not even the owner can edit the audit log'
);

select throws_ok(
  $$ delete from public.audit_log $$,
  '42501', 'audit_log is append-only: delete is not allowed',
  'Not even the owner can delete from the audit log'
);

select throws_ok(
  $$ truncate public.audit_log $$,
  '42501', 'audit_log is append-only: truncate is not allowed',
  'nor empty it'
);

-- Still as the owner (supabase_auth_admin running it is checked in
-- constraints.test.ts, which does not need pgTAP's functions in its path).
select is(
  public.custom_access_token_hook('{"user_id": "20000000-0000-4000-8000-000000000002", "claims": {"sub": "20000000-0000-4000-8000-000000000002", "role": "authenticated"}}') -> 'claims',
  '{"sub": "20000000-0000-4000-8000-000000000002", "role": "authenticated", "app_memberships": {"10000000-0000-4000-8000-000000000001": ["teacher"]}}'::jsonb,
  'The token hook adds the user''s schools and roles and keeps the other claims'
);

select is(
  public.custom_access_token_hook('{"user_id": "00000000-0000-4000-8000-000000000000", "claims": {}}') -> 'claims' -> 'app_memberships',
  '{}'::jsonb,
  'A user without memberships gets an empty map'
);

select * from finish();
rollback;
