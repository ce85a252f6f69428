/**
 * Mutation testing of row-level security and what backs it up: each policy
 * of the final schema is weakened one way at a time (USING → true, WITH
 * CHECK → true, one ownership or scope conjunct → true), each trigger that
 * guards a row is disabled, and the admin check's second-factor test is
 * made true; the RLS matrix and the pgTAP scenarios run against each. A
 * mutation none of them notices is a rule the tests do not prove.
 *
 *   npm run test:policies                       # everything; writes bench/results/policies.*
 *   npm run test:policies -- --only sessions    # one table's policies and triggers (comma-separate more,
 *                                               # or name a function: is_admin_of); writes nothing
 *
 * Exits 1 when any mutation survives.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../supabase/tests/database/harness';
import { PGTAP_SETUP } from '../supabase/tests/database/tap';
import { allKillers, firstKill, orderFor, type Killer } from './policies/killers';
import { policiesReport, type MutationResult } from './policies/report';
import { allWeakenings, type Weakening } from './policies/weakenings';

const RESULTS = join(import.meta.dirname, '..', 'bench', 'results');

function parseArgs(argv: string[]): { only: string[] | null } {
  const at = argv.indexOf('--only');
  return { only: at >= 0 ? argv[at + 1].split(',').map((t) => t.replace(/^(public|private)\./, '')) : null };
}

/** The unqualified table, or for a function its name: what --only names. */
const shortName = (w: Weakening) => (w.table ?? w.subject.replace(/\(.*$/, '')).replace(/^(public|private)\./, '');

async function failingKillers(db: TestDatabase, killers: Killer[]): Promise<string[]> {
  const failing: string[] = [];
  for (const killer of killers) {
    const reason = await killer.check(db);
    if (reason !== null) failing.push(`${killer.name}: ${reason}`);
  }
  return failing;
}

async function main(): Promise<void> {
  const { only } = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const db = await createTestDatabase({ pgtap: true });
  await db.exec(PGTAP_SETUP);
  try {
    const killers = allKillers();
    const baseline = await failingKillers(db, killers);
    if (baseline.length) {
      console.error(`Unmutated, ${baseline.length} killers already fail; fix them first:\n${baseline.join('\n')}`);
      process.exitCode = 1;
      return;
    }
    console.log(`${killers.length} killers pass on the unmutated schema (${((Date.now() - started) / 1000).toFixed(0)} s so far)`);

    const everything = await allWeakenings(db);
    if (!only && !everything.some((w) => w.kind === 'function')) {
      console.error('No function carries the admin check\'s second-factor test (SECOND_FACTOR_TEST in scripts/policies/weakenings.ts): is_admin_of lost it, or it is written differently.');
      process.exitCode = 1;
      return;
    }
    const mutations = everything.filter((w) => !only || only.includes(shortName(w)));
    const results: MutationResult[] = [];
    for (const mutation of mutations) {
      const t0 = Date.now();
      await mutation.apply(db);
      let verdict;
      try {
        verdict = await firstKill(db, orderFor(killers, mutation.table));
      } finally {
        await mutation.restore(db);
      }
      results.push({ mutation, ...verdict, ms: Date.now() - t0 });
      console.log(`${verdict.killedBy ? 'killed ' : 'SURVIVED'} ${mutation.kind} ${shortName(mutation)}: "${mutation.subject}" ${mutation.label}${verdict.killedBy ? ` — ${verdict.killedBy.killer}` : ''}`);
    }

    const report = policiesReport(results, killers.length, Date.now() - started);
    console.log(`\n${report.summary}`);
    if (!only) {
      writeFileSync(join(RESULTS, 'policies.json'), `${JSON.stringify(report.json, null, 2)}\n`);
      writeFileSync(join(RESULTS, 'policies.md'), report.markdown);
      console.log('Wrote bench/results/policies.json and policies.md');
    }
    if (results.some((r) => !r.killedBy)) process.exitCode = 1;
  } finally {
    await db.close();
  }
}

await main();
