/** bench/results/policies.{json,md}: the share of mutations killed, and each survivor. */
import type { Weakening } from './weakenings';

export interface MutationResult {
  mutation: Weakening;
  killedBy: { killer: string; reason: string } | null;
  /** Killers run before the verdict (all of them for a survivor). */
  ran: number;
  ms: number;
}

const KINDS = { policy: ['policy', 'policies'], trigger: ['trigger', 'triggers'], function: ['function', 'functions'] } as const;

/** "public.sessions" → "sessions", as the tables read in the report. */
const tableName = (w: Weakening) => (w.table ? w.table.replace(/^public\./, '') : '—');

export function policiesReport(results: MutationResult[], killers: number, totalMs: number) {
  const killed = results.filter((r) => r.killedBy).length;
  const survivors = results.filter((r) => !r.killedBy);
  const share = results.length ? (100 * killed) / results.length : 100;
  const subjects = (Object.keys(KINDS) as Weakening['kind'][])
    .map((kind) => ({ kind, n: new Set(results.filter((r) => r.mutation.kind === kind).map((r) => `${r.mutation.table}.${r.mutation.subject}`)).size }))
    .filter(({ n }) => n > 0)
    .map(({ kind, n }) => `${n} ${KINDS[kind][n === 1 ? 0 : 1]}`)
    .join(', ');
  const summary =
    `${killed} of ${results.length} mutations of ${subjects} killed (${share.toFixed(1)} %); ` +
    `${survivors.length} survived; ${killers} killers; ${(totalMs / 1000).toFixed(0)} s`;
  const row = (r: MutationResult) => ({
    kind: r.mutation.kind,
    table: r.mutation.table,
    subject: r.mutation.subject,
    mutation: r.mutation.label,
    killedBy: r.killedBy?.killer ?? null,
    reason: r.killedBy?.reason ?? null,
    ran: r.ran,
    ms: r.ms,
  });
  const json = { generatedAt: new Date().toISOString(), mutations: results.length, killed, sharePercent: Number(share.toFixed(1)), killers, totalSeconds: Math.round(totalMs / 1000), results: results.map(row) };
  const cell = (text: string) => text.replaceAll('|', '\\|');
  const line = (r: MutationResult, last: string) => `| ${r.mutation.kind} | ${tableName(r.mutation)} | ${cell(r.mutation.subject)} | ${cell(r.mutation.label)} | ${cell(last)} |`;
  const markdown = [
    '# Row-level security under mutation',
    '',
    'Made by `npm run test:policies` (`scripts/test-policies.ts`): one thing at a time is weakened, and the RLS matrix cells',
    'and the pgTAP scenarios run against it on PGlite; the first one whose outcome changes kills the mutation. What is weakened:',
    '',
    '- every policy in `pg_policies`: USING → true, WITH CHECK → true, one ownership or scope conjunct → true (a clause',
    '  that already says `true` makes no mutation);',
    '- every trigger that guards a row (its function refuses a change, or bounds a device\'s time through',
    '  `private.client_time`): disabled;',
    '- the admin check\'s second-factor test (`is_admin_of`\'s aal2 conjunct): → true.',
    '',
    `**${summary}.**`,
    '',
    '## Survivors',
    '',
    survivors.length
      ? ['| Kind | Table | Policy, trigger or function | Mutation | |', '|---|---|---|---|---|', ...survivors.map((r) => line(r, 'no test notices this'))].join('\n')
      : 'None.',
    '',
    '## Every mutation',
    '',
    '| Kind | Table | Policy, trigger or function | Mutation | Killed by |',
    '|---|---|---|---|---|',
    ...results.map((r) => line(r, r.killedBy?.killer ?? '—')),
    '',
  ].join('\n');
  return { summary, json, markdown };
}
