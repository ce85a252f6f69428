-- Times a device sends are bounded by the server's clock: at most 5 minutes
-- ahead of now(), and not before 2020-01-01. A teacher's work (session
-- times, recognition events, disputes) is kept with the time clamped; a
-- consent dated in the future or implausibly early is refused, with the
-- reason. A consent stored with a future given_at can still be withdrawn,
-- by a parent, a teacher or an admin, and the face data is then forgotten.
-- The database owner (migrations, the seed, a repair) writes times as given.
--
-- Seed: Tomas (2...02) teaches 7B (open session 6...02); Pat (2...05) is
-- Aarav's (4...01) parent; Aarav has a consent in force (c...01); Asha
-- (2...01) is the demo school's admin; Farah (4...06) is in 8A.
begin;
create extension if not exists pgtap with schema extensions;
select plan(29);

-- As Tomas, teacher of 7B.
set local role authenticated;
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000002", "role": "authenticated"}', true);

select lives_ok(
  $$ insert into public.sessions (id, school_id, class_id, starts_at)
     values ('60000000-0000-4000-8000-0000000000c1', '10000000-0000-4000-8000-000000000001',
             '30000000-0000-4000-8000-000000000001', now() + interval '2 days') $$,
  'A session that starts ahead of the server''s clock is still taken'
);

select is(
  (select starts_at from public.sessions where id = '60000000-0000-4000-8000-0000000000c1'), now(),
  '... timed when the server heard of it'
);

select lives_ok(
  $$ insert into public.sessions (id, school_id, class_id, starts_at)
     values ('60000000-0000-4000-8000-0000000000c2', '10000000-0000-4000-8000-000000000001',
             '30000000-0000-4000-8000-000000000001', '2001-01-01 08:30:00+00') $$,
  'A session from a phone whose clock was reset is still taken'
);

select is(
  (select starts_at from public.sessions where id = '60000000-0000-4000-8000-0000000000c2'), now(),
  '... timed when the server heard of it, not in 2001'
);

select lives_ok(
  $$ insert into public.sessions (id, school_id, class_id, starts_at)
     values ('60000000-0000-4000-8000-0000000000c3', '10000000-0000-4000-8000-000000000001',
             '30000000-0000-4000-8000-000000000001', now() + interval '4 minutes'),
            ('60000000-0000-4000-8000-0000000000c4', '10000000-0000-4000-8000-000000000001',
             '30000000-0000-4000-8000-000000000001', '2026-12-01 08:30:00+00') $$,
  'Sessions timed within 5 minutes of the server''s clock, or in the past'
);

select results_eq(
  $$ select starts_at from public.sessions
     where id in ('60000000-0000-4000-8000-0000000000c3', '60000000-0000-4000-8000-0000000000c4') order by id $$,
  $$ values (now() + interval '4 minutes'), ('2026-12-01 08:30:00+00'::timestamptz) $$,
  '... keep the times they were given'
);

-- The sync function writes sessions as upserts: a stored session sent again
-- from a phone that is ahead keeps its time instead of moving to each sync's now().
select lives_ok(
  $$ insert into public.sessions (id, school_id, class_id, starts_at)
     values ('60000000-0000-4000-8000-0000000000c4', '10000000-0000-4000-8000-000000000001',
             '30000000-0000-4000-8000-000000000001', now() + interval '3 days')
     on conflict (id) do update set starts_at = excluded.starts_at $$,
  'A stored session sent again with a start ahead of the server''s clock'
);

select lives_ok(
  $$ update public.sessions set starts_at = now() + interval '3 days' where id = '60000000-0000-4000-8000-0000000000c4' $$,
  '... or updated to one'
);

select is(
  (select starts_at from public.sessions where id = '60000000-0000-4000-8000-0000000000c4'), '2026-12-01 08:30:00+00'::timestamptz,
  '... keeps the start it had'
);

select lives_ok(
  $$ update public.sessions set finalised_at = now() + interval '1 day' where id = '60000000-0000-4000-8000-0000000000c4' $$,
  'A session finalised on a phone that is ahead is still finalised'
);

select is(
  (select finalised_at from public.sessions where id = '60000000-0000-4000-8000-0000000000c4'), now(),
  '... when the server heard of it'
);

select lives_ok(
  $$ insert into public.recognition_events (id, school_id, session_id, at, confidence) values
       ('80000000-0000-4000-8000-0000000000c1', '10000000-0000-4000-8000-000000000001', '60000000-0000-4000-8000-000000000002', now() + interval '2 days', 0.9),
       ('80000000-0000-4000-8000-0000000000c2', '10000000-0000-4000-8000-000000000001', '60000000-0000-4000-8000-000000000002', '1999-12-31 08:30:00+00', 0.9),
       ('80000000-0000-4000-8000-0000000000c3', '10000000-0000-4000-8000-000000000001', '60000000-0000-4000-8000-000000000002', '2026-12-01 08:31:00+00', 0.9) $$,
  'Recognition events are recorded whatever the phone''s clock said'
);

select results_eq(
  $$ select at from public.recognition_events where id::text like '80000000-0000-4000-8000-0000000000c_' order by id $$,
  $$ values (now()), (now()), ('2026-12-01 08:31:00+00'::timestamptz) $$,
  '... those ahead or before 2020 timed by the server, the others as recorded'
);

-- As the service role (a server that holds the key), the same bounds.
set local role service_role;
select set_config('request.jwt.claims', '{"role": "service_role"}', true);

with written as (
  insert into public.recognition_events (id, school_id, session_id, at, confidence)
  values ('80000000-0000-4000-8000-0000000000c4', '10000000-0000-4000-8000-000000000001', '60000000-0000-4000-8000-000000000002',
          now() + interval '2 days', 0.9)
  returning at
)
select is((select at from written), now(), 'The service role''s times are bounded too');

-- As Pat, Aarav's parent.
set local role authenticated;
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000005", "role": "authenticated"}', true);

select throws_ok(
  $$ insert into public.consents (school_id, student_id, method, notice_version, given_at)
     values ('10000000-0000-4000-8000-000000000001', '40000000-0000-4000-8000-000000000001', 'app', '2026-09', now() + interval '48 hours') $$,
  '22008', 'given_at is ahead of the server''s clock by 2 days: check this phone''s date and time',
  'A consent given ahead of the server''s clock is refused, with the reason'
);

select throws_ok(
  $$ insert into public.consents (school_id, student_id, method, notice_version, given_at)
     values ('10000000-0000-4000-8000-000000000001', '40000000-0000-4000-8000-000000000001', 'app', '2026-09', '2001-01-01 12:00:00+00') $$,
  '22008', 'given_at is 2001-01-01, before 2020-01-01: check this phone''s date and time',
  'A consent dated before 2020 is refused, with the reason'
);

select lives_ok(
  $$ insert into public.consents (school_id, student_id, method, notice_version, given_at)
     values ('10000000-0000-4000-8000-000000000001', '40000000-0000-4000-8000-000000000001', 'app', '2026-09', now() + interval '4 minutes') $$,
  'A consent timed within 5 minutes of the server''s clock is recorded'
);

-- Consents stored with a future given_at before these bounds existed.
reset role;
insert into public.consents (id, school_id, student_id, guardian_id, given_by, method, notice_version, given_at) values
  ('c0000000-0000-4000-8000-0000000000c1', '10000000-0000-4000-8000-000000000001', '40000000-0000-4000-8000-000000000001',
   '50000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000005', 'app', '2026-09', '2099-01-01 00:00:00+00'),
  ('c0000000-0000-4000-8000-0000000000c2', '10000000-0000-4000-8000-000000000001', '40000000-0000-4000-8000-000000000002',
   null, '20000000-0000-4000-8000-000000000002', 'paper', '2026-09', '2099-01-01 00:00:00+00'),
  ('c0000000-0000-4000-8000-0000000000c3', '10000000-0000-4000-8000-000000000001', '40000000-0000-4000-8000-000000000006',
   null, '20000000-0000-4000-8000-000000000001', 'paper', '2026-09', '2099-01-01 00:00:00+00'),
  ('c0000000-0000-4000-8000-0000000000c4', '10000000-0000-4000-8000-000000000001', '40000000-0000-4000-8000-000000000008',
   null, '20000000-0000-4000-8000-000000000001', 'paper', '2026-09', '2026-10-01 00:00:00+00'),
  ('c0000000-0000-4000-8000-0000000000c5', '10000000-0000-4000-8000-000000000001', '40000000-0000-4000-8000-000000000009',
   null, '20000000-0000-4000-8000-000000000001', 'paper', '2026-09', '2026-10-01 00:00:00+00');
set local role authenticated;

select lives_ok(
  $$ update public.consents set withdrawn_at = now()
     where student_id = '40000000-0000-4000-8000-000000000001' and withdrawn_at is null $$,
  'A parent withdraws consent, one of them stored with a given_at in the future'
);

select is(
  (select withdrawn_at from public.consents where id = 'c0000000-0000-4000-8000-0000000000c1'), '2099-01-01 00:00:00+00'::timestamptz,
  '... the withdrawal is dated no earlier than the consent'
);

-- As Tomas.
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000002", "role": "authenticated"}', true);

select lives_ok(
  $$ update public.consents set withdrawn_at = now() where id = 'c0000000-0000-4000-8000-0000000000c2' $$,
  'A teacher records the withdrawal of a consent stored with a given_at in the future'
);

-- As Asha.
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000001", "role": "authenticated", "aal": "aal2"}', true);

select lives_ok(
  $$ update public.consents set withdrawn_at = now() where student_id = '40000000-0000-4000-8000-000000000006' and withdrawn_at is null $$,
  'An admin records the withdrawal of a consent stored with a given_at in the future'
);

select lives_ok(
  $$ update public.consents set withdrawn_at = now() + interval '3 days' where id = 'c0000000-0000-4000-8000-0000000000c4' $$,
  'A withdrawal dated ahead of the server''s clock is recorded'
);

select lives_ok(
  $$ update public.consents set withdrawn_at = '2026-09-01 00:00:00+00' where id = 'c0000000-0000-4000-8000-0000000000c5' $$,
  'A withdrawal dated before the consent is recorded'
);

select results_eq(
  $$ select withdrawn_at from public.consents where id in ('c0000000-0000-4000-8000-0000000000c4', 'c0000000-0000-4000-8000-0000000000c5') order by id $$,
  $$ values (now()), ('2026-10-01 00:00:00+00'::timestamptz) $$,
  '... at the server''s now, and no earlier than the consent'
);

reset role;
select results_eq(
  $$ select id, biometrics_erased_at = now() from public.students
     where id in ('40000000-0000-4000-8000-000000000001', '40000000-0000-4000-8000-000000000002', '40000000-0000-4000-8000-000000000006')
     order by id $$,
  $$ values ('40000000-0000-4000-8000-000000000001'::uuid, true), ('40000000-0000-4000-8000-000000000002'::uuid, true),
            ('40000000-0000-4000-8000-000000000006'::uuid, true) $$,
  'With no consent left in force, each of their face data was forgotten'
);

select is_empty(
  $$ select id from public.model_artifacts where class_id in ('30000000-0000-4000-8000-000000000001', '30000000-0000-4000-8000-000000000002') $$,
  '... their classes'' stored models are gone'
);

-- The owner writes times as given (the seed's, a repair's, a test's future week).
with written as (
  insert into public.recognition_events (id, school_id, session_id, at, confidence)
  values ('80000000-0000-4000-8000-0000000000c5', '10000000-0000-4000-8000-000000000001', '60000000-0000-4000-8000-000000000002',
          '2099-01-05 08:30:00+00', 0.9)
  returning at
)
select is((select at from written), '2099-01-05 08:30:00+00'::timestamptz, 'The database owner''s times are taken as written');

insert into public.attendance_marks (id, school_id, session_id, student_id, status, source, confidence)
values ('70000000-0000-4000-8000-0000000000c1', '10000000-0000-4000-8000-000000000001', '60000000-0000-4000-8000-000000000002',
        '40000000-0000-4000-8000-000000000001', 'absent', 'auto', 0.8);

-- As Aarav.
set local role authenticated;
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000004", "role": "authenticated"}', true);

with written as (
  insert into public.disputes (id, school_id, mark_id, reason, created_at)
  values ('90000000-0000-4000-8000-0000000000c1', '10000000-0000-4000-8000-000000000001', '70000000-0000-4000-8000-0000000000c1',
          'I was there', now() + interval '2 days')
  returning created_at
)
select is((select created_at from written), now(), 'A dispute opened with a time ahead of the server''s clock is opened now');

-- As Tomas.
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000002", "role": "authenticated"}', true);

with written as (
  update public.disputes set status = 'rejected', resolution = 'Not on any photo', resolved_at = now() + interval '1 day'
  where id = '90000000-0000-4000-8000-0000000000c1'
  returning resolved_at
)
select is((select resolved_at from written), now(), 'A dispute closed with a time ahead of the server''s clock is closed now');

select * from finish();
rollback;
