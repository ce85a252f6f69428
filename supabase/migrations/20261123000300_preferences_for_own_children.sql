-- A parent sets notification preferences only for their own rows and only
-- for their own children. The foreign key to student_guardians already
-- refused a child who is not theirs, but as an error about a missing link;
-- asking is_guardian_of as well refuses it as a policy, like every other
-- refusal, before anything else is looked at.
drop policy "Parents can set their notification preferences" on public.guardian_notification_preferences;
drop policy "Parents can change their notification preferences" on public.guardian_notification_preferences;

create policy "Parents can set their notification preferences"
  on public.guardian_notification_preferences for insert to authenticated
  with check (public.is_guardian(guardian_id) and public.is_guardian_of(student_id));

create policy "Parents can change their notification preferences"
  on public.guardian_notification_preferences for update to authenticated
  using (public.is_guardian(guardian_id))
  with check (public.is_guardian(guardian_id) and public.is_guardian_of(student_id));
