-- Teachers take attendance in their own classes only: they read, add and
-- correct marks there, delete marks only while the session is open, and
-- cannot reach 8A's marks from 7B.
--
-- Seed: Tomas (2...02) teaches 7B; Priya (2...03) teaches 8A. 7B has a
-- finalised session (6...01) and an open one (6...02); 8A has an open one
-- (6...03).
begin;
create extension if not exists pgtap with schema extensions;
select plan(12);

-- As Tomas, teacher of 7B.
set local role authenticated;
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000002", "role": "authenticated"}', true);

select is(
  (select count(*)::int from public.attendance_marks), 7,
  'Tomas sees the 7 marks of 7B and none of 8A'
);

select is(
  (select count(*)::int from public.students), 5,
  'Tomas sees the 5 students of 7B'
);

select lives_ok(
  $$ insert into public.attendance_marks (id, school_id, session_id, student_id, status, source, confidence)
     values ('70000000-0000-4000-8000-0000000000a1', '10000000-0000-4000-8000-000000000001',
             '60000000-0000-4000-8000-000000000002', '40000000-0000-4000-8000-000000000001', 'present', 'auto', 0.92) $$,
  'Teachers can mark attendance in their classes'
);

select throws_ok(
  $$ insert into public.attendance_marks (id, school_id, session_id, student_id, status, source)
     values (gen_random_uuid(), '10000000-0000-4000-8000-000000000001',
             '60000000-0000-4000-8000-000000000003', '40000000-0000-4000-8000-000000000008', 'present', 'manual') $$,
  '42501', 'new row violates row-level security policy for table "attendance_marks"',
  'Tomas cannot mark attendance in 8A'
);

select throws_ok(
  $$ insert into public.attendance_marks (id, school_id, session_id, student_id, status, source)
     values (gen_random_uuid(), '10000000-0000-4000-8000-000000000001',
             '60000000-0000-4000-8000-000000000002', '40000000-0000-4000-8000-000000000006', 'present', 'manual') $$,
  '42501', 'new row violates row-level security policy for table "attendance_marks"',
  'Tomas cannot mark an 8A student into a 7B session'
);

select isnt_empty(
  $$ update public.attendance_marks set status = 'present', source = 'manual'
     where id = '70000000-0000-4000-8000-000000000001' returning id $$,
  'Teachers can correct marks in their classes, even after finalising'
);

select is_empty(
  $$ update public.attendance_marks set status = 'absent' where id = '70000000-0000-4000-8000-000000000011' returning id $$,
  'Tomas cannot correct marks of 8A'
);

select is_empty(
  $$ delete from public.attendance_marks where id = '70000000-0000-4000-8000-000000000002' returning id $$,
  'Tomas cannot delete marks of a finalised session'
);

select isnt_empty(
  $$ delete from public.attendance_marks where id = '70000000-0000-4000-8000-000000000006' returning id $$,
  'Teachers can delete marks of open sessions in their classes'
);

select is_empty(
  $$ update public.sessions set finalised_at = null where id = '60000000-0000-4000-8000-000000000001' returning id $$,
  'Tomas cannot reopen a finalised session'
);

-- Back as the owner, to look at what happened.
reset role;

select is(
  (select status::text from public.attendance_marks where id = '70000000-0000-4000-8000-000000000011'), 'present',
  'Farah''s mark in 8A is unchanged'
);

select results_eq(
  $$ select action, actor from public.audit_log where entity = 'attendance_marks' order by action $$,
  $$ values ('mark.corrected', '20000000-0000-4000-8000-000000000002'::uuid),
            ('mark.deleted', '20000000-0000-4000-8000-000000000002'::uuid) $$,
  'The correction and the deletion are in the audit log under Tomas''s name'
);

select * from finish();
rollback;
