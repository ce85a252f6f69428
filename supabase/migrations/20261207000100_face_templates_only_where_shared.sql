-- "Don't share face templates" is the school's word, so the table keeps it,
-- not only the model-artifacts function: with the school's
-- sync_face_templates off, no member (admin or teacher, through the function
-- or straight through PostgREST) can upload a class model or switch one on.
-- Reading and deleting stay open to whoever could before, so turning sharing
-- off can always be cleaned up after.
drop policy "Admins can manage models in their school" on public.model_artifacts;
drop policy "Teachers can upload models for their classes" on public.model_artifacts;
drop policy "Teachers can switch models of their classes" on public.model_artifacts;

create policy "Admins can read models in their school"
  on public.model_artifacts for select to authenticated
  using (public.is_admin_of(school_id));

create policy "Admins can delete models in their school"
  on public.model_artifacts for delete to authenticated
  using (public.is_admin_of(school_id));

create policy "Admins can upload models where the school shares face templates"
  on public.model_artifacts for insert to authenticated
  with check (public.is_admin_of(school_id) and public.school_shares_face_templates(school_id) and created_by = (select auth.uid()));

-- The switch policies' WITH CHECK adds nothing model_artifacts_keep_content
-- does not enforce (only status may change); test:policies says so.
create policy "Admins can switch models where the school shares face templates"
  on public.model_artifacts for update to authenticated
  using (public.is_admin_of(school_id) and public.school_shares_face_templates(school_id))
  with check (public.is_admin_of(school_id) and public.school_shares_face_templates(school_id));

create policy "Teachers can upload models for their classes where the school shares face templates"
  on public.model_artifacts for insert to authenticated
  with check (public.is_teacher_of(class_id) and public.school_shares_face_templates(school_id) and created_by = (select auth.uid()));

create policy "Teachers can switch models of their classes where the school shares face templates"
  on public.model_artifacts for update to authenticated
  using (public.is_teacher_of(class_id) and public.school_shares_face_templates(school_id))
  with check (public.is_teacher_of(class_id) and public.school_shares_face_templates(school_id));
