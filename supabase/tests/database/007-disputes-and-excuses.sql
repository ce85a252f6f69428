-- Disputes and excuses, from the student's or parent's word to the
-- teacher's decision: who may open and decide them, what a decision does to
-- the mark, that it is final, and that it is logged in the decider's name.
--
-- Seed: Aarav (user 2...04, student 4...01) in 7B, marked late (auto, 0.91)
-- in the finalised session (mark 7...01), disputing it (9...01, asks for
-- present); Pat (2...05) is his parent and asked to excuse it (f...01);
-- Tomas (2...02) teaches 7B, Priya (2...03) 8A; Rosa (2...06) is Farah's
-- parent, and asked to excuse Farah's 8A mark (f...02, mark 7...11).
begin;
create extension if not exists pgtap with schema extensions;
select plan(25);

set local role authenticated;

-- As Rosa, parent of Farah (8A).
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000006", "role": "authenticated"}', true);

select throws_ok(
  $$ insert into public.disputes (school_id, mark_id, reason)
     values ('10000000-0000-4000-8000-000000000001', '70000000-0000-4000-8000-000000000001', 'Not my child') $$,
  '42501', 'new row violates row-level security policy for table "disputes"',
  'A parent cannot dispute another family''s mark'
);

-- As Tomas, teacher of 7B.
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000002", "role": "authenticated"}', true);

select throws_ok(
  $$ update public.disputes set status = 'rejected' where id = '90000000-0000-4000-8000-000000000001' $$,
  '23514', null,
  'A dispute is not rejected without a reason'
);

select lives_ok(
  $$ update public.disputes set status = 'rejected', resolution = 'The 08:44 photo is the first one with Aarav in it'
     where id = '90000000-0000-4000-8000-000000000001' $$,
  'Teachers can reject a dispute with a reason'
);

select results_eq(
  $$ select status::text, source::text from public.attendance_marks where id = '70000000-0000-4000-8000-000000000001' $$,
  $$ values ('late', 'auto') $$,
  'A rejected dispute leaves the mark as it was'
);

select throws_ok(
  $$ update public.disputes set status = 'resolved', corrected_status = 'present' where id = '90000000-0000-4000-8000-000000000001' $$,
  '23514', 'a closed dispute is final: open a new one instead',
  'A closed dispute is final'
);

-- As Pat, Aarav's parent.
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000005", "role": "authenticated"}', true);

select throws_ok(
  $$ insert into public.disputes (school_id, mark_id, reason, opened_by)
     values ('10000000-0000-4000-8000-000000000001', '70000000-0000-4000-8000-000000000001', 'In his name',
             '20000000-0000-4000-8000-000000000004') $$,
  '42501', 'new row violates row-level security policy for table "disputes"',
  'A parent cannot open a dispute in the child''s name'
);

select lives_ok(
  $$ insert into public.disputes (id, school_id, mark_id, reason, requested_status)
     values ('90000000-0000-4000-8000-0000000000b1', '10000000-0000-4000-8000-000000000001',
             '70000000-0000-4000-8000-000000000001', 'He was on the 08:30 bus with me', 'present') $$,
  'Parents can dispute their children''s marks'
);

-- As Priya, teacher of 8A.
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000003", "role": "authenticated"}', true);

select is_empty(
  $$ update public.disputes set status = 'resolved' where id = '90000000-0000-4000-8000-0000000000b1' returning id $$,
  'A teacher of another class cannot resolve it'
);

-- As Tomas.
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000002", "role": "authenticated"}', true);

select isnt_empty(
  $$ update public.disputes set status = 'resolved', resolution = 'Seen on the back-row photo'
     where id = '90000000-0000-4000-8000-0000000000b1' returning id $$,
  'Teachers can accept a dispute in their class'
);

select results_eq(
  $$ select status::text, source::text, confidence from public.attendance_marks where id = '70000000-0000-4000-8000-000000000001' $$,
  $$ values ('present', 'manual', null::numeric) $$,
  'Accepting corrects the mark to what was asked, as a manual mark'
);

select results_eq(
  $$ select corrected_status::text, resolved_by, resolved_at is not null from public.disputes where id = '90000000-0000-4000-8000-0000000000b1' $$,
  $$ values ('present', '20000000-0000-4000-8000-000000000002'::uuid, true) $$,
  'The dispute records the correction, the resolver and the time'
);

reset role;
select set_eq(
  $$ select action, actor from public.audit_log
     where entity_id in ('90000000-0000-4000-8000-000000000001', '90000000-0000-4000-8000-0000000000b1', '70000000-0000-4000-8000-000000000001') $$,
  $$ values ('dispute.rejected', '20000000-0000-4000-8000-000000000002'::uuid),
            ('dispute.resolved', '20000000-0000-4000-8000-000000000002'::uuid),
            ('mark.corrected', '20000000-0000-4000-8000-000000000002'::uuid) $$,
  'Closing and the correction are in the audit log, in the resolver''s name'
);
set local role authenticated;

-- As Aarav.
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000004", "role": "authenticated"}', true);

select results_eq(
  $$ select status::text, corrected_status::text, resolution from public.disputes where id = '90000000-0000-4000-8000-0000000000b1' $$,
  $$ values ('resolved', 'present', 'Seen on the back-row photo') $$,
  'The student reads the resolution'
);

select is_empty(
  $$ select id from public.excuse_requests $$,
  'Students do not see their guardians'' excuse requests'
);

-- As Pat.
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000005", "role": "authenticated"}', true);

select results_eq(
  $$ select id from public.excuse_requests $$,
  $$ values ('f0000000-0000-4000-8000-000000000001'::uuid) $$,
  'Parents read the excuse requests for their children, and only theirs'
);

-- As Priya.
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000003", "role": "authenticated"}', true);

select is_empty(
  $$ update public.excuse_requests set status = 'approved' where id = 'f0000000-0000-4000-8000-000000000001' returning id $$,
  'A teacher of another class cannot approve it'
);

select lives_ok(
  $$ update public.excuse_requests set status = 'rejected', decision_note = 'Farah was here'
     where id = 'f0000000-0000-4000-8000-000000000002' $$,
  'Priya rejects the excuse for Farah'
);

select results_eq(
  $$ select status::text, source::text from public.attendance_marks where id = '70000000-0000-4000-8000-000000000011' $$,
  $$ values ('present', 'auto') $$,
  'A rejected excuse leaves the mark as it was'
);

-- As Tomas.
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000002", "role": "authenticated"}', true);

select throws_ok(
  $$ insert into public.excuse_requests (school_id, mark_id, student_id, reason)
     values ('10000000-0000-4000-8000-000000000001', '70000000-0000-4000-8000-000000000004', '40000000-0000-4000-8000-000000000004', 'sick') $$,
  '42501', 'new row violates row-level security policy for table "excuse_requests"',
  'Teachers do not write excuses themselves'
);

select throws_ok(
  $$ update public.excuse_requests set message = 'Something else' where id = 'f0000000-0000-4000-8000-000000000001' $$,
  '23514', 'what a guardian sent cannot be edited',
  'A teacher cannot edit what the guardian sent'
);

select isnt_empty(
  $$ update public.excuse_requests set status = 'approved' where id = 'f0000000-0000-4000-8000-000000000001' returning id $$,
  'Teachers can approve excuse requests in their classes'
);

select results_eq(
  $$ select status::text, source::text from public.attendance_marks where id = '70000000-0000-4000-8000-000000000001' $$,
  $$ values ('excused', 'manual') $$,
  'Approving excuses the mark, as a manual mark'
);

select results_eq(
  $$ select decided_by, decided_at is not null from public.excuse_requests where id = 'f0000000-0000-4000-8000-000000000001' $$,
  $$ values ('20000000-0000-4000-8000-000000000002'::uuid, true) $$,
  'The request records who decided and when'
);

select throws_ok(
  $$ update public.excuse_requests set status = 'rejected' where id = 'f0000000-0000-4000-8000-000000000001' $$,
  '23514', 'a decided excuse request is final',
  'A decided excuse request is final'
);

reset role;
select is(
  (select count(*)::int from public.audit_log
    where action = 'excuse.approved' and entity_id = 'f0000000-0000-4000-8000-000000000001'
      and actor = '20000000-0000-4000-8000-000000000002'),
  1,
  'The approval is in the audit log in the approver''s name'
);

select * from finish();
rollback;
