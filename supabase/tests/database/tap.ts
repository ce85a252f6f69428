/**
 * Running one pgTAP scenario and reading its TAP lines. pgtap.test.ts
 * expects every scenario to pass; scripts/test-policies.ts uses the same
 * verdict to tell whether a policy mutation broke one.
 */
import { readFileSync } from 'node:fs';
import type { Row, TestDatabase } from './harness';

/** The TAP lines among a script's results: the plan, ok / not ok, and diagnostics. */
export function tapLines(results: Row[][]): string[] {
  return results
    .flatMap((rows) => rows.flatMap((row) => Object.values(row)))
    .filter((value): value is string => typeof value === 'string')
    .flatMap((value) => value.split('\n'))
    .filter((line) => /^(1\.\.\d+|ok \d+|not ok \d+|#)/.test(line));
}

/** Where Supabase keeps extensions, and the search path it gives postgres. */
export const PGTAP_SETUP = 'create extension if not exists pgtap with schema extensions; set search_path to "$user", public, extensions;';

/** Runs the file; an error rolls back its open transaction and is thrown. */
export async function runScenario(db: TestDatabase, file: string): Promise<string[]> {
  try {
    return tapLines(await db.exec(readFileSync(file, 'utf8')));
  } catch (error) {
    await db.query('rollback');
    throw error;
  }
}

/** What is wrong with a scenario's TAP lines: no plan, a line that is not ok, or fewer tests than planned. */
export function tapProblems(lines: string[]): string[] {
  const plan = lines.find((line) => line.startsWith('1..'));
  if (!plan) return ['the scenario states no plan'];
  const problems = lines.filter((line) => !line.startsWith('ok ') && line !== plan);
  const tests = lines.filter((line) => /^(not )?ok \d+/.test(line)).length;
  if (tests !== Number(plan.slice(3))) problems.push(`${tests} tests, planned ${plan.slice(3)}`);
  return problems;
}
