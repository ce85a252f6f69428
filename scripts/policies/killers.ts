/**
 * The tests that must notice a weakened policy, trigger or function: every
 * cell of the RLS matrix and every pgTAP scenario, run in process against
 * one database. Each runs in its own transaction and rolls back, so they
 * can run between mutations on the same database without seeing each other.
 */
import { basename } from 'node:path';
import type { TestDatabase } from '../../supabase/tests/database/harness';
import { scenarioFiles } from '../../supabase/tests/database/harness';
import { cellsOf, SPECS } from '../../supabase/tests/database/rlsMatrix';
import { runScenario, tapProblems } from '../../supabase/tests/database/tap';

export interface Killer {
  name: string;
  /** The table a matrix cell is about (schema-qualified); null for a scenario. */
  table: string | null;
  /** Null when it passes, else what went wrong. */
  check: (db: TestDatabase) => Promise<string | null>;
}

const qualified = (table: string) => (table.includes('.') ? table : `public.${table}`);

export function allKillers(): Killer[] {
  const cells = SPECS.flatMap((spec) =>
    cellsOf(spec).map<Killer>((cell) => ({
      name: `matrix: ${cell.name}`,
      table: qualified(spec.table),
      check: async (db) => {
        try {
          await cell.run(db);
          return null;
        } catch (error) {
          return (error as Error).message.split('\n')[0];
        }
      },
    })),
  );
  const scenarios = scenarioFiles().map<Killer>((file) => ({
    name: `pgTAP: ${basename(file)}`,
    table: null,
    check: async (db) => {
      try {
        const problems = tapProblems(await runScenario(db, file));
        return problems.length ? problems.slice(0, 3).join('; ') : null;
      } catch (error) {
        return (error as Error).message.split('\n')[0];
      }
    },
  }));
  return [...cells, ...scenarios];
}

/** The mutated table's cells first, then the scenarios, then every other cell: a kill is usually found at once. */
export function orderFor(killers: Killer[], table: string | null): Killer[] {
  const rank = (k: Killer) => (k.table === table ? 0 : k.table === null ? 1 : 2);
  return [...killers].sort((a, b) => rank(a) - rank(b));
}

export interface Verdict {
  killedBy: { killer: string; reason: string } | null;
  ran: number;
}

export async function firstKill(db: TestDatabase, killers: Killer[]): Promise<Verdict> {
  let ran = 0;
  for (const killer of killers) {
    ran++;
    const reason = await killer.check(db);
    if (reason !== null) return { killedBy: { killer: killer.name, reason }, ran };
  }
  return { killedBy: null, ran };
}
