/**
 * POST /functions/v1/sync — the app's one road to the school database.
 *
 * Push: every mutation runs in one transaction as the caller, so row-level
 * security decides. A run of upserts to one table is first tried as one
 * statement (with its ledger entries) inside a savepoint; if any of them is
 * a duplicate, kept, refused or fails, that savepoint is undone and the run
 * goes row by row, each in its own savepoint, so one refused row leaves the
 * rest of the batch applied and every row gets its own answer. A mutation's clientId is recorded in the
 * ledger (sync_mutations) with it; a mutation seen before is a 'duplicate'
 * and changes nothing. Pull: the rows changed after the cursor that the
 * caller may read, tables in a fixed order, in one snapshot.
 */
import type postgres from 'postgres';
import type { Claims } from '../_shared/auth.ts';
import { recordAudit } from '../_shared/audit.ts';
import { asCaller, type Tx } from '../_shared/db.ts';
import { userEndpoint } from '../_shared/endpoint.ts';
import { HttpError } from '../_shared/http.ts';
import { log } from '../_shared/log.ts';
import {
  applyOrder,
  batchableRun,
  type Cursor,
  decodeCursor,
  DEFAULT_PULL_LIMIT,
  encodeCursor,
  keptReason,
  type Mutation,
  type MutationResult,
  pickReadable,
  type Plan,
  planMutation,
  positionsFor,
  type PullFrom,
  rejectionReason,
  rowIdentity,
  summarisePush,
  SyncRequestSchema,
} from './logic.ts';
import { ACCESS_SCOPE_SQL, deleteSql, pullSql, storedRowSql, upsertSql } from './sql.ts';
import { CURSOR_COLUMN, SYNC_TABLES } from './tables.ts';

export const handler = userEndpoint({
  name: 'sync',
  rateLimitPerMinute: Number(Deno.env.get('SYNC_RATE_LIMIT_PER_MINUTE') ?? 60),
  schema: SyncRequestSchema,
  run: async ({ claims, body }) => {
    let cursor: PullFrom | null = null;
    if (body.pullSince !== undefined) {
      cursor = decodeCursor(body.pullSince);
      if (!cursor) throw new HttpError(400, 'bad_request', 'pullSince: not a cursor from this server');
    }

    const response: Record<string, unknown> = {};
    if (body.push && body.push.length > 0) response.results = await push(claims, body.push);
    if (cursor) Object.assign(response, await pull(claims, cursor, body.limit ?? DEFAULT_PULL_LIMIT));
    response.serverTime = new Date().toISOString(); // the device checks its clock; a browser cannot read the Date header across origins
    return { status: 200, payload: response };
  },
});

type UpsertPlan = Extract<Plan, { kind: 'upsert' }>;

async function push(claims: Claims, mutations: Mutation[]): Promise<MutationResult[]> {
  return await asCaller(claims, async (tx) => {
    const results: MutationResult[] = [];
    const schools = new Set<string>();
    // Applied table by table in pull order (parents first), each table's rows in the order sent, so a
    // device's interleaved sessions and marks become two long runs; answers keep the request's order.
    const order = applyOrder(mutations);
    const ordered = order.map((k) => mutations[k]);
    const plans = ordered.map(planMutation);
    const answers: Applied[] = [];
    for (let i = 0; i < ordered.length;) {
      const length = batchableRun(plans, i);
      const run = ordered.slice(i, i + length);
      const together = length > 1 ? await applyTogether(tx, run, plans.slice(i, i + length)) : null;
      answers.push(...(together ?? (await applyEach(tx, run))));
      i += length;
    }
    const byRequest: Applied[] = new Array(mutations.length);
    order.forEach((k, j) => (byRequest[k] = answers[j]));
    for (const { result, schoolId } of byRequest) {
      results.push(result);
      if (schoolId) schools.add(schoolId);
    }
    const summary = { ...summarisePush(mutations, results), schools: [...schools] };
    await auditPush(tx, claims, summary, [...schools][0]);
    log.info('sync push', { userId: claims.sub, ...summary });
    return results;
  });
}

/**
 * One audit entry per push, filed under the school of the first row it
 * wrote, or the caller's own school when it wrote nothing.
 */
async function auditPush(tx: Tx, claims: Claims, details: Record<string, unknown>, schoolId: string | undefined): Promise<void> {
  if (!schoolId) {
    const [own] = await tx`select school_id from public.memberships where user_id = ${claims.sub} order by created_at, id limit 1`;
    schoolId = own?.school_id as string | undefined;
  }
  // Someone with no school has nothing to write and no log to write it in.
  if (!schoolId) return;
  await recordAudit(tx, { schoolId, action: 'sync.push', entity: 'sync', details });
}

/** Thrown inside a savepoint to undo it while keeping the transaction. */
class Refused extends Error {
  constructor(
    readonly reason: string,
    /** The stored row that won, as the caller may read it: the device takes it instead of waiting for a change to pull. */
    readonly current?: Record<string, unknown>,
  ) {
    super(reason);
  }
}

interface Applied {
  result: MutationResult;
  schoolId?: string;
}

async function applyEach(tx: Tx, run: Mutation[]): Promise<Applied[]> {
  const out: Applied[] = [];
  for (const m of run) out.push(await applyOne(tx, m));
  return out;
}

/** Undoes the fast path's savepoint: the run is then applied row by row. */
class NotTogether extends Error {}

/**
 * The fast path: the run's ledger entries and rows in two statements. Any
 * row that would not simply be written (a duplicate clientId, a stored row
 * that wins, a refusal by row-level security or a constraint) sends the
 * whole run to the slow path, which gives each row its own answer.
 */
async function applyTogether(tx: Tx, run: Mutation[], plans: Plan[]): Promise<Applied[] | null> {
  const first = plans[0];
  if (first.kind !== 'upsert') return null;
  const ledger = run.map((m, k) => ({
    client_id: m.clientId,
    table_name: first.spec.name,
    row_id: (plans[k] as UpsertPlan).id,
    op: m.op,
    client_updated_at: m.clientUpdatedAt,
  }));
  const rows = plans.map((p) => (p as UpsertPlan).row);
  try {
    return await tx.savepoint(async (sp): Promise<Applied[]> => {
      const recorded = await sp`
        insert into private.sync_mutations (client_id, table_name, row_id, op, client_updated_at)
        select x.client_id, x.table_name, x.row_id, x.op, x.client_updated_at
        from jsonb_to_recordset(${
        sp.json(ledger as postgres.JSONValue)
      }) as x(client_id uuid, table_name text, row_id uuid, op text, client_updated_at timestamptz)
        on conflict (user_id, client_id) do nothing
        returning client_id`;
      if (recorded.length !== run.length) throw new NotTogether();
      const written = await sp.unsafe(upsertSql(first.spec, first.columns, true), [rows as postgres.JSONValue]);
      if (written.length !== run.length) throw new NotTogether();
      const school = new Map(written.map((w) => [rowIdentity(first.spec, w), w.school_id as string | undefined]));
      return run.map((m, k) => ({
        result: { clientId: m.clientId, status: 'applied' },
        schoolId: school.get(rowIdentity(first.spec, (plans[k] as UpsertPlan).row)),
      }));
    });
  } catch (err) {
    // Any database error: the slow path meets it again, row by row, and answers or throws for that row alone.
    if (err instanceof NotTogether || typeof (err as { code?: unknown }).code === 'string') return null;
    throw err;
  }
}

async function applyOne(tx: Tx, m: Mutation): Promise<Applied> {
  const plan = planMutation(m);
  if (plan.kind === 'reject') return { result: { clientId: m.clientId, status: 'rejected', reason: plan.reason } };
  const applied = (schoolId: unknown): Applied => ({ result: { clientId: m.clientId, status: 'applied' }, schoolId: schoolId as string | undefined });
  try {
    return await tx.savepoint(async (sp): Promise<Applied> => {
      const recorded = await sp`
        insert into private.sync_mutations (client_id, table_name, row_id, op, client_updated_at)
        values (${m.clientId}, ${plan.spec.name}, ${plan.id}, ${m.op}, ${m.clientUpdatedAt})
        on conflict (user_id, client_id) do nothing
        returning client_id`;
      if (recorded.length === 0) return { result: { clientId: m.clientId, status: 'duplicate' } };

      if (plan.kind === 'delete') {
        const [done] = await sp.unsafe(deleteSql(plan.spec), [plan.id]);
        if (!done) throw new Refused('not allowed');
        return applied(done.school_id);
      }

      const [written] = await sp.unsafe(upsertSql(plan.spec, plan.columns), [plan.row as postgres.JSONValue]);
      if (written) return applied(written.school_id);
      const [stored] = await sp.unsafe(storedRowSql(plan.spec), [plan.row as postgres.JSONValue]);
      // An append-only row that is already there is the same row sent again.
      if (plan.spec.appendOnly && stored) return applied(stored.row.school_id);
      throw new Refused(keptReason(plan.spec, stored?.row, plan.row), stored?.row ? pickReadable(plan.spec, stored.row) : undefined);
    });
  } catch (err) {
    if (err instanceof Refused) {
      const result: MutationResult = { clientId: m.clientId, status: 'rejected', reason: err.reason };
      if (err.current) result.current = err.current;
      return { result };
    }
    const reason = rejectionReason(err);
    if (reason === null) throw err;
    return { result: { clientId: m.clientId, status: 'rejected', reason } };
  }
}

async function pull(claims: Claims, from: PullFrom, limit: number) {
  return await asCaller(
    claims,
    async (tx) => {
      const [{ scope }] = await tx.unsafe(ACCESS_SCOPE_SQL);
      const since = positionsFor(from, scope);
      const changes: Record<string, Record<string, unknown>[]> = {};
      const next: Cursor = { ...since };
      let remaining = limit;
      let hasMore = false;
      for (const spec of SYNC_TABLES) {
        const [at, id] = since[spec.name] ?? [null, null];
        if (remaining === 0) {
          // Only whether anything is left, for hasMore.
          if (!hasMore) hasMore = (await tx.unsafe(pullSql(spec), [at, id, 1])).length > 0;
          continue;
        }
        const rows = (await tx.unsafe(pullSql(spec), [at, id, remaining + 1])).map((r) => r.row as Record<string, unknown>);
        if (rows.length > remaining) {
          hasMore = true;
          rows.length = remaining;
        }
        remaining -= rows.length;
        if (rows.length > 0) {
          const last = rows[rows.length - 1];
          next[spec.name] = [String(last[CURSOR_COLUMN]), String(last.id)];
          changes[spec.name] = rows.map((row) => pickReadable(spec, row));
        }
      }
      return { changes, cursor: encodeCursor(next, scope), hasMore };
    },
    { readOnly: true },
  );
}
