-- Repeated failed sign-ins warn the school's admins: five failures for one
-- account in 15 minutes, or failures from one origin against three accounts
-- of a school in 15 minutes, raise a warning, at most one per school, kind
-- and subject an hour (later failures update its count). Only the school's
-- admins read warnings; nobody writes them but the recording function,
-- which the auth server reaches through its password verification hook.
-- Seed: Demo School (1...01) has Asha (2...01, admin), Tomas (2...02) and
-- Priya (2...03, teachers), Aarav (2...04, student), Pat (2...05) and Rosa
-- (2...06, parents); Northside (1...02) has Xavier (2...11, admin), Nadia
-- (2...12) and Zoe (2...13).
begin;
create extension if not exists pgtap with schema extensions;
select plan(30);

-- As the owner: the side of the functions and the auth server.

select private.record_sign_in_failure('20000000-0000-4000-8000-000000000002', null) from generate_series(1, 4);
select is(
  (select count(*)::int from private.sign_in_alerts), 0,
  'Four failed sign-ins to one account in 15 minutes raise no warning'
);

select private.record_sign_in_failure('20000000-0000-4000-8000-000000000002', null);
select results_eq(
  $$ select school_id, kind, user_id, origin, failures, accounts, notified_at is null from private.sign_in_alerts $$,
  $$ values ('10000000-0000-4000-8000-000000000001'::uuid, 'account', '20000000-0000-4000-8000-000000000002'::uuid, null::text, 5, 1, true) $$,
  'The fifth raises one warning, for the account''s school, not yet told'
);

select private.record_sign_in_failure('20000000-0000-4000-8000-000000000002', null) from generate_series(1, 2);
select results_eq(
  $$ select count(*)::int, max(failures) from private.sign_in_alerts where user_id = '20000000-0000-4000-8000-000000000002' $$,
  $$ values (1, 7) $$,
  'Later failures within the hour update the warning''s count instead of raising another'
);

update private.sign_in_alerts set created_at = now() - interval '61 minutes' where user_id = '20000000-0000-4000-8000-000000000002';
select private.record_sign_in_failure('20000000-0000-4000-8000-000000000002', null);
select is(
  (select count(*)::int from private.sign_in_alerts where user_id = '20000000-0000-4000-8000-000000000002'), 2,
  'An hour after the warning, failures still coming raise a new one'
);

insert into private.sign_in_failures (user_id, at)
select '20000000-0000-4000-8000-000000000003', now() - interval '20 minutes' from generate_series(1, 4);
select private.record_sign_in_failure('20000000-0000-4000-8000-000000000003', null) from generate_series(1, 4);
select is(
  (select count(*)::int from private.sign_in_alerts where user_id = '20000000-0000-4000-8000-000000000003'), 0,
  'Failures more than 15 minutes old do not count toward a warning'
);

insert into private.sign_in_failures (user_id, at) values ('20000000-0000-4000-8000-000000000003', now() - interval '25 hours');
select ok(
  private.record_sign_in_failure(null, '198.51.100.1'),
  'A failure for an unknown address is recorded when its origin is known'
);
select is(
  (select count(*)::int from private.sign_in_failures where at < now() - interval '1 day'), 0,
  'Recording a failure purges those more than a day old'
);

select is(
  private.record_sign_in_failure(null, '  '), false,
  'A failure naming neither an account nor an origin is not recorded: it counts toward nothing'
);

insert into auth.users (id, aud, role, email) values ('20000000-0000-4000-8000-000000000099', 'authenticated', 'authenticated', 'nobody@example.org');
select private.record_sign_in_failure('20000000-0000-4000-8000-000000000099', null) from generate_series(1, 6);
select is(
  (select count(*)::int from private.sign_in_alerts where user_id = '20000000-0000-4000-8000-000000000099'), 0,
  'An account of no school raises no warning: there is no admin to tell'
);

select private.record_sign_in_failure(u, '203.0.113.7')
from unnest(array['20000000-0000-4000-8000-000000000004', '20000000-0000-4000-8000-000000000005', null, null]::uuid[]) u;
select private.record_sign_in_failure('20000000-0000-4000-8000-000000000011', '203.0.113.7');
select is(
  (select count(*)::int from private.sign_in_alerts where kind = 'origin'), 0,
  'Failures from one origin against two accounts of a school (and unknown addresses) raise no warning'
);

select private.record_sign_in_failure('20000000-0000-4000-8000-000000000006', '203.0.113.7');
select results_eq(
  $$ select school_id, kind, user_id, origin, failures, accounts from private.sign_in_alerts where kind = 'origin' $$,
  $$ values ('10000000-0000-4000-8000-000000000001'::uuid, 'origin', null::uuid, '203.0.113.7', 5, 3) $$,
  'A third account of the school from that origin raises one warning for the school; it counts the unknown addresses tried, not the other school''s account'
);

select private.record_sign_in_failure('20000000-0000-4000-8000-000000000001', '203.0.113.7');
select results_eq(
  $$ select count(*)::int, max(failures), max(accounts) from private.sign_in_alerts where kind = 'origin' $$,
  $$ values (1, 6, 4) $$,
  'A fourth account from that origin within the hour updates the same warning'
);

-- The hook, as Supabase Auth calls it: {user_id, valid} in, {decision} out.

select is(
  public.password_verification_attempt_hook('{"user_id": "20000000-0000-4000-8000-000000000012", "valid": false}'),
  '{"decision": "continue"}'::jsonb,
  'The hook lets a failed attempt go on as Supabase Auth would: it warns, it never blocks'
);
select results_eq(
  $$ select user_id, origin from private.sign_in_failures where user_id = '20000000-0000-4000-8000-000000000012' $$,
  $$ values ('20000000-0000-4000-8000-000000000012'::uuid, null::text) $$,
  'The hook records the failure for the account, with no origin: Supabase Auth does not tell the hook one'
);

select is(
  public.password_verification_attempt_hook('{"user_id": "20000000-0000-4000-8000-000000000013", "valid": true}'),
  '{"decision": "continue"}'::jsonb,
  'A valid attempt continues'
);
select is(
  (select count(*)::int from private.sign_in_failures where user_id = '20000000-0000-4000-8000-000000000013'), 0,
  'and records nothing'
);

select is(
  public.password_verification_attempt_hook('{"user_id": "00000000-0000-4000-8000-000000000000", "valid": false}')
    || public.password_verification_attempt_hook('{"user_id": "not-a-user", "valid": false}')
    || public.password_verification_attempt_hook('{}'),
  '{"decision": "continue"}'::jsonb,
  'An attempt the hook cannot record (no such user, no user id) still continues'
);

select public.password_verification_attempt_hook('{"user_id": "20000000-0000-4000-8000-000000000013", "valid": false}') from generate_series(1, 5);
select is(
  (select count(*)::int from private.sign_in_alerts where user_id = '20000000-0000-4000-8000-000000000013' and school_id = '10000000-0000-4000-8000-000000000002'), 1,
  'Five failures through the hook warn the account''s school'
);

-- pgTAP's functions are not in the auth server's path: call, then check as the owner.
set local role supabase_auth_admin;
select public.password_verification_attempt_hook('{"user_id": "20000000-0000-4000-8000-000000000012", "valid": false}');
reset role;
select is(
  (select count(*)::int from private.sign_in_failures where user_id = '20000000-0000-4000-8000-000000000012'), 2,
  'The auth server may call the hook, and its call is recorded'
);

-- As Tomas, a teacher whose account is under attack.
set local role authenticated;
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000002", "role": "authenticated"}', true);

select throws_ok(
  $$ select public.password_verification_attempt_hook('{"user_id": "20000000-0000-4000-8000-000000000003", "valid": false}') $$,
  '42501', null,
  'A signed-in user cannot call the hook'
);
select throws_ok(
  $$ select private.record_sign_in_failure('20000000-0000-4000-8000-000000000003', '192.0.2.1') $$,
  '42501', null,
  'nor record failures, so nor raise a warning'
);
select throws_ok(
  $$ select count(*) from private.sign_in_failures $$,
  '42501', null,
  'nor read the failures'
);
select is(
  (select count(*)::int from private.sign_in_alerts), 0,
  'A teacher reads no warnings, not even about their own account'
);

-- As Pat, a parent.
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000005", "role": "authenticated"}', true);
select is((select count(*)::int from private.sign_in_alerts), 0, 'A parent reads no warnings');

-- As Xavier, Northside's admin.
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000011", "role": "authenticated", "aal": "aal2"}', true);
select results_eq(
  $$ select school_id, user_id from private.sign_in_alerts $$,
  $$ values ('10000000-0000-4000-8000-000000000002'::uuid, '20000000-0000-4000-8000-000000000013'::uuid) $$,
  'Another school''s admin reads only their own school''s warnings'
);

-- As Asha, the demo school's admin.
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000001", "role": "authenticated", "aal": "aal2"}', true);
select is(
  (select count(*)::int from private.sign_in_alerts), 3,
  'The school''s admin reads the school''s warnings'
);
select throws_ok(
  $$ insert into private.sign_in_alerts (school_id, kind, user_id, failures, accounts, first_at, last_at)
     values ('10000000-0000-4000-8000-000000000001', 'account', '20000000-0000-4000-8000-000000000003', 9, 1, now(), now()) $$,
  '42501', null,
  'An admin cannot write a warning'
);
select throws_ok(
  $$ update private.sign_in_alerts set notified_at = now() $$,
  '42501', null,
  'nor mark one as told'
);
select throws_ok(
  $$ delete from private.sign_in_alerts $$,
  '42501', null,
  'nor delete one'
);

-- Without signing in.
set local role anon;
select set_config('request.jwt.claims', '{"role": "anon"}', true);
select throws_ok(
  $$ select count(*) from private.sign_in_alerts $$,
  '42501', null,
  'Nobody signed out reads warnings'
);

select * from finish();
rollback;
