/**
 * Row-level security, cell by cell: every caller × every table × read,
 * insert, update and delete, on rows of their own class, another class and
 * the other school. Each cell says who is allowed; everyone else must be
 * refused:
 *   - a refused read sees no row;
 *   - a refused insert fails with "violates row-level security policy";
 *   - a refused update or delete touches 0 rows (RLS hides the row) or fails
 *     the policy check, and the row is unchanged either way;
 *   - anon has no privileges at all, so everything fails with
 *     "permission denied", and so does writing the audit log directly,
 *     which nobody is granted (members append through record_audit).
 * Every cell runs in its own transaction, rolled back afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actAs, createTestDatabase, databaseMode, inTransaction, type TestDatabase } from './harness';
import { cellsOf, SPECS } from './rlsMatrix';

/** The private tables' specs write their own rows; the seed has none. */
const PUBLIC_SPECS = SPECS.filter((spec) => !spec.table.includes('.'));

const mode = databaseMode();
if (mode.kind === 'unavailable') console.warn(`RLS matrix skipped: ${mode.reason}`);

describe.skipIf(mode.kind === 'unavailable')('row-level security matrix', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('covers every table in public, each with every operation', async () => {
    const { rows } = await db.query<{ name: string }>(
      "select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1",
    );
    expect(PUBLIC_SPECS.map((s) => s.table).sort()).toEqual(rows.map((r) => r.name));
    for (const spec of SPECS) {
      expect(spec.targets.some((t) => t.read.includes('otherAdmin')), `${spec.table} has a row of the other school`).toBe(true);
      expect(spec.inserts.length, `${spec.table} has an insert`).toBeGreaterThan(0);
    }
  });

  it('enables row-level security on every table in public', async () => {
    const { rows } = await db.query<{ name: string }>(
      "select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind = 'r' and not c.relrowsecurity",
    );
    expect(rows).toEqual([]);
  });

  it('gives anon no privilege on any table in public', async () => {
    const { rows } = await db.query<{ name: string; privilege: string }>(
      "select table_name as name, privilege_type as privilege from information_schema.role_table_grants where table_schema = 'public' and grantee in ('anon', 'PUBLIC')",
    );
    expect(rows).toEqual([]);
  });

  it('lets service_role read every row of every table, past row-level security', async () => {
    for (const spec of PUBLIC_SPECS) {
      const owner = await db.query<{ n: number }>(`select count(*)::int as n from public.${spec.table}`);
      const service = await inTransaction(db, async (tx) => {
        await actAs(tx, null, { role: 'service_role' });
        return tx.query<{ n: number }>(`select count(*)::int as n from public.${spec.table}`);
      });
      expect(service.rows[0].n, spec.table).toBe(owner.rows[0].n);
      expect(owner.rows[0].n, `${spec.table} is seeded`).toBeGreaterThan(0);
    }
  });

  for (const spec of SPECS) {
    describe(spec.table, () => {
      for (const cell of cellsOf(spec)) {
        it(cell.name, () => cell.run(db));
      }
    });
  }
});
