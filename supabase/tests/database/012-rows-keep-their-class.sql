-- A teacher's rights end at their classes' rows as they are: a recognition
-- event names only a student of the session's class, a session stays with
-- its class and the teacher who took it (an admin may hand it over), and
-- the id lookups the policies use tell nothing about another school's rows.
-- Seed: Tomas (2...02) teaches 7B (3...01); here he also teaches 8A
-- (3...02), whose Farah (4...06) is not in 7B. Session 6...02 is 7B's,
-- open, taken by Tomas. Asha (2...01) is the demo school's admin, Xavier
-- (2...11) Northside's.
begin;
create extension if not exists pgtap with schema extensions;
select plan(9);

insert into public.class_teachers (class_id, user_id) values ('30000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000002');

set local role authenticated;
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000002", "role": "authenticated"}', true);

select throws_ok(
  $$ insert into public.recognition_events (id, school_id, session_id, at, student_id, confidence)
     values ('80000000-0000-4000-8000-0000000000f1', '10000000-0000-4000-8000-000000000001', '60000000-0000-4000-8000-000000000002', now(), '40000000-0000-4000-8000-000000000006', 0.9) $$,
  '42501', null,
  'A teacher of two classes cannot record, in one class''s session, a face named as the other class''s student'
);

select lives_ok(
  $$ insert into public.recognition_events (id, school_id, session_id, at, student_id, confidence)
     values ('80000000-0000-4000-8000-0000000000f2', '10000000-0000-4000-8000-000000000001', '60000000-0000-4000-8000-000000000002', now(), '40000000-0000-4000-8000-000000000001', 0.9) $$,
  'but records one naming a student of the session''s class'
);

select throws_ok(
  $$ update public.sessions set taken_by = '20000000-0000-4000-8000-000000000003' where id = '60000000-0000-4000-8000-000000000002' $$,
  '42501', null,
  'A teacher cannot hand a session to another teacher'
);

select throws_ok(
  $$ update public.sessions set class_id = '30000000-0000-4000-8000-000000000002' where id = '60000000-0000-4000-8000-000000000002' $$,
  '42501', null,
  'nor move it to another of their classes'
);

select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000001", "role": "authenticated", "aal": "aal2"}', true);

select lives_ok(
  $$ update public.sessions set taken_by = '20000000-0000-4000-8000-000000000003' where id = '60000000-0000-4000-8000-000000000002' $$,
  'An admin can hand a session over'
);

select results_eq(
  $$ select public.class_of_student('40000000-0000-4000-8000-000000000001'), public.school_of_class('30000000-0000-4000-8000-000000000001') $$,
  $$ values ('30000000-0000-4000-8000-000000000001'::uuid, '10000000-0000-4000-8000-000000000001'::uuid) $$,
  'The lookups answer a member about their own school'
);

select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000011", "role": "authenticated", "aal": "aal2"}', true);

select results_eq(
  $$ select public.class_of_student('40000000-0000-4000-8000-000000000001'), public.school_of_class('30000000-0000-4000-8000-000000000001'),
            public.class_of_session('60000000-0000-4000-8000-000000000001') $$,
  $$ values (null::uuid, null::uuid, null::uuid) $$,
  'but tell another school''s admin nothing about its students, classes or sessions'
);

select results_eq(
  $$ select public.class_of_mark('70000000-0000-4000-8000-000000000001'), public.student_of_mark('70000000-0000-4000-8000-000000000001') $$,
  $$ values (null::uuid, null::uuid) $$,
  'nor about its marks'
);

reset role;
select set_config('request.jwt.claims', '', true);
select results_eq(
  $$ select public.class_of_student('40000000-0000-4000-8000-000000000001') $$,
  $$ values ('30000000-0000-4000-8000-000000000001'::uuid) $$,
  'The server itself (no signed-in user) still gets every answer'
);

select * from finish();
rollback;
