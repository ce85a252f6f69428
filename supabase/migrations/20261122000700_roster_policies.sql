-- Who may read and change schools, memberships, classes, students and
-- guardians. Admins manage everything in their school; everyone else reads
-- only what concerns them. anon has no privileges and no policies.

-- schools
create policy "Members can read their school"
  on public.schools for select to authenticated
  using (public.is_member_of(id));

-- New schools are created by the service role (sign-up of a school is not
-- self-service); no user may delete one.
create policy "Admins can update their school"
  on public.schools for update to authenticated
  using (public.is_admin_of(id))
  with check (public.is_admin_of(id));

-- memberships
create policy "Users can read their own memberships"
  on public.memberships for select to authenticated
  using (user_id = (select auth.uid()));

create policy "Admins can manage memberships in their school"
  on public.memberships for all to authenticated
  using (public.is_admin_of(school_id))
  with check (public.is_admin_of(school_id));

-- classes
create policy "Admins can manage classes in their school"
  on public.classes for all to authenticated
  using (public.is_admin_of(school_id))
  with check (public.is_admin_of(school_id));

create policy "Teachers can read their classes"
  on public.classes for select to authenticated
  using (public.is_teacher_of(id));

create policy "Students can read their own class"
  on public.classes for select to authenticated
  using (public.is_student_in_class(id));

create policy "Parents can read their children's classes"
  on public.classes for select to authenticated
  using (public.is_guardian_in_class(id));

-- class_teachers
create policy "Admins can assign teachers to classes in their school"
  on public.class_teachers for all to authenticated
  using (public.is_admin_of(public.school_of_class(class_id)))
  with check (public.is_admin_of(public.school_of_class(class_id)));

create policy "Teachers can read their own class assignments"
  on public.class_teachers for select to authenticated
  using (user_id = (select auth.uid()));

-- students
create policy "Admins can manage students in their school"
  on public.students for all to authenticated
  using (public.is_admin_of(school_id))
  with check (public.is_admin_of(school_id));

create policy "Teachers can read students in their classes"
  on public.students for select to authenticated
  using (public.is_teacher_of(class_id));

create policy "Students can read their own record"
  on public.students for select to authenticated
  using (public.is_student(id));

create policy "Parents can read their children's records"
  on public.students for select to authenticated
  using (public.is_guardian_of(id));

-- guardians
create policy "Admins can manage guardians in their school"
  on public.guardians for all to authenticated
  using (public.is_admin_of(school_id))
  with check (public.is_admin_of(school_id));

create policy "Teachers can read guardians of students in their classes"
  on public.guardians for select to authenticated
  using (public.is_teacher_of_guardian(id));

create policy "Parents can read their own guardian record"
  on public.guardians for select to authenticated
  using (public.is_guardian(id));

-- student_guardians
create policy "Admins can link guardians to students in their school"
  on public.student_guardians for all to authenticated
  using (public.is_admin_of(school_id))
  with check (public.is_admin_of(school_id));

create policy "Teachers can read guardian links of students in their classes"
  on public.student_guardians for select to authenticated
  using (public.is_teacher_of_student(student_id));

create policy "Parents can read their links to their children"
  on public.student_guardians for select to authenticated
  using (public.is_guardian(guardian_id));

-- guardian_notification_preferences
create policy "Admins can manage notification preferences in their school"
  on public.guardian_notification_preferences for all to authenticated
  using (public.is_admin_of(school_id))
  with check (public.is_admin_of(school_id));

create policy "Parents can read their notification preferences"
  on public.guardian_notification_preferences for select to authenticated
  using (public.is_guardian(guardian_id));

-- The foreign key to student_guardians already limits a guardian to their
-- own children.
create policy "Parents can set their notification preferences"
  on public.guardian_notification_preferences for insert to authenticated
  with check (public.is_guardian(guardian_id));

create policy "Parents can change their notification preferences"
  on public.guardian_notification_preferences for update to authenticated
  using (public.is_guardian(guardian_id))
  with check (public.is_guardian(guardian_id));

create policy "Parents can remove their notification preferences"
  on public.guardian_notification_preferences for delete to authenticated
  using (public.is_guardian(guardian_id));
