-- A reviewer's correction says which review made it, in the mark's device:
-- 'server:dispute' for an accepted dispute, 'server:excuse' for an approved
-- excuse, and plain 'server' for a direct call that names no reason.
--
-- Seed: Aarav's late mark (7...01) in 7B, disputed by him (9...01, asks
-- for present) and asked to be excused by Pat (f...01); Tomas (2...02)
-- teaches 7B. Ben's mark (7...02) is present, by the camera.
begin;
create extension if not exists pgtap with schema extensions;
select plan(4);

set local role authenticated;
-- As Tomas, teacher of 7B.
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000002", "role": "authenticated"}', true);

update public.disputes set status = 'resolved', resolution = 'Seen on the back-row photo'
 where id = '90000000-0000-4000-8000-000000000001';

select results_eq(
  $$ select status::text, source::text, device from public.attendance_marks where id = '70000000-0000-4000-8000-000000000001' $$,
  $$ values ('present', 'manual', 'server:dispute') $$,
  'An accepted dispute leaves a manual mark that says a dispute made it'
);

update public.excuse_requests set status = 'approved' where id = 'f0000000-0000-4000-8000-000000000001';

select results_eq(
  $$ select status::text, source::text, device from public.attendance_marks where id = '70000000-0000-4000-8000-000000000001' $$,
  $$ values ('excused', 'manual', 'server:excuse') $$,
  'An approved excuse leaves a manual mark that says an excuse made it'
);

select lives_ok(
  $$ select public.correct_mark_by_review('70000000-0000-4000-8000-000000000002', 'late', 'correct the mark') $$,
  'A teacher may still call the correction directly, without a reason'
);

select results_eq(
  $$ select status::text, source::text, device from public.attendance_marks where id = '70000000-0000-4000-8000-000000000002' $$,
  $$ values ('late', 'manual', 'server') $$,
  'A correction without a reason says only that the server made it'
);

reset role;
select * from finish();
rollback;
