/**
 * Everything scripts/test-policies.ts weakens, in one shape:
 *   - policy    one mutation of a row-level security policy (mutations.ts);
 *   - trigger   a trigger that guards a row, disabled: one that refuses a
 *               change (raise exception: keep_*, only_withdraw, close,
 *               decide, append-only) or bounds a device's time
 *               (private.client_time: the bound_* triggers);
 *   - function  the second-factor test of the admin check (is_admin_of's
 *               aal2 conjunct) made true.
 * Each knows how to apply itself and how to put back exactly what was there.
 */
import type { TestDatabase } from '../../supabase/tests/database/harness';
import { alterPolicySql, mutationsOf, type Policy } from './mutations';

export interface Weakening {
  kind: 'policy' | 'trigger' | 'function';
  /** The schema-qualified table whose matrix cells run first; null for a function. */
  table: string | null;
  /** The policy, trigger or function weakened. */
  subject: string;
  /** e.g. "USING → true", "disabled", "aal2 test → true". */
  label: string;
  apply: (db: TestDatabase) => Promise<void>;
  /** Puts back what was there, and throws when the catalog does not show it back. */
  restore: (db: TestDatabase) => Promise<void>;
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

export async function policyWeakenings(db: TestDatabase): Promise<Weakening[]> {
  const { rows } = await db.query<Policy & { roles: string }>(
    `select schemaname as schema, tablename as "table", policyname as name, cmd, roles::text as roles, qual, with_check as "withCheck"
     from pg_policies order by schemaname, tablename, policyname`,
  );
  const policies = rows.map((row) => ({ ...row, roles: row.roles.replace(/^\{|\}$/g, '').split(',') }));
  return policies.flatMap(mutationsOf).map(({ policy, label, qual, withCheck }) => ({
    kind: 'policy',
    table: `${policy.schema}.${policy.table}`,
    subject: policy.name,
    label,
    apply: async (db) => void (await db.query(alterPolicySql(policy, qual, withCheck))),
    restore: async (db) => {
      await db.query(alterPolicySql(policy, policy.qual, policy.withCheck));
      const { rows: now } = await db.query<{ qual: string | null; withCheck: string | null }>(
        'select qual, with_check as "withCheck" from pg_policies where schemaname = $1 and tablename = $2 and policyname = $3',
        [policy.schema, policy.table, policy.name],
      );
      if (now[0]?.qual !== policy.qual || now[0]?.withCheck !== policy.withCheck) {
        throw new Error(`restoring "${policy.name}" on ${policy.table} gave ${JSON.stringify(now[0])}, not the original`);
      }
    },
  }));
}

/** A trigger function that refuses a change or bounds a device's time: disabling it must be noticed. */
export function guardsTheRow(source: string): boolean {
  return /\braise\s+exception\b/i.test(source) || /\bprivate\.client_time\(/.test(source);
}

export async function triggerWeakenings(db: TestDatabase): Promise<Weakening[]> {
  const { rows } = await db.query<{ schema: string; table: string; name: string; source: string }>(
    `select n.nspname as schema, c.relname as "table", t.tgname as name, p.prosrc as source
     from pg_trigger t
     join pg_class c on c.oid = t.tgrelid
     join pg_namespace n on n.oid = c.relnamespace
     join pg_proc p on p.oid = t.tgfoid
     where not t.tgisinternal and n.nspname in ('public', 'private')
     order by 1, 2, 3`,
  );
  return rows
    .filter((t) => guardsTheRow(t.source))
    .map((t) => {
      const alter = (how: 'disable' | 'enable') => `alter table ${ident(t.schema)}.${ident(t.table)} ${how} trigger ${ident(t.name)}`;
      return {
        kind: 'trigger',
        table: `${t.schema}.${t.table}`,
        subject: t.name,
        label: 'disabled',
        apply: async (db) => void (await db.query(alter('disable'))),
        restore: async (db) => {
          await db.query(alter('enable'));
          const { rows: now } = await db.query<{ enabled: string }>(
            'select tgenabled as enabled from pg_trigger where tgrelid = $1::regclass and tgname = $2',
            [`${ident(t.schema)}.${ident(t.table)}`, t.name],
          );
          if (now[0]?.enabled !== 'O') throw new Error(`re-enabling ${t.name} on ${t.table} left it ${JSON.stringify(now[0])}`);
        },
      };
    });
}

/** How 20261208000100_admins_use_a_second_factor.sql writes the admin check's second-factor test. */
export const SECOND_FACTOR_TEST = "(coalesce(auth.jwt() ->> 'aal', 'aal1') = 'aal2')";

export async function functionWeakenings(db: TestDatabase): Promise<Weakening[]> {
  const { rows } = await db.query<{ oid: number; signature: string; definition: string; source: string }>(
    `select p.oid::int as oid, p.oid::regprocedure::text as signature, pg_get_functiondef(p.oid) as definition, p.prosrc as source
     from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname in ('public', 'private') and strpos(p.prosrc, $1) > 0
     order by 2`,
    [SECOND_FACTOR_TEST],
  );
  return rows.map((f) => ({
    kind: 'function',
    table: null,
    subject: f.signature,
    label: 'aal2 test → true',
    apply: async (db) => void (await db.exec(f.definition.replaceAll(SECOND_FACTOR_TEST, '(true)'))),
    restore: async (db) => {
      await db.exec(f.definition);
      const { rows: now } = await db.query<{ source: string }>('select prosrc as source from pg_proc where oid = $1', [f.oid]);
      if (now[0]?.source !== f.source) throw new Error(`restoring ${f.signature} did not give back its body`);
    },
  }));
}

export async function allWeakenings(db: TestDatabase): Promise<Weakening[]> {
  return [...(await policyWeakenings(db)), ...(await triggerWeakenings(db)), ...(await functionWeakenings(db))];
}
