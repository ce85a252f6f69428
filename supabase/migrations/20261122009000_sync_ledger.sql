-- The sync function's ledger: one row per mutation a device pushed and the
-- server applied, keyed by the client's UUID for it. A device that retries
-- a batch (a timeout, a lost reply) gets 'duplicate' for what already went
-- through, and nothing is applied twice.
--
-- It lives in `private`, a schema the API does not expose, so it is written
-- only through the function; the function writes it as the caller, so each
-- user can record and read only their own mutations.
create schema if not exists private;
revoke all on schema private from public, anon;
grant usage on schema private to authenticated, service_role;

create table private.sync_mutations (
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  client_id uuid not null,
  table_name text not null check (length(table_name) between 1 and 63),
  row_id uuid not null,
  op text not null check (op in ('upsert', 'delete')),
  -- When the device made the change (its clock), for tracing a sync.
  client_updated_at timestamptz not null,
  applied_at timestamptz not null default now(),
  primary key (user_id, client_id)
);
alter table private.sync_mutations enable row level security;

-- Retries come within days; old entries can be pruned by applied_at.
create index sync_mutations_applied_at_idx on private.sync_mutations (applied_at);

revoke all on table private.sync_mutations from public, anon, authenticated;
grant select, insert on table private.sync_mutations to authenticated;
grant all on table private.sync_mutations to service_role;

create policy "Users can record their own mutations"
  on private.sync_mutations for insert to authenticated
  with check (user_id = (select auth.uid()));

create policy "Users can read their own mutations"
  on private.sync_mutations for select to authenticated
  using (user_id = (select auth.uid()));
