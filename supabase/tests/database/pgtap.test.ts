/**
 * Runs the numbered pgTAP scenarios (NNN-*.sql) next to this file and
 * expects every TAP line to be "ok". The same files run unchanged with
 * `supabase test db` against a Supabase project.
 */
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, databaseMode, scenarioFiles, type TestDatabase } from './harness';
import { PGTAP_SETUP, runScenario } from './tap';

const mode = databaseMode();
if (mode.kind === 'unavailable') console.warn(`pgTAP scenarios skipped: ${mode.reason}`);

describe.skipIf(mode.kind === 'unavailable')('pgTAP scenarios', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ pgtap: true });
    await db.exec(PGTAP_SETUP);
  });
  afterAll(async () => {
    await db?.close();
  });

  for (const file of scenarioFiles()) {
    it(basename(file), async () => {
      const lines = await runScenario(db, file);
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
