-- With the school's "share face templates" off, no member can upload a
-- class model or switch one on, whatever the client (PostgREST runs as
-- `authenticated`, as here). Seed: Demo School (1...01) shares templates;
-- Tomas (2...02) teaches 7B (3...01); Asha (2...01) is its admin.
begin;
create extension if not exists pgtap with schema extensions;
select plan(6);

update public.schools set sync_face_templates = false where id = '10000000-0000-4000-8000-000000000001';
-- A model left behind (as only the service role could now write one), to try switching on.
insert into public.model_artifacts (id, school_id, class_id, version, descriptor_version, checksum, size_bytes, bytes, created_by)
values ('a1000000-0000-4000-8000-00000000000f', '10000000-0000-4000-8000-000000000001', '30000000-0000-4000-8000-000000000001',
        'left-behind', 'faceapi-128-v1', encode(sha256('\x01'::bytea), 'hex'), 1, '\x01'::bytea, '20000000-0000-4000-8000-000000000002');

set local role authenticated;
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000002", "role": "authenticated"}', true);

select throws_ok(
  $$ insert into public.model_artifacts (school_id, class_id, version, descriptor_version, checksum, size_bytes, bytes)
     values ('10000000-0000-4000-8000-000000000001', '30000000-0000-4000-8000-000000000001', 'v-off', 'faceapi-128-v1',
             encode(sha256('\x02'::bytea), 'hex'), 1, '\x02'::bytea) $$,
  '42501', null,
  'A teacher cannot upload a class model while the school does not share face templates'
);

update public.model_artifacts set status = 'active' where id = 'a1000000-0000-4000-8000-00000000000f';
select results_eq(
  $$ select status::text from public.model_artifacts where id = 'a1000000-0000-4000-8000-00000000000f' $$,
  $$ values ('inactive') $$,
  'A teacher cannot switch a model on while the school does not share face templates'
);

select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000001", "role": "authenticated", "aal": "aal2"}', true);

select throws_ok(
  $$ insert into public.model_artifacts (school_id, class_id, version, descriptor_version, checksum, size_bytes, bytes)
     values ('10000000-0000-4000-8000-000000000001', '30000000-0000-4000-8000-000000000001', 'v-admin-off', 'faceapi-128-v1',
             encode(sha256('\x03'::bytea), 'hex'), 1, '\x03'::bytea) $$,
  '42501', null,
  'Nor can an admin'
);

select lives_ok(
  $$ delete from public.model_artifacts where id = 'a1000000-0000-4000-8000-00000000000f' $$,
  'An admin can still delete what was left behind'
);

reset role;
update public.schools set sync_face_templates = true where id = '10000000-0000-4000-8000-000000000001';
set local role authenticated;
select set_config('request.jwt.claims', '{"sub": "20000000-0000-4000-8000-000000000002", "role": "authenticated"}', true);

select lives_ok(
  $$ insert into public.model_artifacts (school_id, class_id, version, descriptor_version, checksum, size_bytes, bytes)
     values ('10000000-0000-4000-8000-000000000001', '30000000-0000-4000-8000-000000000001', 'v-on', 'faceapi-128-v1',
             encode(sha256('\x04'::bytea), 'hex'), 1, '\x04'::bytea) $$,
  'With sharing on, the teacher can upload'
);

select throws_ok(
  $$ insert into public.model_artifacts (school_id, class_id, version, descriptor_version, checksum, size_bytes, bytes, created_by)
     values ('10000000-0000-4000-8000-000000000001', '30000000-0000-4000-8000-000000000001', 'v-forged', 'faceapi-128-v1',
             encode(sha256('\x05'::bytea), 'hex'), 1, '\x05'::bytea, '20000000-0000-4000-8000-000000000003') $$,
  '42501', null,
  'but never in another teacher''s name'
);

reset role;
select * from finish();
rollback;
