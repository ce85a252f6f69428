import { describe, expect, it } from 'vitest';
import { alterPolicySql, conjuncts, mutationsOf, unwrap, type Policy } from './mutations';
import { guardsTheRow } from './weakenings';

const policy = (qual: string | null, withCheck: string | null, cmd: Policy['cmd'] = 'ALL'): Policy => ({
  schema: 'public',
  table: 't',
  name: 'A "quoted" policy',
  cmd,
  roles: ['authenticated'],
  qual,
  withCheck,
});

describe('policy mutations', () => {
  it('splits only the top-level AND, leaving ORs, calls and string literals whole', () => {
    expect(
      conjuncts("(is_guardian_of(student_id) AND (given_by = ( SELECT auth.uid() AS uid)) AND (method = 'a AND b'::text) AND ((guardian_id IS NULL) OR is_guardian(guardian_id)))"),
    ).toEqual(['is_guardian_of(student_id)', '(given_by = ( SELECT auth.uid() AS uid))', "(method = 'a AND b'::text)", '((guardian_id IS NULL) OR is_guardian(guardian_id))']);
    expect(conjuncts('is_admin_of(school_id)')).toEqual(['is_admin_of(school_id)']);
    expect(unwrap('(a) AND (b)')).toBe('(a) AND (b)');
  });

  it('drops each ownership or scope conjunct, and makes no mutation that changes nothing', () => {
    const labels = mutationsOf(
      policy(null, '(is_teacher_of(class_of_session(session_id)) AND (class_of_student(student_id) = class_of_session(session_id)) AND (taken_by = ( SELECT auth.uid() AS uid)))', 'INSERT'),
    ).map((m) => m.label);
    expect(labels).toEqual([
      'WITH CHECK → true',
      'WITH CHECK: drop (class_of_student(student_id) = class_of_session(session_id))',
      'WITH CHECK: drop (taken_by = ( SELECT auth.uid() AS uid))',
    ]);
    expect(mutationsOf(policy('true', null, 'SELECT'))).toEqual([]);
    // An update policy that leaves the new row to a trigger: only its USING can be weakened.
    expect(mutationsOf(policy('is_teacher_of(class_id)', 'true', 'UPDATE')).map((m) => m.label)).toEqual(['USING → true']);
  });

  it('writes alter policy with only the clauses the command has', () => {
    expect(alterPolicySql(policy(null, 'true', 'INSERT'), null, 'true')).toBe('alter policy "A ""quoted"" policy" on "public"."t" with check (true)');
    expect(alterPolicySql(policy('a', 'b'), 'true', 'b')).toBe('alter policy "A ""quoted"" policy" on "public"."t" using (true) with check (b)');
  });
});

describe('triggers that guard a row', () => {
  it('are those that refuse a change or bound a device time, not those that only fill in or log', () => {
    expect(guardsTheRow("begin if new.class_id is distinct from old.class_id then raise exception 'stays' using errcode = '42501'; end if; return new; end;")).toBe(true);
    expect(guardsTheRow("begin new.starts_at := private.client_time('starts_at', new.starts_at, now()); return new; end;")).toBe(true);
    expect(guardsTheRow('begin new.updated_at := now(); return new; end;')).toBe(false);
    expect(guardsTheRow("begin insert into public.audit_log (action) values ('mark.changed'); return new; end;")).toBe(false);
  });
});
