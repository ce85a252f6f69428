-- Members cannot write the audit log as they like: no direct insert (with
-- a backdated time, a made-up action, or details naming a student), only
-- public.record_audit, which stamps now() and the caller, takes a fixed set
-- of actions, and checks that what an entry is about belongs to the school.
-- Seed: Tomas (2...02) teaches 7B in Demo School (1...01); Aarav
-- (4...01) is in 7B; Northside (1...02) has its own class 9C (3...11).
begin;
create extension if not exists pgtap with schema extensions;
select plan(9);

set local role authenticated;
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000002", "role": "authenticated"}', true);

select throws_ok(
  $$ insert into public.audit_log (school_id, action, entity, at) values ('10000000-0000-4000-8000-000000000001', 'mark.corrected', 'attendance_marks', '2020-01-01') $$,
  '42501', null,
  'A member cannot insert into the audit log directly (nor backdate an entry)'
);

select throws_ok(
  $$ select public.record_audit('10000000-0000-4000-8000-000000000001', 'mark.deleted', 'attendance_marks', null, '{}') $$,
  '22023', null,
  'record_audit refuses an action members do not record'
);

select throws_ok(
  $$ select public.record_audit('10000000-0000-4000-8000-000000000002', 'sync.push', 'sync', null, '{}') $$,
  '42501', null,
  'record_audit refuses a school the caller is not a member of'
);

select throws_ok(
  $$ select public.record_audit('10000000-0000-4000-8000-000000000001', 'teacher.assigned', 'class_teachers', '30000000-0000-4000-8000-000000000011', '{}') $$,
  '22023', null,
  'record_audit refuses an entry about another school''s class'
);

select throws_ok(
  $$ select public.record_audit('10000000-0000-4000-8000-000000000001', 'sync.push', 'sync', null, '{"studentId": "40000000-0000-4000-8000-000000000099"}') $$,
  '22023', null,
  'record_audit refuses details naming a student who is not in the school'
);

select throws_ok(
  $$ select public.record_audit('10000000-0000-4000-8000-000000000001', 'privacy.access_request', 'attendance_marks', '40000000-0000-4000-8000-000000000001', '{}') $$,
  '22023', null,
  'record_audit refuses an action said to be about another kind of row'
);

select lives_ok(
  $$ select public.record_audit('10000000-0000-4000-8000-000000000001', 'privacy.access_request', 'students', '40000000-0000-4000-8000-000000000001', '{"masked": true}') $$,
  'A member records what the functions record'
);

reset role;
select results_eq(
  $$ select actor, entity, at = now() from public.audit_log where action = 'privacy.access_request' and entity_id = '40000000-0000-4000-8000-000000000001' $$,
  $$ values ('20000000-0000-4000-8000-000000000002'::uuid, 'students', true) $$,
  'The entry names the caller, the action''s own entity and the time it was written'
);

select is(
  (select count(*)::int from public.audit_log where at < now() - interval '1 year'),
  0,
  'Nothing was backdated'
);

select * from finish();
rollback;
