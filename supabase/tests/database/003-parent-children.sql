-- A parent sees their children's records and marks, sets their own
-- notification preferences, and gives or withdraws consent for their
-- children, and for nobody else's.
--
-- Seed: Pat (user 2...05, guardian 5...01) is Aarav's guardian (7B). Rosa
-- (guardian 5...02) is Farah's (8A).
begin;
create extension if not exists pgtap with schema extensions;
select plan(12);

-- As Pat.
set local role authenticated;
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000005", "role": "authenticated"}', true);

select results_eq(
  $$ select full_name from public.students $$,
  $$ values ('Aarav Shah') $$,
  'Parents can read their children''s records, and no one else''s'
);

select results_eq(
  $$ select status::text from public.attendance_marks $$,
  $$ values ('late') $$,
  'Parents can read their children''s marks'
);

select is(
  (select count(*)::int from public.notifications), 1,
  'Pat sees the one notice about Aarav'
);

select isnt_empty(
  $$ update public.guardian_notification_preferences set notify_on = 'every-mark', quiet_hours_start = null, quiet_hours_end = null
     where guardian_id = '50000000-0000-4000-8000-000000000001' returning student_id $$,
  'Parents can change their notification preferences'
);

select throws_ok(
  $$ insert into public.guardian_notification_preferences (guardian_id, student_id, school_id, notify_on)
     values ('50000000-0000-4000-8000-000000000002', '40000000-0000-4000-8000-000000000006', '10000000-0000-4000-8000-000000000001', 'off') $$,
  '42501', 'new row violates row-level security policy for table "guardian_notification_preferences"',
  'Pat cannot set Rosa''s preferences for Farah'
);

select throws_ok(
  $$ insert into public.guardian_notification_preferences (guardian_id, student_id, school_id, notify_on)
     values ('50000000-0000-4000-8000-000000000001', '40000000-0000-4000-8000-000000000006', '10000000-0000-4000-8000-000000000001', 'off') $$,
  '42501', 'new row violates row-level security policy for table "guardian_notification_preferences"',
  'Pat cannot set preferences for a child he is not linked to'
);

select is(
  (select count(*)::int from public.consents), 1,
  'Parents can read consents for their children'
);

select lives_ok(
  $$ insert into public.consents (school_id, student_id, guardian_id, method, notice_version)
     values ('10000000-0000-4000-8000-000000000001', '40000000-0000-4000-8000-000000000001', '50000000-0000-4000-8000-000000000001', 'app', '2026-11') $$,
  'Parents can give consent for their children'
);

select throws_ok(
  $$ insert into public.consents (school_id, student_id, method, notice_version)
     values ('10000000-0000-4000-8000-000000000001', '40000000-0000-4000-8000-000000000006', 'app', '2026-11') $$,
  '42501', 'new row violates row-level security policy for table "consents"',
  'Pat cannot give consent for Farah'
);

select isnt_empty(
  $$ update public.consents set withdrawn_at = now() where id = 'c0000000-0000-4000-8000-000000000001' returning id $$,
  'Parents can withdraw consent for their children'
);

select throws_ok(
  $$ update public.consents set notice_version = '2020-01' where id = 'c0000000-0000-4000-8000-000000000001' $$,
  '23514', 'a consent record cannot be edited, only withdrawn',
  'A consent record is not edited, only withdrawn'
);

select is_empty(
  $$ update public.consents set withdrawn_at = now() where id = 'c0000000-0000-4000-8000-000000000002' returning id $$,
  'Pat cannot withdraw Rosa''s consent for Farah'
);

select * from finish();
rollback;
