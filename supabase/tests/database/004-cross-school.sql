-- Nobody reaches another school's rows, not even an admin; anon reaches
-- nothing at all.
--
-- Seed: Asha (2...01) is the demo school's admin, Xavier (2...11)
-- Northside's.
begin;
create extension if not exists pgtap with schema extensions;
select plan(12);

-- As Xavier, Northside's admin.
set local role authenticated;
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000011", "role": "authenticated", "aal": "aal2"}', true);

select results_eq(
  $$ select name from public.schools $$,
  $$ values ('Northside School') $$,
  'Xavier sees his school only'
);

select is(
  (select count(*)::int from public.students), 2,
  'Admins can manage students in their school: Xavier sees Northside''s two'
);

select is(
  (select count(*)::int from public.attendance_marks where school_id = '10000000-0000-4000-8000-000000000001'), 0,
  'Xavier sees no mark of the demo school'
);

select throws_ok(
  $$ insert into public.students (school_id, class_id, roll_no, full_name)
     values ('10000000-0000-4000-8000-000000000001', '30000000-0000-4000-8000-000000000001', '9', 'Intruder') $$,
  '42501', 'new row violates row-level security policy for table "students"',
  'Xavier cannot add a student to the demo school'
);

select is_empty(
  $$ update public.classes set name = 'Taken' where school_id = '10000000-0000-4000-8000-000000000001' returning id $$,
  'Xavier cannot rename the demo school''s classes'
);

select is_empty(
  $$ delete from public.sessions where school_id = '10000000-0000-4000-8000-000000000001' returning id $$,
  'Xavier cannot delete the demo school''s sessions'
);

select throws_ok(
  $$ insert into public.memberships (user_id, school_id, role)
     values ('20000000-0000-4000-8000-000000000011', '10000000-0000-4000-8000-000000000001', 'admin') $$,
  '42501', 'new row violates row-level security policy for table "memberships"',
  'Xavier cannot make himself an admin of the demo school'
);

-- As Asha, the demo school's admin.
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000001", "role": "authenticated", "aal": "aal2"}', true);

select is(
  (select count(*)::int from public.students where school_id = '10000000-0000-4000-8000-000000000002'), 0,
  'Asha sees no student of Northside'
);

select throws_ok(
  $$ update public.students set class_id = '30000000-0000-4000-8000-000000000011', school_id = '10000000-0000-4000-8000-000000000002'
     where id = '40000000-0000-4000-8000-000000000001' $$,
  '42501', 'new row violates row-level security policy for table "students"',
  'Asha cannot move a student into Northside'
);

select throws_ok(
  $$ select public.record_audit('10000000-0000-4000-8000-000000000002', 'sync.push', 'sync', null, '{}') $$,
  '42501', null,
  'Asha cannot write in Northside''s audit log'
);

-- As anon.
set local role anon;
select set_config('request.jwt.claims', '{"role": "anon"}', true);

select throws_ok(
  $$ select * from public.students $$,
  '42501', 'permission denied for table students',
  'anon cannot read students'
);

select throws_ok(
  $$ insert into public.attendance_marks (id, school_id, session_id, student_id, status, source)
     values (gen_random_uuid(), '10000000-0000-4000-8000-000000000001', '60000000-0000-4000-8000-000000000002',
             '40000000-0000-4000-8000-000000000001', 'present', 'manual') $$,
  '42501', 'permission denied for table attendance_marks',
  'anon cannot mark attendance'
);

select * from finish();
rollback;
