/**
 * The school-settings contract (supabase/functions/_shared/contracts/schoolSettings.ts)
 * and the SQL of public.schools say the same: each check constraint takes
 * exactly the contract's bounds and refuses one step outside each, and each
 * column starts with the contract's default. SQL cannot import the
 * contract, so this is what keeps the two from drifting apart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHOOL_SETTING_COLUMNS, SCHOOL_SETTING_DEFAULTS, SCHOOL_SETTING_LIMITS, type SchoolSettingValues } from '@contracts/schoolSettings';
import { attempt, createTestDatabase, databaseMode, inTransaction, type TestDatabase } from './harness';
import { SCHOOLS } from '../../local/seed-ids';

const mode = databaseMode();

const LIMITED: [keyof SchoolSettingValues, keyof typeof SCHOOL_SETTING_LIMITS][] = [
  ['retentionDays', 'retentionDays'],
  ['autoMarkConfidence', 'confidence'],
  ['presentSmsConfidence', 'confidence'],
  ['lateAfterMinutes', 'lateAfterMinutes'],
];

describe.skipIf(mode.kind === 'unavailable')('school settings in SQL match their contract', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  /** Sets one setting of the demo school as the owner, rolled back. */
  const accepts = async (column: string, value: number) =>
    (await inTransaction(db, (tx) => attempt(tx, `update public.schools set ${column} = $1 where id = $2`, [value, SCHOOLS.demo]))).ok;

  for (const [setting, limit] of LIMITED) {
    const { min, max, step } = SCHOOL_SETTING_LIMITS[limit];
    const column = SCHOOL_SETTING_COLUMNS[setting];
    const digits = String(step).split('.')[1]?.length ?? 0;
    const outside = (v: number) => Number(v.toFixed(digits));

    it(`${column} takes ${min} and ${max}, not ${outside(min - step)} or ${outside(max + step)}`, async () => {
      expect([await accepts(column, min), await accepts(column, max)]).toEqual([true, true]);
      expect([await accepts(column, outside(min - step)), await accepts(column, outside(max + step))]).toEqual([false, false]);
    });
  }

  it('starts every setting at the contract’s default', async () => {
    const { rows } = await db.query<{ column_name: string; column_default: string }>(
      `select column_name, column_default from information_schema.columns where table_schema = 'public' and table_name = 'schools'`,
    );
    const defaults = new Map(rows.map((r) => [r.column_name, r.column_default]));
    for (const [setting, value] of Object.entries(SCHOOL_SETTING_DEFAULTS)) {
      const stored = defaults.get(SCHOOL_SETTING_COLUMNS[setting as keyof SchoolSettingValues]);
      expect(stored, setting).toBeDefined();
      expect(typeof value === 'boolean' ? stored === 'true' : Number(stored), setting).toBe(value);
    }
  });
});
