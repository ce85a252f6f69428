-- Who records consent, and what withdrawing it does.
--
-- Parents give consent in the app (method 'app', in their own name) and
-- withdraw it there. Teachers of the class, like admins, file what reached
-- the school another way (a paper form, an e-mail, in person) in their own
-- name, and may record a withdrawal the same way. Once a student has no
-- consent left in force, the server forgets their face data
-- (private.forget_face_data: the class's stored models), and devices,
-- which pull consents, erase theirs.
drop policy "Parents can give consent for their children" on public.consents;

create policy "Parents can give consent for their children"
  on public.consents for insert to authenticated
  with check (
    public.is_guardian_of(student_id)
    and given_by = (select auth.uid())
    and method = 'app'
    and withdrawn_at is null
    and (guardian_id is null or public.is_guardian(guardian_id))
  );

create policy "Teachers can record consents given outside the app"
  on public.consents for insert to authenticated
  with check (
    public.is_teacher_of_student(student_id)
    and given_by = (select auth.uid())
    and method in ('paper', 'email', 'verbal')
    and withdrawn_at is null
  );

-- The consents_only_withdraw trigger limits the change to setting withdrawn_at.
create policy "Teachers can record withdrawals of consent in their classes"
  on public.consents for update to authenticated
  using (public.is_teacher_of_student(student_id))
  with check (public.is_teacher_of_student(student_id));

create or replace function public.forget_face_data_on_withdrawal()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if not exists (
    select 1 from public.consents c
    where c.student_id = new.student_id and c.withdrawn_at is null and c.id <> new.id
  ) then
    perform private.forget_face_data(new.student_id, 'consent withdrawn');
  end if;
  return null;
end;
$$;
revoke execute on function public.forget_face_data_on_withdrawal() from public, anon, authenticated;

create trigger consents_forget_face_data
  after update of withdrawn_at on public.consents
  for each row
  when (old.withdrawn_at is null and new.withdrawn_at is not null)
  execute function public.forget_face_data_on_withdrawal();
