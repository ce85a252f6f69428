-- A reviewer's correction says which review made it. Both an accepted
-- dispute and an approved excuse leave a manual mark, so source alone can't
-- tell them apart, and the teacher's export, the family's "how this was
-- marked" and an access request each want to: the mark's device becomes
-- 'server:dispute' or 'server:excuse'. A direct call that names no reason
-- (or one the app doesn't know) still writes plain 'server', which the app
-- reads as "a review".
drop function public.correct_mark_by_review(uuid, public.attendance_status, text);

-- Invoker rights on purpose, as before: the correction is the reviewer's own
-- write, allowed by "Teachers can correct marks in their classes" (or the
-- admins' policy), and refused, with the whole update that asked for it,
-- for anyone else. A decision on a mark that was taken back (cleared_at)
-- stands again: the reviewer decided what the student's mark is.
create function public.correct_mark_by_review(mark uuid, corrected public.attendance_status, what text, why text default null)
returns void
language plpgsql
set search_path = ''
as $$
begin
  update public.attendance_marks
     set status = corrected, source = 'manual', confidence = null, marked_at = now(), cleared_at = null,
         device = case when why in ('dispute', 'excuse') then 'server:' || why else 'server' end
   where id = mark;
  if not found then
    raise exception 'not allowed to %', what using errcode = 'insufficient_privilege';
  end if;
end;
$$;
-- Anyone signed in may call it directly, and gets no more than their own update of the mark would.
revoke all on function public.correct_mark_by_review(uuid, public.attendance_status, text, text) from public, anon;
grant execute on function public.correct_mark_by_review(uuid, public.attendance_status, text, text) to authenticated, service_role;

create or replace function public.apply_dispute_outcome()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform public.correct_mark_by_review(new.mark_id, new.corrected_status, 'correct the disputed mark', 'dispute');
  return null;
end;
$$;

create or replace function public.apply_excuse_approval()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform public.correct_mark_by_review(new.mark_id, 'excused', 'excuse the mark', 'excuse');
  return null;
end;
$$;
