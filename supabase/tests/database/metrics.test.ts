/**
 * public.admin_metrics: the figures an admin sees for their school over a
 * period (recognition times, marks by source and status, messages by
 * status, project-wide auth failures), and that nobody else gets them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actAs, asUser, attempt, createTestDatabase, databaseMode, inTransaction, PERMISSION_DENIED, type TestDatabase } from './harness';
import { CLASSES, SCHOOLS, SESSIONS, STUDENTS, USERS } from '../../local/seed-ids';

const mode = databaseMode();
if (mode.kind === 'unavailable') console.warn(`Admin metrics tests skipped: ${mode.reason}`);

interface Delivery {
  queued: number;
  sent: number;
  delivered: number;
  failed: number;
  failure_rate: number | null;
}

interface Figures {
  recognition: { events: number; timed: number; p50_ms: number | null; p90_ms: number | null; p99_ms: number | null };
  marks: {
    total: number;
    by_source: { auto: number; manual: number };
    by_status: { present: number; absent: number; late: number; excused: number };
  };
  notifications: { all: Delivery; sms: Delivery; email: Delivery };
}

interface Metrics {
  school_id: string;
  from: string;
  to: string;
  school: Figures;
  classes: (Figures & { class_id: string; name: string; deleted: boolean })[];
  auth_failures: { scope: 'project'; count: number; by_reason: Record<string, number> };
}

const NOT_ALLOWED = /not allowed/;

/** A week with nothing in the seed; the tests below fill it. */
const FROM = '2027-01-04T00:00:00Z';
const TO = '2027-01-11T00:00:00Z';
/** The seed's data lies in November 2026. */
const SEED_FROM = '2026-11-01T00:00:00Z';
const SEED_TO = '2026-12-01T00:00:00Z';

const METRICS_SQL = 'select public.admin_metrics($1, $2, $3) as m';

async function metricsOf(tx: TestDatabase, school: string, from: string, to: string): Promise<Metrics> {
  return (await tx.query<{ m: Metrics }>(METRICS_SQL, [school, from, to])).rows[0].m;
}

function classFigures(metrics: Metrics, classId: string) {
  const found = metrics.classes.find((c) => c.class_id === classId);
  expect(found, `class ${classId} is listed`).toBeDefined();
  return found!;
}

const delivery = (queued: number, sent: number, delivered: number, failed: number, failure_rate: number | null): Delivery => ({
  queued,
  sent,
  delivered,
  failed,
  failure_rate,
});

/**
 * Known rows in [FROM, TO), inserted as the owner: recognition times in 7B
 * and 8A (and one in Northside, which must not count), a session of marks,
 * messages in every status, and auth failures; plus rows just outside.
 */
async function seedPeriod(tx: TestDatabase): Promise<void> {
  const s = SCHOOLS.demo;
  const at = '2027-01-05T08:30:00Z';
  await tx.query(`
    insert into public.recognition_events (id, school_id, session_id, at, confidence, recognition_ms) values
      (gen_random_uuid(), '${s}', '${SESSIONS.open7B}', '${at}', 0.9, 100),
      (gen_random_uuid(), '${s}', '${SESSIONS.open7B}', '${at}', 0.9, 500),
      (gen_random_uuid(), '${s}', '${SESSIONS.open7B}', '${at}', 0.9, 300),
      (gen_random_uuid(), '${s}', '${SESSIONS.open7B}', '${at}', 0.9, 200),
      (gen_random_uuid(), '${s}', '${SESSIONS.open7B}', '${at}', 0.9, 400),
      (gen_random_uuid(), '${s}', '${SESSIONS.open7B}', '${at}', 0.4, null),
      (gen_random_uuid(), '${s}', '${SESSIONS.open8A}', '${at}', 0.9, 50),
      (gen_random_uuid(), '${s}', '${SESSIONS.open8A}', '${FROM}', 0.9, 150),
      -- At the end of the period: not in it.
      (gen_random_uuid(), '${s}', '${SESSIONS.open8A}', '${TO}', 0.9, 100000),
      (gen_random_uuid(), '${SCHOOLS.northside}', '${SESSIONS.open9C}', '${at}', 0.9, 99999)`);

  await tx.query(`
    insert into public.sessions (id, school_id, class_id, starts_at, taken_by)
    values ('60000000-0000-4000-8000-0000000000f1', '${s}', '${CLASSES['7B']}', '${at}', '${USERS.tomas.id}')`);
  await tx.query(`
    insert into public.attendance_marks (id, school_id, session_id, student_id, status, source, confidence, marked_at) values
      (gen_random_uuid(), '${s}', '60000000-0000-4000-8000-0000000000f1', '${STUDENTS.aarav}', 'present', 'auto', 0.9, '${at}'),
      (gen_random_uuid(), '${s}', '60000000-0000-4000-8000-0000000000f1', '${STUDENTS.bela}', 'late', 'auto', 0.9, '${at}'),
      (gen_random_uuid(), '${s}', '60000000-0000-4000-8000-0000000000f1', '${STUDENTS.chen}', 'absent', 'manual', null, '${at}'),
      (gen_random_uuid(), '${s}', '60000000-0000-4000-8000-0000000000f1', '${STUDENTS.dina}', 'excused', 'manual', null, '${at}'),
      (gen_random_uuid(), '${s}', '60000000-0000-4000-8000-0000000000f1', '${STUDENTS.emil}', 'present', 'auto', 0.9, '${at}')`);
  // Taken back: no mark, so in none of the counts.
  await tx.query(`
    insert into public.attendance_marks (id, school_id, session_id, student_id, status, source, confidence, marked_at, cleared_at) values
      (gen_random_uuid(), '${s}', '60000000-0000-4000-8000-0000000000f1', '${STUDENTS.farah}', 'present', 'auto', 0.9, '${at}', '${at}')`);

  const sms = (student: string, status: string, createdAt = at) =>
    `(gen_random_uuid(), '${s}', '${student}', 'sms', '+447700900101', 'absence', '${status}', '${createdAt}')`;
  await tx.query(`
    insert into public.notifications (id, school_id, student_id, channel, recipient, template, status, created_at) values
      ${sms(STUDENTS.aarav, 'queued')},
      ${sms(STUDENTS.aarav, 'sent')},
      ${sms(STUDENTS.bela, 'sent')},
      ${sms(STUDENTS.bela, 'delivered')},
      ${sms(STUDENTS.chen, 'delivered')},
      ${sms(STUDENTS.dina, 'delivered')},
      ${sms(STUDENTS.emil, 'failed')},
      ${sms(STUDENTS.emil, 'failed', '2027-01-03T23:59:59Z')},
      (gen_random_uuid(), '${s}', '${STUDENTS.farah}', 'email', 'rosa@demo.rollcall.example', 'absence', 'failed', '${at}')`);

  await tx.query(`
    insert into private.auth_failures (function_name, reason, at) values
      ('sync', 'Invalid token.', '${at}'),
      ('sync', 'Token expired.', '${at}'),
      ('notify', 'Invalid token.', '${at}'),
      ('sync', 'Invalid token.', '2027-01-11T00:00:01Z')`);
}

describe.skipIf(mode.kind === 'unavailable')('admin metrics', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  /** seedPeriod as the owner, then the call as `userId`, all rolled back. */
  const withPeriod = <T>(userId: string | null, fn: (tx: TestDatabase) => Promise<T>) =>
    inTransaction(db, async (tx) => {
      await seedPeriod(tx);
      await actAs(tx, userId);
      return fn(tx);
    });

  describe('for an admin of the school', () => {
    let metrics: Metrics;
    beforeAll(async () => {
      metrics = await withPeriod(USERS.asha.id, (tx) => metricsOf(tx, SCHOOLS.demo, FROM, TO));
    });

    it('names the school and the period', () => {
      expect(metrics.school_id).toBe(SCHOOLS.demo);
      expect(new Date(metrics.from).toISOString()).toBe(new Date(FROM).toISOString());
      expect(new Date(metrics.to).toISOString()).toBe(new Date(TO).toISOString());
    });

    it('gives recognition-time percentiles per class, from events in the period only', () => {
      // 100, 200, 300, 400, 500: the median, and interpolated 90th and 99th percentiles.
      expect(classFigures(metrics, CLASSES['7B']).recognition).toEqual({ events: 6, timed: 5, p50_ms: 300, p90_ms: 460, p99_ms: 496 });
      // 50 and 150; the one at the period's end is left out.
      expect(classFigures(metrics, CLASSES['8A']).recognition).toEqual({ events: 2, timed: 2, p50_ms: 100, p90_ms: 140, p99_ms: 149 });
    });

    it('gives the school-wide percentiles over every class, without another school\'s events', () => {
      // 50, 100, 150, 200, 300, 400, 500 (Northside's 99999 is not here).
      expect(metrics.school.recognition).toEqual({ events: 8, timed: 7, p50_ms: 200, p90_ms: 440, p99_ms: 494 });
    });

    it('counts marks by source and by status', () => {
      const expected = { total: 5, by_source: { auto: 3, manual: 2 }, by_status: { present: 2, absent: 1, late: 1, excused: 1 } };
      expect(classFigures(metrics, CLASSES['7B']).marks).toEqual(expected);
      expect(metrics.school.marks).toEqual(expected);
      expect(classFigures(metrics, CLASSES['8A']).marks).toEqual({
        total: 0,
        by_source: { auto: 0, manual: 0 },
        by_status: { present: 0, absent: 0, late: 0, excused: 0 },
      });
    });

    it('counts messages by status, with the failure rate among those sent', () => {
      // SMS: failed 1 of sent 2 + delivered 3 + failed 1; the queued one is not decided yet.
      expect(metrics.school.notifications.sms).toEqual(delivery(1, 2, 3, 1, 0.1667));
      expect(metrics.school.notifications.email).toEqual(delivery(0, 0, 0, 1, 1));
      expect(metrics.school.notifications.all).toEqual(delivery(1, 2, 3, 2, 0.2857));
      expect(classFigures(metrics, CLASSES['7B']).notifications.all).toEqual(delivery(1, 2, 3, 1, 0.1667));
      expect(classFigures(metrics, CLASSES['8A']).notifications.all).toEqual(delivery(0, 0, 0, 1, 1));
    });

    it('reports auth failures in the period as a project-wide figure', () => {
      expect(metrics.auth_failures).toEqual({ scope: 'project', count: 3, by_reason: { 'Invalid token.': 2, 'Token expired.': 1 } });
    });

    it('lists only the school\'s classes, by name', () => {
      expect(metrics.classes.map((c) => c.name)).toEqual(['7B', '8A']);
    });
  });

  it('gives the seed\'s own figures for November 2026', async () => {
    const metrics = await asUser(db, USERS.asha.id, (tx) => metricsOf(tx, SCHOOLS.demo, SEED_FROM, SEED_TO));
    expect(metrics.school.marks).toEqual({ total: 9, by_source: { auto: 6, manual: 3 }, by_status: { present: 6, absent: 2, late: 1, excused: 0 } });
    expect(metrics.school.recognition).toEqual({ events: 3, timed: 0, p50_ms: null, p90_ms: null, p99_ms: null });
    expect(metrics.school.notifications.sms).toEqual(delivery(0, 0, 1, 0, 0));
    expect(metrics.school.notifications.email).toEqual(delivery(1, 0, 0, 0, null));
  });

  it('gives the other school\'s admin their own figures', async () => {
    const metrics = await withPeriod(USERS.xavier.id, (tx) => metricsOf(tx, SCHOOLS.northside, FROM, TO));
    expect(metrics.school.recognition).toEqual({ events: 1, timed: 1, p50_ms: 99999, p90_ms: 99999, p99_ms: 99999 });
    expect(metrics.classes.map((c) => c.class_id)).toEqual([CLASSES['9C']]);
  });

  it('answers an empty period with zeros, not nulls, wherever something is counted', async () => {
    const metrics = await asUser(db, USERS.asha.id, (tx) => metricsOf(tx, SCHOOLS.demo, '2030-01-01T00:00:00Z', '2030-02-01T00:00:00Z'));
    const empty: Figures = {
      recognition: { events: 0, timed: 0, p50_ms: null, p90_ms: null, p99_ms: null },
      marks: { total: 0, by_source: { auto: 0, manual: 0 }, by_status: { present: 0, absent: 0, late: 0, excused: 0 } },
      notifications: { all: delivery(0, 0, 0, 0, null), sms: delivery(0, 0, 0, 0, null), email: delivery(0, 0, 0, 0, null) },
    };
    expect(metrics.school).toEqual(empty);
    expect(metrics.classes).toHaveLength(2);
    for (const c of metrics.classes) expect({ recognition: c.recognition, marks: c.marks, notifications: c.notifications }).toEqual(empty);
    expect(metrics.auth_failures).toEqual({ scope: 'project', count: 0, by_reason: {} });
  });

  it('leaves out deleted classes with nothing in the period, and keeps those with rows', async () => {
    const metrics = await inTransaction(db, async (tx) => {
      await seedPeriod(tx);
      await tx.query(`update public.classes set deleted_at = now() where id in ('${CLASSES['7B']}', '${CLASSES['8A']}')`);
      await tx.query('delete from public.recognition_events where session_id = $1', [SESSIONS.open8A]);
      await actAs(tx, USERS.asha.id);
      return metricsOf(tx, SCHOOLS.demo, FROM, TO);
    });
    expect(metrics.classes.map((c) => [c.name, c.deleted])).toEqual([
      ['7B', true],
      ['8A', true], // its failed e-mail is still in the period
    ]);
    const empty = await asUser(db, USERS.asha.id, async (tx) => {
      await tx.query('reset role');
      await tx.query(`update public.classes set deleted_at = now() where id = '${CLASSES['8A']}'`);
      await tx.query('set local role authenticated');
      return metricsOf(tx, SCHOOLS.demo, '2030-01-01T00:00:00Z', '2030-02-01T00:00:00Z');
    });
    expect(empty.classes.map((c) => c.name)).toEqual(['7B']);
  });

  it('refuses a period that ends before it starts', async () => {
    const outcome = await asUser(db, USERS.asha.id, (tx) => attempt(tx, METRICS_SQL, [SCHOOLS.demo, TO, FROM]));
    expect(outcome.ok ? null : outcome.error).toMatch(/invalid period/);
  });

  describe('refuses everyone but the school\'s admins', () => {
    const callers = [
      ['a teacher of the school', USERS.tomas.id],
      ['a student', USERS.aarav.id],
      ['a parent', USERS.pat.id],
      ['the other school\'s admin', USERS.xavier.id],
    ] as const;
    for (const [who, userId] of callers) {
      it(`${who}: not allowed`, async () => {
        const outcome = await asUser(db, userId, (tx) => attempt(tx, METRICS_SQL, [SCHOOLS.demo, FROM, TO]));
        expect(outcome.ok ? null : outcome.error).toMatch(NOT_ALLOWED);
      });
    }

    it('with SQLSTATE 42501', async () => {
      const code = await asUser(db, USERS.tomas.id, (tx) =>
        tx
          .query(METRICS_SQL, [SCHOOLS.demo, FROM, TO])
          .then(() => null)
          .catch((error: { code?: string }) => error.code ?? 'no code'),
      );
      expect(code).toBe('42501');
    });

    it('anon: may not even call it', async () => {
      const outcome = await asUser(db, null, (tx) => attempt(tx, METRICS_SQL, [SCHOOLS.demo, FROM, TO]));
      expect(outcome.ok ? null : outcome.error).toMatch(PERMISSION_DENIED);
    });

    it('grants execute to authenticated only', async () => {
      const rows = await inTransaction(db, async (tx) =>
        (
          await tx.query<{ role: string; allowed: boolean }>(
            `select r as role, has_function_privilege(r, 'public.admin_metrics(uuid, timestamptz, timestamptz)', 'execute') as allowed
             from unnest(array['anon', 'authenticated', 'service_role']) r order by 1`,
          )
        ).rows,
      );
      expect(rows).toEqual([
        { role: 'anon', allowed: false },
        { role: 'authenticated', allowed: true },
        { role: 'service_role', allowed: false },
      ]);
    });
  });

  describe('auth failures', () => {
    it('are out of reach of API callers', async () => {
      for (const userId of [USERS.asha.id, null]) {
        const outcome = await asUser(db, userId, (tx) => attempt(tx, 'select count(*) from private.auth_failures'));
        expect(outcome.ok ? null : outcome.error).toMatch(PERMISSION_DENIED);
      }
      const insert = await asUser(db, USERS.asha.id, (tx) => attempt(tx, "insert into private.auth_failures (function_name, reason) values ('sync', 'x')"));
      expect(insert.ok ? null : insert.error).toMatch(PERMISSION_DENIED);
    });

    it('hold only the function and the reason', async () => {
      const columns = await inTransaction(db, async (tx) =>
        (
          await tx.query<{ name: string }>(
            "select column_name as name from information_schema.columns where table_schema = 'private' and table_name = 'auth_failures' order by ordinal_position",
          )
        ).rows.map((r) => r.name),
      );
      expect(columns).toEqual(['id', 'at', 'function_name', 'reason']);
    });

    it('can be written by the service role', async () => {
      const outcome = await asUser(db, null, (tx) => attempt(tx, "insert into private.auth_failures (function_name, reason) values ('sync', 'Invalid token.')"), {
        role: 'service_role',
      });
      expect(outcome.ok).toBe(true);
    });
  });

  it('keeps recognition_ms non-negative', async () => {
    const insert = (ms: number) =>
      inTransaction(db, (tx) =>
        attempt(
          tx,
          `insert into public.recognition_events (id, school_id, session_id, at, confidence, recognition_ms)
           values (gen_random_uuid(), '${SCHOOLS.demo}', '${SESSIONS.open7B}', now(), 0.9, ${ms})`,
        ),
      );
    expect((await insert(0)).ok).toBe(true);
    const negative = await insert(-1);
    expect(negative.ok ? null : negative.error).toMatch(/recognition_events_recognition_ms_check/);
  });
});
