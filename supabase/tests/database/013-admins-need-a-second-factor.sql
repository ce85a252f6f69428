-- Admin power needs a second factor: a session whose JWT says aal2 (Supabase
-- Auth MFA). Signed in with a password alone (aal1, or no aal claim at all),
-- an admin is only a member of their school: they read and write nothing an
-- admin may, and the admin-only functions refuse them. Someone who is both a
-- teacher and an admin keeps their teacher powers at aal1.
-- Seed: Asha (2...01) is the demo school's (1...01) admin; Tomas (2...02)
-- teaches 7B (3...01), and here he is an admin too. Session 6...02 is 7B's,
-- open, taken by Tomas; Priya (2...03) teaches 8A (3...02); Aarav
-- (4...01) is in 7B.
begin;
create extension if not exists pgtap with schema extensions;
select plan(26);

insert into public.memberships (user_id, school_id, role)
values ('20000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000001', 'admin');

-- Asha, signed in with her password only.
set local role authenticated;
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000001", "role": "authenticated", "aal": "aal1"}', true);

select is(public.is_admin_of('10000000-0000-4000-8000-000000000001'), false, 'An admin at aal1 is not an admin of their school');

select results_eq(
  $$ select (select count(*) from public.classes)::int, (select count(*) from public.students)::int, (select count(*) from public.guardians)::int,
            (select count(*) from public.attendance_marks)::int, (select count(*) from public.audit_log)::int,
            (select count(*) from public.memberships where user_id <> auth.uid())::int, (select count(*) from private.invites)::int $$,
  $$ values (0, 0, 0, 0, 0, 0, 0) $$,
  'An admin at aal1 reads no class, student, guardian, mark, audit entry, other member or invite'
);

select results_eq(
  $$ select name from public.schools $$,
  $$ values ('Rollcall Demo School') $$,
  'but still reads their school, as every member does'
);

select throws_ok(
  $$ insert into public.classes (school_id, name) values ('10000000-0000-4000-8000-000000000001', '9D') $$,
  '42501', null,
  'An admin at aal1 cannot add a class'
);

select throws_ok(
  $$ insert into private.invites (school_id, email, role) values ('10000000-0000-4000-8000-000000000001', 'new@demo.rollcall.example', 'teacher') $$,
  '42501', null,
  'nor invite anyone'
);

with changed as (update public.schools set late_after_minutes = 7 where id = '10000000-0000-4000-8000-000000000001' returning 1)
select is(count(*)::int, 0, 'nor change the school''s settings') from changed;

with changed as (update public.students set full_name = 'Renamed' returning 1)
select is(count(*)::int, 0, 'nor rename a student') from changed;

with removed as (delete from public.sessions returning 1)
select is(count(*)::int, 0, 'nor delete a session') from removed;

select throws_ok(
  $$ select public.admin_metrics('10000000-0000-4000-8000-000000000001', '2026-11-01 00:00+00', '2026-12-01 00:00+00') $$,
  '42501', 'not allowed',
  'nor read the school''s metrics'
);

select throws_ok(
  $$ select public.erase_student_biometrics('40000000-0000-4000-8000-000000000001') $$,
  '42501', 'not allowed',
  'nor erase a student''s face data'
);

select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000001", "role": "authenticated"}', true);
select is(public.is_admin_of('10000000-0000-4000-8000-000000000001'), false, 'A token with no aal claim counts as aal1');

-- Asha, with her second factor.
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000001", "role": "authenticated", "aal": "aal2"}', true);

select is(public.is_admin_of('10000000-0000-4000-8000-000000000001'), true, 'At aal2 she is the school''s admin');

select results_eq(
  $$ select (select count(*) from public.students) > 0, (select count(*) from public.audit_log) > 0 $$,
  $$ values (true, true) $$,
  'and reads its students and audit log'
);

select lives_ok(
  $$ insert into public.classes (school_id, name) values ('10000000-0000-4000-8000-000000000001', '9D') $$,
  'and adds a class'
);

select lives_ok(
  $$ select public.admin_metrics('10000000-0000-4000-8000-000000000001', '2026-11-01 00:00+00', '2026-12-01 00:00+00') $$,
  'and reads the metrics'
);

-- Tomas, teacher of 7B and an admin, signed in with his password only.
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000002", "role": "authenticated", "aal": "aal1"}', true);

select lives_ok(
  $$ insert into public.attendance_marks (id, school_id, session_id, student_id, status, source, device)
     values ('70000000-0000-4000-8000-0000000000f1', '10000000-0000-4000-8000-000000000001', '60000000-0000-4000-8000-000000000002',
             '40000000-0000-4000-8000-000000000001', 'present', 'manual', 'test') $$,
  'A teacher who is also an admin still marks attendance in their class at aal1'
);

select lives_ok(
  $$ insert into public.sessions (id, school_id, class_id, starts_at, device)
     values ('60000000-0000-4000-8000-0000000000f1', '10000000-0000-4000-8000-000000000001', '30000000-0000-4000-8000-000000000001', now(), 'test') $$,
  'and starts a session there'
);

select is(
  (select count(*)::int from public.students where class_id = '30000000-0000-4000-8000-000000000002'), 0,
  'but reads no student of a class they do not teach'
);

select throws_ok(
  $$ insert into public.classes (school_id, name) values ('10000000-0000-4000-8000-000000000001', '9E') $$,
  '42501', null,
  'and cannot add a class'
);

select throws_ok(
  $$ update public.sessions set taken_by = '20000000-0000-4000-8000-000000000003' where id = '60000000-0000-4000-8000-000000000002' $$,
  '42501', 'only an admin can hand a session to another teacher',
  'nor hand their session to another teacher, as only an admin may'
);

-- Tomas with his second factor.
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000002", "role": "authenticated", "aal": "aal2"}', true);

select isnt(
  (select count(*)::int from public.students where class_id = '30000000-0000-4000-8000-000000000002'), 0,
  'At aal2 the teacher who is an admin reads every class''s students'
);

select lives_ok(
  $$ update public.sessions set taken_by = '20000000-0000-4000-8000-000000000003' where id = '60000000-0000-4000-8000-000000000002' $$,
  'and hands a session over'
);

-- The privacy function purges as the service, with the caller's claims
-- when an admin asks: only for schools they are an admin of, at aal2.
reset role;
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000001", "role": "authenticated", "aal": "aal1"}', true);

select throws_ok(
  $$ select private.purge_expired_models(array['10000000-0000-4000-8000-000000000001']::uuid[]) $$,
  '42501', 'not allowed',
  'An admin at aal1 cannot purge their school''s expired models'
);

select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000001", "role": "authenticated", "aal": "aal2"}', true);

select throws_ok(
  $$ select private.purge_expired_models(array['10000000-0000-4000-8000-000000000002']::uuid[]) $$,
  '42501', 'not allowed',
  'nor, at aal2, another school''s'
);

select lives_ok(
  $$ select private.purge_expired_models(array['10000000-0000-4000-8000-000000000001']::uuid[]) $$,
  'At aal2 they purge their own school''s'
);

select set_config('request.jwt.claims', '', true);

select lives_ok(
  $$ select private.purge_expired_models() $$,
  'and the scheduler, with no user, purges every school''s'
);

select * from finish();
rollback;
