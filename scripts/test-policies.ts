/**
 * Mutation testing of every row-level security policy: each policy of the
 * final schema is weakened one way at a time (USING → true, WITH CHECK →
 * true, one ownership or scope conjunct → true), and the RLS matrix and the
 * pgTAP scenarios run against it. A mutation none of them notices is a
 * policy the tests do not prove.
 *
 *   npm run test:policies                       # every policy; writes bench/results/policies.*
 *   npm run test:policies -- --only sessions    # one table's policies (comma-separate more); writes nothing
 *
 * Exits 1 when a mutation survives that survivorNotes.ts does not explain.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../supabase/tests/database/harness';
import { PGTAP_SETUP } from '../supabase/tests/database/tap';
import { allKillers, firstKill, orderFor } from './policies/killers';
import { alterPolicySql, mutationsOf, type Mutation, type Policy } from './policies/mutations';
import { policiesReport, type MutationResult } from './policies/report';
import { SURVIVOR_NOTES } from './policies/survivorNotes';

const RESULTS = join(import.meta.dirname, '..', 'bench', 'results');

async function readPolicies(db: TestDatabase): Promise<Policy[]> {
  const { rows } = await db.query<Policy & { roles: string }>(
    `select schemaname as schema, tablename as "table", policyname as name, cmd, roles::text as roles, qual, with_check as "withCheck"
     from pg_policies order by schemaname, tablename, policyname`,
  );
  return rows.map((row) => ({ ...row, roles: row.roles.replace(/^\{|\}$/g, '').split(',') }));
}

async function expressionsOf(db: TestDatabase, policy: Policy): Promise<{ qual: string | null; withCheck: string | null }> {
  const { rows } = await db.query<{ qual: string | null; withCheck: string | null }>(
    'select qual, with_check as "withCheck" from pg_policies where schemaname = $1 and tablename = $2 and policyname = $3',
    [policy.schema, policy.table, policy.name],
  );
  return rows[0];
}

async function restore(db: TestDatabase, policy: Policy): Promise<void> {
  await db.query(alterPolicySql(policy, policy.qual, policy.withCheck));
  const now = await expressionsOf(db, policy);
  if (now.qual !== policy.qual || now.withCheck !== policy.withCheck) {
    throw new Error(`restoring "${policy.name}" on ${policy.table} gave ${JSON.stringify(now)}, not the original`);
  }
}

function parseArgs(argv: string[]): { only: string[] | null } {
  const at = argv.indexOf('--only');
  return { only: at >= 0 ? argv[at + 1].split(',').map((t) => t.replace(/^(public|private)\./, '')) : null };
}

async function main(): Promise<void> {
  const { only } = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const db = await createTestDatabase({ pgtap: true });
  await db.exec(PGTAP_SETUP);
  try {
    const killers = allKillers();
    const baseline = await Promise.resolve().then(async () => {
      const failing: string[] = [];
      for (const killer of killers) {
        const reason = await killer.check(db);
        if (reason !== null) failing.push(`${killer.name}: ${reason}`);
      }
      return failing;
    });
    if (baseline.length) {
      console.error(`Unmutated, ${baseline.length} killers already fail; fix them first:\n${baseline.join('\n')}`);
      process.exitCode = 1;
      return;
    }
    console.log(`${killers.length} killers pass on the unmutated schema (${((Date.now() - started) / 1000).toFixed(0)} s so far)`);

    const policies = (await readPolicies(db)).filter((p) => !only || only.includes(p.table));
    const mutations: Mutation[] = policies.flatMap(mutationsOf);
    const results: MutationResult[] = [];
    for (const mutation of mutations) {
      const { policy } = mutation;
      const t0 = Date.now();
      await db.query(alterPolicySql(policy, mutation.qual, mutation.withCheck));
      let verdict;
      try {
        verdict = await firstKill(db, orderFor(killers, `${policy.schema}.${policy.table}`));
      } finally {
        await restore(db, policy);
      }
      const note = SURVIVOR_NOTES[`${policy.table}: ${policy.name}: ${mutation.label}`] ?? null;
      results.push({ mutation, ...verdict, note, ms: Date.now() - t0 });
      const mark = verdict.killedBy ? 'killed ' : note ? 'redundant' : 'SURVIVED';
      console.log(`${mark} ${policy.table}: "${policy.name}" ${mutation.label}${verdict.killedBy ? ` — ${verdict.killedBy.killer}` : ''}`);
    }

    const report = policiesReport(results, killers.length, Date.now() - started);
    console.log(`\n${report.summary}`);
    if (!only) {
      writeFileSync(join(RESULTS, 'policies.json'), `${JSON.stringify(report.json, null, 2)}\n`);
      writeFileSync(join(RESULTS, 'policies.md'), report.markdown);
      console.log('Wrote bench/results/policies.json and policies.md');
    }
    if (results.some((r) => !r.killedBy && !r.note)) process.exitCode = 1;
  } finally {
    await db.close();
  }
}

await main();
