/**
 * What the schema itself guarantees, whoever writes: uniqueness, formats,
 * model artifact sizes and checksums, append-only audit, immutable consent
 * records, server-stamped updated_at, and the access token hook.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actAs, asUser, attempt, createTestDatabase, databaseMode, inTransaction, PERMISSION_DENIED, RLS_VIOLATION, type TestDatabase } from './harness';
import { CLASSES, CONSENTS, DISPUTES, MARKS, MODEL_ARTIFACTS, SCHOOLS, SESSIONS, STUDENTS, USERS } from '../../local/seed-ids';

const mode = databaseMode();
if (mode.kind === 'unavailable') console.warn(`Constraint tests skipped: ${mode.reason}`);

const MAX_MODEL_BYTES = 8 * 1024 * 1024;

describe.skipIf(mode.kind === 'unavailable')('schema constraints', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  /** Runs one statement as the owner inside a rolled-back transaction. */
  const tryAsOwner = (sql: string, params?: unknown[]) => inTransaction(db, (tx) => attempt(tx, sql, params));
  const errorOf = (outcome: Awaited<ReturnType<typeof tryAsOwner>>) => (outcome.ok ? null : outcome.error);

  describe('attendance marks', () => {
    const insertMark = (student: string, extra = '') => `
      insert into public.attendance_marks (id, school_id, session_id, student_id, status, source${extra ? ', confidence' : ''})
      values (gen_random_uuid(), '${SCHOOLS.demo}', '${SESSIONS.finalised7B}', '${student}', 'present', 'auto'${extra ? `, ${extra}` : ''})`;

    it('allows one mark per student per session', async () => {
      expect(errorOf(await tryAsOwner(insertMark(STUDENTS.aarav)))).toMatch(/attendance_marks_session_id_student_id_key/);
    });

    it('keeps confidence between 0 and 1', async () => {
      const session = SESSIONS.open7B;
      for (const [confidence, ok] of [['0', true], ['1', true], ['0.5', true], ['1.01', false], ['-0.1', false]] as const) {
        const outcome = await tryAsOwner(insertMark(STUDENTS.aarav, confidence).replace(SESSIONS.finalised7B, session));
        expect(outcome.ok, `confidence ${confidence}`).toBe(ok);
      }
    });

    it('keeps a mark in the same school as its session and student', async () => {
      const outcome = await tryAsOwner(
        `insert into public.attendance_marks (id, school_id, session_id, student_id, status, source)
         values (gen_random_uuid(), '${SCHOOLS.demo}', '${SESSIONS.open7B}', '${STUDENTS.zoe}', 'present', 'manual')`,
      );
      expect(errorOf(outcome)).toMatch(/foreign key/);
    });

    it('records corrections and deletions in the audit log, with who made them', async () => {
      const entries = await asUser(db, USERS.tomas.id, async (tx) => {
        await tx.query(`update public.attendance_marks set status = 'present', source = 'manual' where id = '${MARKS.aaravFinalised7B}'`);
        await tx.query(`delete from public.attendance_marks where id = '${MARKS.belaOpen7B}'`);
        await tx.query('reset role');
        return (
          await tx.query<{ action: string; actor: string; entity_id: string; details: Record<string, unknown> }>(
            "select action, actor, entity_id, details from public.audit_log where entity = 'attendance_marks' order by action",
          )
        ).rows;
      });
      expect(entries).toEqual([
        expect.objectContaining({ action: 'mark.corrected', actor: USERS.tomas.id, entity_id: MARKS.aaravFinalised7B, details: expect.objectContaining({ from: 'late', to: 'present' }) }),
        expect.objectContaining({ action: 'mark.deleted', actor: USERS.tomas.id, entity_id: MARKS.belaOpen7B }),
      ]);
    });
  });

  describe('students', () => {
    const insertStudent = (klass: string, rollNo: string) =>
      `insert into public.students (school_id, class_id, roll_no, full_name) values ('${SCHOOLS.demo}', '${klass}', '${rollNo}', 'Someone')`;

    it('refuses a roll number already used in the class', async () => {
      expect(errorOf(await tryAsOwner(insertStudent(CLASSES['7B'], '1')))).toMatch(/students_class_id_roll_no_key/);
    });

    it('frees a removed student\'s roll number, and roll numbers are per class', async () => {
      await inTransaction(db, async (tx) => {
        await tx.query(`update public.students set deleted_at = now() where id = '${STUDENTS.aarav}'`);
        expect((await attempt(tx, insertStudent(CLASSES['7B'], '1'))).ok).toBe(true);
        expect((await attempt(tx, insertStudent(CLASSES['8A'], '99'))).ok).toBe(true);
      });
    });

    it('cannot be put in a class of another school', async () => {
      const outcome = await tryAsOwner(
        `insert into public.students (school_id, class_id, roll_no, full_name) values ('${SCHOOLS.demo}', '${CLASSES['9C']}', '7', 'Someone')`,
      );
      expect(errorOf(outcome)).toMatch(/foreign key/);
    });
  });

  describe('guardians', () => {
    const insertGuardian = (phone: string) => tryAsOwner(`insert into public.guardians (school_id, full_name, phone) values ('${SCHOOLS.demo}', 'G', $1)`, [phone]);

    it.each(['+919812345678', '+14155550100', '+447700900123', '+3531234567'])('accepts the E.164 number %s', async (phone) => {
      expect(errorOf(await insertGuardian(phone))).toBeNull();
    });

    it.each(['9812345678', '+0123456789', '+44 7700 900123', '+44-7700900123', '+12345', '+1234567890123456', '00447700900123'])(
      'refuses %s, which is not E.164',
      async (phone) => {
        expect(errorOf(await insertGuardian(phone))).toMatch(/guardians_phone_e164/);
      },
    );

    it('wants both ends of quiet hours or neither', async () => {
      const outcome = await tryAsOwner(`update public.guardian_notification_preferences set quiet_hours_end = null where quiet_hours_start is not null`);
      expect(errorOf(outcome)).toMatch(/check constraint/);
    });
  });

  describe('notifications', () => {
    const insertNotice = (channel: string, recipient: string) =>
      tryAsOwner(
        `insert into public.notifications (school_id, student_id, channel, recipient, template) values ('${SCHOOLS.demo}', '${STUDENTS.aarav}', $1, $2, 'absent')`,
        [channel, recipient],
      );

    it('sends SMS only to E.164 numbers and e-mail only to addresses', async () => {
      expect(errorOf(await insertNotice('sms', '+447700900101'))).toBeNull();
      expect(errorOf(await insertNotice('email', 'pat@example.com'))).toBeNull();
      expect(errorOf(await insertNotice('sms', 'pat@example.com'))).toMatch(/notifications_recipient_matches_channel/);
      expect(errorOf(await insertNotice('email', '+447700900101'))).toMatch(/notifications_recipient_matches_channel/);
      expect(errorOf(await insertNotice('sms', '07700900101'))).toMatch(/notifications_recipient_matches_channel/);
    });
  });

  describe('model artifacts', () => {
    /** Inserts `size` bytes of zeros with the given declared size and checksum (default: the true ones). */
    const insertArtifact = (size: number, options: { declaredSize?: string; checksum?: string; version?: string } = {}) =>
      tryAsOwner(
        `insert into public.model_artifacts (school_id, class_id, version, descriptor_version, checksum, size_bytes, bytes, created_by)
         select '${SCHOOLS.demo}', '${CLASSES['7B']}', $1, 'faceapi-128-v1', ${options.checksum ?? "encode(sha256(b), 'hex')"},
                ${options.declaredSize ?? 'octet_length(b)'}, b, '${USERS.tomas.id}'
         from (select decode(repeat('00', $2::int), 'hex') as b) as artifact`,
        [options.version ?? 'test', size],
      );

    it('accepts an artifact whose size and checksum describe its bytes', async () => {
      expect(errorOf(await insertArtifact(1024))).toBeNull();
    });

    it('accepts 8 MB and refuses a byte more', async () => {
      expect(errorOf(await insertArtifact(MAX_MODEL_BYTES))).toBeNull();
      expect(errorOf(await insertArtifact(MAX_MODEL_BYTES + 1))).toMatch(/model_artifacts_size_limit/);
    });

    it('refuses a size_bytes that does not match the bytes', async () => {
      expect(errorOf(await insertArtifact(1024, { declaredSize: '1000' }))).toMatch(/model_artifacts_size_matches/);
    });

    it('refuses a checksum that is not the SHA-256 of the bytes', async () => {
      expect(errorOf(await insertArtifact(1024, { checksum: `'${'ab'.repeat(32)}'` }))).toMatch(/model_artifacts_checksum_matches/);
      expect(errorOf(await insertArtifact(1024, { checksum: "upper(encode(sha256(b), 'hex'))" }))).toMatch(/model_artifacts_checksum_hex/);
      expect(errorOf(await insertArtifact(1024, { checksum: "'not hex'" }))).toMatch(/model_artifacts_checksum_hex/);
    });

    it('never changes the content of a published artifact, only its status', async () => {
      const where = `where id = '${MODEL_ARTIFACTS['7B']}'`;
      expect(errorOf(await tryAsOwner(`update public.model_artifacts set status = 'inactive' ${where}`))).toBeNull();
      const replaced = await tryAsOwner(
        `update public.model_artifacts set bytes = 'other'::bytea, size_bytes = 5, checksum = encode(sha256('other'::bytea), 'hex') ${where}`,
      );
      expect(errorOf(replaced)).toMatch(/immutable/);
    });

    it('keeps at most one active model per class', async () => {
      await inTransaction(db, async (tx) => {
        await tx.query(`update public.model_artifacts set status = 'inactive' where class_id = '${CLASSES['7B']}'`);
        await tx.query(
          `insert into public.model_artifacts (school_id, class_id, version, descriptor_version, checksum, size_bytes, bytes, status, created_by)
           select '${SCHOOLS.demo}', '${CLASSES['7B']}', 'second', 'faceapi-128-v1', encode(sha256(b), 'hex'), octet_length(b), b, 'active', '${USERS.tomas.id}'
           from (select 'x'::bytea as b) as artifact`,
        );
        const outcome = await attempt(tx, `update public.model_artifacts set status = 'active' where id = '${MODEL_ARTIFACTS['7B']}'`);
        expect(outcome.ok ? null : outcome.error).toMatch(/model_artifacts_one_active_per_class_key/);
      });
    });
  });

  describe('audit log', () => {
    const where = `where school_id = '${SCHOOLS.demo}'`;

    it('refuses update and delete from the table owner (the trigger)', async () => {
      expect(errorOf(await tryAsOwner(`update public.audit_log set action = 'x' ${where}`))).toMatch(/append-only: update/);
      expect(errorOf(await tryAsOwner(`delete from public.audit_log ${where}`))).toMatch(/append-only: delete/);
      expect(errorOf(await tryAsOwner('truncate public.audit_log'))).toMatch(/append-only: truncate/);
    });

    it('refuses update and delete from service_role, which may only append', async () => {
      await asUser(
        db,
        null,
        async (tx) => {
          expect(errorOf(await attempt(tx, `update public.audit_log set action = 'x' ${where}`))).toMatch(PERMISSION_DENIED);
          expect(errorOf(await attempt(tx, `delete from public.audit_log ${where}`))).toMatch(PERMISSION_DENIED);
          const appended = await attempt(tx, `insert into public.audit_log (school_id, action, entity) values ('${SCHOOLS.demo}', 'sync.applied', 'sessions')`);
          expect(errorOf(appended)).toBeNull();
        },
        { role: 'service_role' },
      );
    });

    it('refuses update and delete from a school admin', async () => {
      await asUser(db, USERS.asha.id, async (tx) => {
        expect(errorOf(await attempt(tx, `update public.audit_log set action = 'x' ${where}`))).toMatch(PERMISSION_DENIED);
        expect(errorOf(await attempt(tx, `delete from public.audit_log ${where}`))).toMatch(PERMISSION_DENIED);
      });
    });

    it('does not let a member write an entry in someone else\'s name', async () => {
      await asUser(db, USERS.tomas.id, async (tx) => {
        const forged = await attempt(
          tx,
          `insert into public.audit_log (school_id, actor, action, entity) values ('${SCHOOLS.demo}', '${USERS.asha.id}', 'test', 'test')`,
        );
        // Members have no insert at all; record_audit always names the caller.
        expect(errorOf(forged)).toMatch(PERMISSION_DENIED);
      });
    });
  });

  describe('consents', () => {
    const where = `where id = '${CONSENTS.aaravByPat}'`;

    it('can be withdrawn but not edited', async () => {
      expect(errorOf(await tryAsOwner(`update public.consents set withdrawn_at = now() ${where}`))).toBeNull();
      expect(errorOf(await tryAsOwner(`update public.consents set notice_version = '2027-01' ${where}`))).toMatch(/only withdrawn/);
    });

    it('stays withdrawn once withdrawn', async () => {
      await inTransaction(db, async (tx) => {
        await tx.query(`update public.consents set withdrawn_at = now() ${where}`);
        expect(errorOf(await attempt(tx, `update public.consents set withdrawn_at = null ${where}`))).toMatch(/stays withdrawn/);
      });
    });

    it('is given by the parent in their own name', async () => {
      await asUser(db, USERS.pat.id, async (tx) => {
        const forged = await attempt(
          tx,
          `insert into public.consents (school_id, student_id, given_by, method, notice_version) values ('${SCHOOLS.demo}', '${STUDENTS.aarav}', '${USERS.rosa.id}', 'app', 'v')`,
        );
        expect(errorOf(forged)).toMatch(RLS_VIOLATION);
      });
    });
  });

  describe('disputes', () => {
    it('has one open dispute per mark', async () => {
      const outcome = await tryAsOwner(
        `insert into public.disputes (school_id, mark_id, opened_by, reason) values ('${SCHOOLS.demo}', '${MARKS.aaravFinalised7B}', '${USERS.aarav.id}', 'again')`,
      );
      expect(errorOf(outcome)).toMatch(/disputes_one_open_per_mark_key/);
    });

    it('says who closed a dispute and when, and an open one has no outcome', async () => {
      const where = `where id = '${DISPUTES.aarav}'`;
      expect(errorOf(await tryAsOwner(`update public.disputes set status = 'resolved' ${where}`))).toMatch(/check constraint/);
      expect(errorOf(await tryAsOwner(`update public.disputes set resolved_at = now() ${where}`))).toMatch(/check constraint/);
    });

    it('is opened by the student only as themselves and only as open', async () => {
      await asUser(db, USERS.aarav.id, async (tx) => {
        await tx.query(`delete from public.disputes where id = '${DISPUTES.aarav}'`); // hidden from the student: 0 rows
        await tx.query('reset role');
        await tx.query(`delete from public.disputes where id = '${DISPUTES.aarav}'`);
        await actAs(tx, USERS.aarav.id);
        const insert = (columns: string, values: string) =>
          attempt(tx, `insert into public.disputes (school_id, mark_id, reason${columns}) values ('${SCHOOLS.demo}', '${MARKS.aaravFinalised7B}', 'r'${values})`);
        expect(errorOf(await insert(', opened_by', `, '${USERS.pat.id}'`))).toMatch(RLS_VIOLATION);
        expect(errorOf(await insert(', status, resolved_by, resolved_at', `, 'resolved', '${USERS.aarav.id}', now()`))).toMatch(RLS_VIOLATION);
        expect(errorOf(await insert('', ''))).toBeNull();
      });
    });

    it('cannot be resolved by the student who opened it', async () => {
      await asUser(db, USERS.aarav.id, async (tx) => {
        const outcome = await attempt(
          tx,
          `update public.disputes set status = 'resolved', resolved_by = auth.uid(), resolved_at = now() where id = '${DISPUTES.aarav}'`,
        );
        expect(outcome.ok && outcome.result.affectedRows).toBe(0);
      });
    });
  });

  describe('sessions', () => {
    it('are taken by the teacher in their own name', async () => {
      await asUser(db, USERS.tomas.id, async (tx) => {
        const forged = await attempt(
          tx,
          `insert into public.sessions (id, school_id, class_id, starts_at, taken_by) values (gen_random_uuid(), '${SCHOOLS.demo}', '${CLASSES['7B']}', now(), '${USERS.priya.id}')`,
        );
        expect(errorOf(forged)).toMatch(RLS_VIOLATION);
      });
    });

    it('cannot be reopened by a teacher once finalised', async () => {
      await asUser(db, USERS.tomas.id, async (tx) => {
        const outcome = await attempt(tx, `update public.sessions set finalised_at = null where id = '${SESSIONS.finalised7B}'`);
        expect(outcome.ok && outcome.result.affectedRows).toBe(0);
      });
    });
  });

  describe('updated_at', () => {
    it('is stamped by the server on insert and update, whatever the client sends', async () => {
      await inTransaction(db, async (tx) => {
        const updated = await tx.query<{ fresh: boolean }>(
          `update public.attendance_marks set status = 'present', updated_at = '2000-01-01' where id = '${MARKS.aaravFinalised7B}' returning updated_at = now() as fresh`,
        );
        expect(updated.rows[0].fresh).toBe(true);
        const inserted = await tx.query<{ fresh: boolean }>(
          `insert into public.classes (school_id, name, updated_at) values ('${SCHOOLS.demo}', '6C', '2000-01-01') returning updated_at = now() as fresh`,
        );
        expect(inserted.rows[0].fresh).toBe(true);
      });
    });

    it('is on every table a device syncs, with an index for "changes since"', async () => {
      const { rows } = await db.query<{ name: string }>(
        `select t.table_name as name
         from information_schema.tables t
         where t.table_schema = 'public' and t.table_type = 'BASE TABLE'
           and exists (select 1 from information_schema.columns c where c.table_schema = 'public' and c.table_name = t.table_name and c.column_name = 'updated_at')
           and not exists (select 1 from pg_indexes i where i.schemaname = 'public' and i.tablename = t.table_name and i.indexdef like '%updated_at%')`,
      );
      expect(rows.map((r) => r.name).sort()).toEqual(['guardian_notification_preferences', 'schools']);
    });
  });

  describe('helper functions', () => {
    it('are security definer with an empty search_path', async () => {
      const { rows } = await db.query<{ name: string; config: string[] | null }>(
        `select p.proname as name, p.proconfig as config
         from pg_proc p join pg_namespace n on n.oid = p.pronamespace
         where n.nspname = 'public' and p.prosecdef`,
      );
      expect(rows.length).toBeGreaterThan(10);
      for (const row of rows) expect(row.config, row.name).toContain('search_path=""');
    });

    it('cannot be called by anon', async () => {
      await asUser(db, null, async (tx) => {
        expect(errorOf(await attempt(tx, `select public.is_teacher_of('${CLASSES['7B']}')`))).toMatch(PERMISSION_DENIED);
      });
    });

    it('answer only about the caller', async () => {
      const answers = await asUser(db, USERS.tomas.id, async (tx) =>
        (
          await tx.query<Record<string, boolean>>(
            `select public.is_teacher_of('${CLASSES['7B']}') as "teaches7B", public.is_teacher_of('${CLASSES['8A']}') as "teaches8A",
                    public.is_admin_of('${SCHOOLS.demo}') as admin, public.is_member_of('${SCHOOLS.demo}') as member,
                    public.is_member_of('${SCHOOLS.northside}') as "memberOfNorthside", public.is_guardian_of('${STUDENTS.aarav}') as guardian`,
          )
        ).rows[0],
      );
      expect(answers).toEqual({ teaches7B: true, teaches8A: false, admin: false, member: true, memberOfNorthside: false, guardian: false });
    });

    it('stop granting access when the membership goes, whatever the token says', async () => {
      await inTransaction(db, async (tx) => {
        await tx.query(`delete from public.memberships where user_id = '${USERS.tomas.id}'`);
        await actAs(tx, USERS.tomas.id, { claims: { app_memberships: { [SCHOOLS.demo]: ['teacher'] } } });
        expect((await tx.query('select id from public.attendance_marks')).rows).toEqual([]);
      });
    });
  });

  describe('custom access token hook', () => {
    const event = (userId: string) => JSON.stringify({ user_id: userId, claims: { sub: userId, role: 'authenticated', aud: 'authenticated' }, authentication_method: 'password' });
    const callHook = (tx: TestDatabase, userId: string) =>
      tx.query<{ result: { claims: Record<string, unknown> } }>('select public.custom_access_token_hook($1::jsonb) as result', [event(userId)]);

    it('adds the schools and roles of the user to the claims, keeping the others', async () => {
      const { rows } = await inTransaction(db, async (tx) => {
        await tx.query(`insert into public.memberships (user_id, school_id, role) values ('${USERS.tomas.id}', '${SCHOOLS.demo}', 'parent')`);
        return callHook(tx, USERS.tomas.id);
      });
      expect(rows[0].result.claims).toEqual({
        sub: USERS.tomas.id,
        role: 'authenticated',
        aud: 'authenticated',
        app_memberships: { [SCHOOLS.demo]: ['teacher', 'parent'] },
      });
    });

    it('gives an empty map to a user with no memberships', async () => {
      const { rows } = await inTransaction(db, async (tx) => {
        await tx.query(`delete from public.memberships where user_id = '${USERS.zoe.id}'`);
        return callHook(tx, USERS.zoe.id);
      });
      expect(rows[0].result.claims.app_memberships).toEqual({});
    });

    it('runs as supabase_auth_admin, and not as a signed-in user or anon', async () => {
      const asAuthAdmin = await inTransaction(db, async (tx) => {
        await tx.query('set local role supabase_auth_admin');
        return callHook(tx, USERS.xavier.id);
      });
      expect(asAuthAdmin.rows[0].result.claims.app_memberships).toEqual({ [SCHOOLS.northside]: ['admin'] });
      for (const userId of [USERS.xavier.id, null]) {
        await asUser(db, userId, async (tx) => {
          const outcome = await attempt(tx, 'select public.custom_access_token_hook($1::jsonb)', [event(USERS.xavier.id)]);
          expect(errorOf(outcome)).toMatch(PERMISSION_DENIED);
        });
      }
    });
  });

  describe('seed', () => {
    it('matches seed-ids.ts: every demo user has their role in their school', async () => {
      const { rows } = await db.query<{ user_id: string; school_id: string; role: string }>('select user_id, school_id, role::text from public.memberships');
      for (const user of Object.values(USERS)) {
        expect(rows, user.email).toContainEqual({ user_id: user.id, school_id: SCHOOLS[user.school], role: user.role });
      }
      expect(rows).toHaveLength(Object.keys(USERS).length);
    });

    it('has two demo classes of 4-5 students and a second school', async () => {
      const { rows } = await db.query<{ name: string; students: number }>(
        'select c.name, count(s.id)::int as students from public.classes c left join public.students s on s.class_id = c.id group by c.name order by c.name',
      );
      expect(rows).toEqual([
        { name: '7B', students: 5 },
        { name: '8A', students: 4 },
        { name: '9C', students: 2 },
      ]);
    });
  });
});
