-- A student reads only their own marks and disputes only their own mark; a
-- teacher of the class resolves it, a teacher of another class cannot.
--
-- Seed: Aarav (user 2...04, student 4...01) in 7B, marked late in the
-- finalised session (mark 7...01) and disputing it (9...01).
begin;
create extension if not exists pgtap with schema extensions;
select plan(11);

-- As Aarav, student in 7B.
set local role authenticated;
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000004", "role": "authenticated"}', true);

select results_eq(
  $$ select id from public.attendance_marks $$,
  $$ values ('70000000-0000-4000-8000-000000000001'::uuid) $$,
  'Students can read their own marks, and only theirs'
);

select results_eq(
  $$ select full_name from public.students $$,
  $$ values ('Aarav Shah') $$,
  'Aarav sees his own record and no classmate'
);

select is(
  (select count(*)::int from public.disputes), 1,
  'Aarav sees his dispute'
);

select throws_ok(
  $$ insert into public.disputes (school_id, mark_id, reason)
     values ('10000000-0000-4000-8000-000000000001', '70000000-0000-4000-8000-000000000002', 'Bela was late') $$,
  '42501', 'new row violates row-level security policy for table "disputes"',
  'Aarav cannot dispute a classmate''s mark'
);

select throws_ok(
  $$ insert into public.disputes (school_id, mark_id, reason)
     values ('10000000-0000-4000-8000-000000000001', '70000000-0000-4000-8000-000000000001', 'Once more') $$,
  '23505', null,
  'A mark has one open dispute at a time'
);

select is_empty(
  $$ update public.disputes set status = 'resolved', resolved_by = auth.uid(), resolved_at = now() returning id $$,
  'Aarav cannot resolve his own dispute'
);

-- The first dispute is rejected; Aarav may open another.
reset role;
update public.disputes
  set status = 'rejected', resolution = 'The photo shows an empty seat', resolved_by = '20000000-0000-4000-8000-000000000002', resolved_at = now()
  where id = '90000000-0000-4000-8000-000000000001';
set local role authenticated;
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000004", "role": "authenticated"}', true);

select throws_ok(
  $$ insert into public.disputes (school_id, mark_id, reason, opened_by)
     values ('10000000-0000-4000-8000-000000000001', '70000000-0000-4000-8000-000000000001', 'Second try', '20000000-0000-4000-8000-000000000005') $$,
  '42501', 'new row violates row-level security policy for table "disputes"',
  'Aarav cannot open a dispute in someone else''s name'
);

select lives_ok(
  $$ insert into public.disputes (id, school_id, mark_id, reason)
     values ('90000000-0000-4000-8000-0000000000a1', '10000000-0000-4000-8000-000000000001',
             '70000000-0000-4000-8000-000000000001', 'I have a note from the office') $$,
  'Students can dispute their own marks'
);

-- As Priya, teacher of 8A.
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000003", "role": "authenticated"}', true);

select is_empty(
  $$ update public.disputes set status = 'resolved', resolved_by = auth.uid(), resolved_at = now()
     where id = '90000000-0000-4000-8000-0000000000a1' returning id $$,
  'Priya cannot resolve a dispute in 7B'
);

-- As Tomas, teacher of 7B.
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000002", "role": "authenticated"}', true);

select throws_ok(
  $$ update public.disputes set status = 'resolved', resolution = 'Note seen', corrected_status = 'excused',
       resolved_by = '20000000-0000-4000-8000-000000000001', resolved_at = now()
     where id = '90000000-0000-4000-8000-0000000000a1' $$,
  '42501', 'new row violates row-level security policy for table "disputes"',
  'Tomas cannot close a dispute in the admin''s name'
);

select isnt_empty(
  $$ update public.disputes set status = 'resolved', resolution = 'Note seen', corrected_status = 'excused', resolved_by = auth.uid(), resolved_at = now()
     where id = '90000000-0000-4000-8000-0000000000a1' returning id $$,
  'Teachers can resolve disputes in their classes'
);

select * from finish();
rollback;
