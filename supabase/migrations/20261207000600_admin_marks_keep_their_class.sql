-- An admin's mark names a student of the session's class, as a teacher's
-- must: an admin could insert an 8A student's mark into 7B's session, or
-- move a mark to another class's student or session (found by the policy
-- mutation run's matrix cells).
drop policy "Admins can manage marks in their school" on public.attendance_marks;

create policy "Admins can manage marks in their school"
  on public.attendance_marks for all to authenticated
  using (public.is_admin_of(school_id))
  with check (
    public.is_admin_of(school_id)
    and public.class_of_student(student_id) = public.class_of_session(session_id)
  );
