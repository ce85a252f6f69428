/**
 * Runs the numbered pgTAP scenarios (NNN-*.sql) next to this file and
 * expects every TAP line to be "ok". The same files run unchanged with
 * `supabase test db` against a Supabase project.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, databaseMode, scenarioFiles, type Row, type TestDatabase } from './harness';

/** The TAP lines among a script's results: the plan, ok / not ok, and diagnostics. */
export function tapLines(results: Row[][]): string[] {
  return results
    .flatMap((rows) => rows.flatMap((row) => Object.values(row)))
    .filter((value): value is string => typeof value === 'string')
    .flatMap((value) => value.split('\n'))
    .filter((line) => /^(1\.\.\d+|ok \d+|not ok \d+|#)/.test(line));
}

const mode = databaseMode();
if (mode.kind === 'unavailable') console.warn(`pgTAP scenarios skipped: ${mode.reason}`);

describe.skipIf(mode.kind === 'unavailable')('pgTAP scenarios', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ pgtap: true });
    // Where Supabase keeps extensions, and the search path it gives postgres.
    await db.exec('create extension if not exists pgtap with schema extensions; set search_path to "$user", public, extensions;');
  });
  afterAll(async () => {
    await db?.close();
  });

  for (const file of scenarioFiles()) {
    it(basename(file), async () => {
      let results: Row[][];
      try {
        results = await db.exec(readFileSync(file, 'utf8'));
      } catch (error) {
        await db.query('rollback');
        throw error;
      }
      const lines = tapLines(results);
      const plan = lines.find((line) => line.startsWith('1..'));
      expect(plan, 'the scenario states its plan').toBeDefined();
      const planned = Number(plan!.slice(3));
      const tests = lines.filter((line) => /^(not )?ok \d+/.test(line));
      expect(lines.filter((line) => !line.startsWith('ok ') && line !== plan), lines.join('\n')).toEqual([]);
      expect(tests).toHaveLength(planned);
    });
  }

  it('finds the scenarios', () => {
    expect(scenarioFiles().length).toBeGreaterThanOrEqual(5);
  });
});
