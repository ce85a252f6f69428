-- Trained class models, so a second device (or a new phone) can take
-- attendance without retraining. The bytes are checked on the way in: the
-- size column must match them, and the checksum must be their SHA-256.
create type public.model_status as enum ('active', 'inactive', 'rejected');

create table public.model_artifacts (
  id uuid primary key default gen_random_uuid(),
  school_id uuid not null references public.schools (id) on delete cascade,
  class_id uuid not null,
  version text not null check (length(btrim(version)) between 1 and 100),
  -- Which embedder produced the descriptors the model was trained on.
  descriptor_version text not null check (length(btrim(descriptor_version)) between 1 and 100),
  metrics jsonb not null default '{}'::jsonb check (jsonb_typeof(metrics) = 'object'),
  checksum text not null constraint model_artifacts_checksum_hex check (checksum ~ '^[0-9a-f]{64}$'),
  size_bytes integer not null constraint model_artifacts_size_limit check (size_bytes between 1 and 8388608),
  bytes bytea not null,
  status public.model_status not null default 'inactive',
  created_by uuid not null default auth.uid() references auth.users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint model_artifacts_size_matches check (octet_length(bytes) = size_bytes),
  constraint model_artifacts_checksum_matches check (checksum = encode(sha256(bytes), 'hex')),
  unique (class_id, version),
  foreign key (class_id, school_id) references public.classes (id, school_id) on delete cascade
);
alter table public.model_artifacts enable row level security;

-- At most one model a class recognises faces with.
create unique index model_artifacts_one_active_per_class_key on public.model_artifacts (class_id) where status = 'active';
create index model_artifacts_school_id_updated_at_idx on public.model_artifacts (school_id, updated_at);
create index model_artifacts_created_by_idx on public.model_artifacts (created_by);

create trigger model_artifacts_set_updated_at
  before insert or update on public.model_artifacts
  for each row execute function public.set_updated_at();

-- A published artifact never changes under a device that already checked
-- it: a new model is a new row; only the status moves.
create or replace function public.keep_model_artifact_content()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if (new.school_id, new.class_id, new.version, new.descriptor_version, new.checksum, new.size_bytes, new.bytes, new.created_by)
     is distinct from
     (old.school_id, old.class_id, old.version, old.descriptor_version, old.checksum, old.size_bytes, old.bytes, old.created_by) then
    raise exception 'model artifacts are immutable: upload a new version instead'
      using errcode = 'check_violation';
  end if;
  return new;
end;
$$;

create trigger model_artifacts_keep_content
  before update on public.model_artifacts
  for each row execute function public.keep_model_artifact_content();

revoke all on table public.model_artifacts from anon, authenticated;
grant select, insert, update, delete on table public.model_artifacts to authenticated;
grant all on table public.model_artifacts to service_role;

create policy "Admins can manage models in their school"
  on public.model_artifacts for all to authenticated
  using (public.is_admin_of(school_id))
  with check (public.is_admin_of(school_id));

create policy "Teachers can read models of their classes"
  on public.model_artifacts for select to authenticated
  using (public.is_teacher_of(class_id));

create policy "Teachers can upload models for their classes"
  on public.model_artifacts for insert to authenticated
  with check (public.is_teacher_of(class_id) and created_by = (select auth.uid()));

create policy "Teachers can switch models of their classes"
  on public.model_artifacts for update to authenticated
  using (public.is_teacher_of(class_id))
  with check (public.is_teacher_of(class_id));
