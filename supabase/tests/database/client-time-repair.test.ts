/**
 * The client-time migration on a database that already holds consents with
 * times in the future (stored before the bound existed): it repairs them,
 * logs each repair, and their withdrawal then goes through and forgets the
 * face data. Needs the schema as it was just before that migration, so it
 * always builds a fresh PGlite, also when DATABASE_URL names a server.
 */
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actAs, execFile, inTransaction, migrationFiles, openPglite, SEED_FILE, SHIM_FILE, type TestDatabase } from './harness';
import { CLASSES, CONSENTS, SCHOOLS, STUDENTS, USERS } from '../../local/seed-ids';

const BOUNDS = '20261206000100_client_time_bounds.sql';
const FUTURE_CONSENT = 'c0000000-0000-4000-8000-0000000000e1';

describe('repairing consents stored with times ahead of the clock', () => {
  let db: TestDatabase;
  const applied = (file: string) => execFile(db, file);

  beforeAll(async () => {
    db = await openPglite();
    const files = migrationFiles();
    const at = files.findIndex((f) => basename(f) === BOUNDS);
    expect(at, `${BOUNDS} is among the migrations`).toBeGreaterThan(0);
    await applied(SHIM_FILE);
    for (const file of files.slice(0, at)) await applied(file);
    await applied(SEED_FILE);
    // What privacy's give-consent accepted before: a paper form "given" in 2099, and a withdrawal dated 2099.
    await db.query(`
      insert into public.consents (id, school_id, student_id, given_by, method, notice_version, given_at)
      values ('${FUTURE_CONSENT}', '${SCHOOLS.demo}', '${STUDENTS.aarav}', '${USERS.tomas.id}', 'paper', '2026-09', '2099-01-01')`);
    await db.query(`update public.consents set withdrawn_at = '2099-02-01' where id = '${CONSENTS.farahByRosa}'`);
    for (const file of files.slice(at)) await applied(file);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('dates a consent given in the future when the server stored it, and a future withdrawal when it was recorded', async () => {
    const { rows } = await db.query<{ id: string; given_at: Date; given_when_stored: boolean; withdrawn_at: Date | null; withdrawn_in_range: boolean | null }>(
      `select id, given_at, given_at = created_at as given_when_stored, withdrawn_at, withdrawn_at between given_at and now() as withdrawn_in_range
       from public.consents where id in ($1, $2) order by id`,
      [CONSENTS.farahByRosa, FUTURE_CONSENT],
    );
    const [farah, future] = rows;
    expect(farah.given_at.toISOString(), 'a given_at in the past is left as it was').toBe('2026-11-03T19:30:00.000Z');
    expect(farah.withdrawn_in_range).toBe(true);
    expect(future.given_when_stored).toBe(true);
    expect(future.given_at.getTime()).toBeLessThanOrEqual(Date.now());
    expect(future.withdrawn_at).toBeNull();
  });

  it('logs each repair with the times it replaced', async () => {
    const { rows } = await db.query<{ entity_id: string; actor: string | null; details: Record<string, string | null> }>(
      "select entity_id, actor, details from public.audit_log where action = 'consent.times_repaired' order by entity_id",
    );
    expect(rows.map((r) => [r.entity_id, r.actor, new Date(r.details.given_at!).getUTCFullYear(), r.details.withdrawn_at && new Date(r.details.withdrawn_at).getUTCFullYear()]))
      .toEqual([
        [CONSENTS.farahByRosa, null, 2026, 2099],
        [FUTURE_CONSENT, null, 2099, null],
      ]);
  });

  it("lets the parent withdraw afterwards, and the student's face data is forgotten", async () => {
    const outcome = await inTransaction(db, async (tx) => {
      await actAs(tx, USERS.pat.id);
      const withdrawn = await tx.query(`update public.consents set withdrawn_at = now() where student_id = $1 and withdrawn_at is null returning id`, [STUDENTS.aarav]);
      await tx.query('reset role');
      const erased = await tx.query<{ erased: boolean }>('select biometrics_erased_at is not null as erased from public.students where id = $1', [STUDENTS.aarav]);
      const models = await tx.query('select id from public.model_artifacts where class_id = $1', [CLASSES['7B']]);
      return { withdrawn: withdrawn.affectedRows, erased: erased.rows[0].erased, models: models.rows.length };
    });
    expect(outcome).toEqual({ withdrawn: 2, erased: true, models: 0 });
  });
});
