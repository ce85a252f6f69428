-- What the notify and roles functions need beyond the base schema.
--
-- 1. notifications carry the text that was sent (body), and a session
--    queues at most one message per student and recipient, so finalising a
--    session twice queues nothing new.
-- 2. private.invites: an admin invites someone by e-mail or phone with a
--    role in their school; the person claims it at first sign-in through
--    public.claim_invites(), which creates their membership and links.

alter table public.notifications
  add column body text check (length(btrim(body)) between 1 and 480);

create unique index notifications_session_student_recipient_key
  on public.notifications (session_id, student_id, recipient)
  where session_id is not null;

-- The per-student throttle looks back over a student's recent messages.
create index notifications_student_id_created_at_idx on public.notifications (student_id, created_at);

create table private.invites (
  id uuid primary key default gen_random_uuid(),
  school_id uuid not null references public.schools (id) on delete cascade,
  email extensions.citext check (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
  phone text check (phone ~ '^\+[1-9][0-9]{6,14}$'),
  role public.app_role not null,
  -- Classes a teacher will teach; children a parent or student account is for.
  class_ids uuid[] not null default '{}',
  student_ids uuid[] not null default '{}',
  created_by uuid not null default auth.uid() references auth.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null default now() + interval '14 days',
  claimed_at timestamptz,
  claimed_by uuid references auth.users (id) on delete set null,
  check ((email is null) <> (phone is null)),
  check ((claimed_at is null) = (claimed_by is null))
);
alter table private.invites enable row level security;

create index invites_school_id_idx on private.invites (school_id);
create index invites_email_idx on private.invites (email) where claimed_at is null and email is not null;
create index invites_phone_idx on private.invites (phone) where claimed_at is null and phone is not null;

revoke all on table private.invites from public, anon, authenticated;
grant select, insert, delete on table private.invites to authenticated;
grant all on table private.invites to service_role;

create policy "Admins can invite people to their school"
  on private.invites for insert to authenticated
  with check (public.is_admin_of(school_id) and created_by = (select auth.uid()) and claimed_at is null);

create policy "Admins can read their school's invites"
  on private.invites for select to authenticated
  using (public.is_admin_of(school_id));

create policy "Admins can withdraw unclaimed invites"
  on private.invites for delete to authenticated
  using (public.is_admin_of(school_id) and claimed_at is null);

-- Turns the caller's open invites into memberships, class assignments and
-- links. Security definer because nobody may otherwise grant themselves a
-- membership; it only ever acts for auth.uid(), only on invites addressed
-- to the caller's confirmed e-mail or phone (auth.users, not the token's
-- claims alone), and only links classes and students of the invite's own
-- school. Claiming twice changes nothing: claimed invites are skipped and
-- every insert ignores rows already there.
create or replace function public.claim_invites()
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := auth.uid();
  my_email text;
  my_phone text;
  inv private.invites;
  guardian uuid;
  claimed jsonb := '[]'::jsonb;
begin
  if me is null then
    raise exception 'claim_invites: a signed-in user is required' using errcode = 'insufficient_privilege';
  end if;
  select case when u.email_confirmed_at is not null then lower(u.email) end,
         case when to_jsonb(u) ->> 'phone_confirmed_at' is not null then u.phone end
    into my_email, my_phone
    from auth.users u where u.id = me;

  for inv in
    select i.* from private.invites i
    where i.claimed_at is null
      and i.expires_at > now()
      and ((i.email is not null and lower(i.email::text) = my_email)
        or (i.phone is not null and i.phone = my_phone))
    order by i.created_at
    for update
  loop
    insert into public.memberships (user_id, school_id, role)
    values (me, inv.school_id, inv.role)
    on conflict (user_id, school_id, role) do nothing;

    if inv.role = 'teacher' then
      insert into public.class_teachers (class_id, user_id)
      select c.id, me from public.classes c
      where c.id = any (inv.class_ids) and c.school_id = inv.school_id and c.deleted_at is null
      on conflict do nothing;
    elsif inv.role = 'student' then
      update public.students s set user_id = me
      where s.id = any (inv.student_ids) and s.school_id = inv.school_id and s.user_id is null;
    elsif inv.role = 'parent' and cardinality(inv.student_ids) > 0 then
      select g.id into guardian from public.guardians g
      where g.school_id = inv.school_id and g.user_id = me and g.deleted_at is null
      order by g.created_at limit 1;
      if guardian is null then
        insert into public.guardians (school_id, full_name, phone, email, user_id)
        select inv.school_id, coalesce(nullif(btrim(u.raw_user_meta_data ->> 'full_name'), ''), split_part(coalesce(inv.email::text, inv.phone), '@', 1)),
               inv.phone, inv.email, me
        from auth.users u where u.id = me
        returning id into guardian;
      end if;
      insert into public.student_guardians (student_id, guardian_id, school_id, relationship)
      select s.id, guardian, inv.school_id, 'parent' from public.students s
      where s.id = any (inv.student_ids) and s.school_id = inv.school_id
      on conflict do nothing;
    end if;

    update private.invites set claimed_at = now(), claimed_by = me where id = inv.id;
    insert into public.audit_log (school_id, actor, action, entity, entity_id, details)
    values (inv.school_id, me, 'invite.claimed', 'invites', inv.id,
            jsonb_build_object('role', inv.role, 'class_ids', to_jsonb(inv.class_ids), 'student_ids', to_jsonb(inv.student_ids)));
    claimed := claimed || jsonb_build_object('id', inv.id, 'school_id', inv.school_id, 'role', inv.role,
                                             'class_ids', to_jsonb(inv.class_ids), 'student_ids', to_jsonb(inv.student_ids));
  end loop;
  return claimed;
end;
$$;

revoke all on function public.claim_invites() from public, anon;
grant execute on function public.claim_invites() to authenticated;
