-- Update policies whose WITH CHECK repeated what a trigger or key already
-- guarantees now say so: WITH CHECK (true), and the policy's comment names
-- what keeps the new row in the scope its USING clause checked.
--
-- A policy of one rule in two places reads as if either could go; here the
-- rule has one home, and scripts/test-policies.ts proves that home: it
-- disables each of these triggers in turn and a matrix cell must notice
-- (a session moved to another class, a consent moved to another child, a
-- model moved to another class). An explicit (true), not a dropped clause:
-- without WITH CHECK, Postgres checks the new row against USING, and the
-- teachers' session policy's USING (finalised_at is null) would refuse the
-- update that finalises a session.
--
-- Permissive policies are OR-ed, so (true) here also passes the new row of
-- every other update on these tables; that is sound for the same reason:
-- the trigger or key keeps the columns any USING clause reads.

alter policy "Teachers can update open sessions of their classes" on public.sessions
  with check (true);
comment on policy "Teachers can update open sessions of their classes" on public.sessions is
  'WITH CHECK (true): the sessions_keep_class_and_taker trigger refuses a change of class_id or school_id (and of taken_by, but for an admin), so the new row stays in the class the USING clause checked.';

alter policy "Parents can withdraw consent for their children" on public.consents
  with check (true);
comment on policy "Parents can withdraw consent for their children" on public.consents is
  'WITH CHECK (true): the consents_only_withdraw trigger refuses any change but withdrawn_at, so the new row keeps the student the USING clause checked.';

alter policy "Teachers can record withdrawals of consent in their classes" on public.consents
  with check (true);
comment on policy "Teachers can record withdrawals of consent in their classes" on public.consents is
  'WITH CHECK (true): the consents_only_withdraw trigger refuses any change but withdrawn_at, so the new row keeps the student the USING clause checked.';

alter policy "Admins can switch models where the school shares face templates" on public.model_artifacts
  with check (true);
comment on policy "Admins can switch models where the school shares face templates" on public.model_artifacts is
  'WITH CHECK (true): the model_artifacts_keep_content trigger lets only status change, so the new row keeps the school the USING clause checked.';

alter policy "Teachers can switch models of their classes where the school shares face templates" on public.model_artifacts
  with check (true);
comment on policy "Teachers can switch models of their classes where the school shares face templates" on public.model_artifacts is
  'WITH CHECK (true): the model_artifacts_keep_content trigger lets only status change, so the new row keeps the class and school the USING clause checked.';

alter policy "Admins can update their school" on public.schools
  with check (true);
comment on policy "Admins can update their school" on public.schools is
  'WITH CHECK (true): the only column it read is id, the primary key that every table naming a school references without ON UPDATE CASCADE, so an admin cannot move their school to another id.';
