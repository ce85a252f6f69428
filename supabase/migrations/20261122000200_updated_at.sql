-- Synced tables carry updated_at, and the server stamps it on every insert
-- and update: devices pull "changes since <cursor>", so the cursor must come
-- from one clock, not from each device's.
create or replace function public.set_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;
