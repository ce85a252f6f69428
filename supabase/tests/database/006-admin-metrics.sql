-- An admin reads their school's figures; teachers, other schools' admins
-- and anon cannot; recognition times give exact percentiles.
begin;
create extension if not exists pgtap with schema extensions;
select plan(7);

-- Known recognition times in 7B's open session, in a week the seed leaves empty.
insert into public.recognition_events (id, school_id, session_id, at, confidence, recognition_ms)
select gen_random_uuid(), '10000000-0000-4000-8000-000000000001', '60000000-0000-4000-8000-000000000002',
       '2027-01-05 08:30:00+00', 0.9, ms
from unnest(array[100, 200, 300, 400, 500]) ms;

-- As Asha, the demo school's admin.
set local role authenticated;
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000001", "role": "authenticated", "aal": "aal2"}', true);

select is(
  public.admin_metrics('10000000-0000-4000-8000-000000000001', '2027-01-04 00:00+00', '2027-01-11 00:00+00') #> '{school,recognition}',
  '{"events": 5, "timed": 5, "p50_ms": 300.0, "p90_ms": 460.0, "p99_ms": 496.0}'::jsonb,
  'An admin gets the recognition-time percentiles of their school'
);

select is(
  public.admin_metrics('10000000-0000-4000-8000-000000000001', '2026-11-01 00:00+00', '2026-12-01 00:00+00') #> '{school,marks,by_source}',
  '{"auto": 6, "manual": 3}'::jsonb,
  'An admin gets automatic and manual marks of their school'
);

select is(
  public.admin_metrics('10000000-0000-4000-8000-000000000001', '2030-01-01 00:00+00', '2030-02-01 00:00+00') #> '{school,notifications,sms}',
  '{"queued": 0, "sent": 0, "delivered": 0, "failed": 0, "failure_rate": null}'::jsonb,
  'An empty period counts zero messages'
);

select is(
  public.admin_metrics('10000000-0000-4000-8000-000000000001', '2030-01-01 00:00+00', '2030-02-01 00:00+00') #>> '{auth_failures,scope}',
  'project',
  'Auth failures are reported as a project-wide figure'
);

-- As Tomas, a teacher of the same school.
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000002", "role": "authenticated"}', true);

select throws_ok(
  $$ select public.admin_metrics('10000000-0000-4000-8000-000000000001', '2026-11-01 00:00+00', '2026-12-01 00:00+00') $$,
  '42501', 'not allowed',
  'A teacher cannot read the school''s metrics'
);

-- As Xavier, Northside's admin.
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000011", "role": "authenticated", "aal": "aal2"}', true);

select throws_ok(
  $$ select public.admin_metrics('10000000-0000-4000-8000-000000000001', '2026-11-01 00:00+00', '2026-12-01 00:00+00') $$,
  '42501', 'not allowed',
  'Another school''s admin cannot read the school''s metrics'
);

-- As anon.
set local role anon;
select set_config('request.jwt.claims', '{"role": "anon"}', true);

select throws_ok(
  $$ select public.admin_metrics('10000000-0000-4000-8000-000000000001', '2026-11-01 00:00+00', '2026-12-01 00:00+00') $$,
  '42501', null,
  'Anon cannot call it'
);

select * from finish();
rollback;
