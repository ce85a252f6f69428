/** bench/results/policies.{json,md}: the share of mutations killed, and each survivor with why. */
import type { Mutation } from './mutations';

export interface MutationResult {
  mutation: Mutation;
  killedBy: { killer: string; reason: string } | null;
  /** Killers run before the verdict (all of them for a survivor). */
  ran: number;
  /** Why a survivor is harmless, from survivorNotes.ts. */
  note: string | null;
  ms: number;
}

export function policiesReport(results: MutationResult[], killers: number, totalMs: number) {
  const killed = results.filter((r) => r.killedBy).length;
  const survivors = results.filter((r) => !r.killedBy);
  const share = results.length ? (100 * killed) / results.length : 100;
  const policies = new Set(results.map((r) => `${r.mutation.policy.schema}.${r.mutation.policy.table}.${r.mutation.policy.name}`)).size;
  const summary =
    `${killed} of ${results.length} mutations of ${policies} policies killed (${share.toFixed(1)} %); ` +
    `${survivors.length} survived (${survivors.filter((r) => r.note).length} explained as redundant); ` +
    `${killers} killers; ${(totalMs / 1000).toFixed(0)} s`;
  const row = (r: MutationResult) => ({
    schema: r.mutation.policy.schema,
    table: r.mutation.policy.table,
    policy: r.mutation.policy.name,
    cmd: r.mutation.policy.cmd,
    mutation: r.mutation.label,
    killedBy: r.killedBy?.killer ?? null,
    reason: r.killedBy?.reason ?? null,
    note: r.note,
    ran: r.ran,
    ms: r.ms,
  });
  const json = { generatedAt: new Date().toISOString(), mutations: results.length, killed, sharePercent: Number(share.toFixed(1)), killers, totalSeconds: Math.round(totalMs / 1000), results: results.map(row) };
  const cell = (text: string) => text.replaceAll('|', '\\|');
  const markdown = [
    '# Row-level security policies under mutation',
    '',
    'Made by `npm run test:policies` (`scripts/test-policies.ts`): every policy in `pg_policies` is weakened one way at a time',
    '(USING → true, WITH CHECK → true, one ownership or scope conjunct → true), and the RLS matrix cells and the pgTAP',
    'scenarios run against it on PGlite; the first one whose outcome changes kills the mutation.',
    '',
    `**${summary}.**`,
    '',
    '## Survivors',
    '',
    survivors.length
      ? ['| Table | Policy | Mutation | Why it survives |', '|---|---|---|---|', ...survivors.map((r) => `| ${r.mutation.policy.table} | ${cell(r.mutation.policy.name)} | ${cell(r.mutation.label)} | ${cell(r.note ?? 'not explained: no test proves this predicate')} |`)].join('\n')
      : 'None.',
    '',
    '## Every mutation',
    '',
    '| Table | Policy | Mutation | Killed by |',
    '|---|---|---|---|',
    ...results.map((r) => `| ${r.mutation.policy.table} | ${cell(r.mutation.policy.name)} | ${cell(r.mutation.label)} | ${cell(r.killedBy?.killer ?? '—')} |`),
    '',
  ].join('\n');
  return { summary, json, markdown };
}
