/**
 * The decisions of `sync`, free of I/O: the request's shape, what each
 * mutation will do (planMutation) and in what order, why a row was kept or
 * refused, and the pull cursor. The tables and columns are in tables.ts,
 * the SQL in sql.ts, the marks' precedence in marks.ts.
 */
import { z } from 'zod';
import { identityOf, SYNC_TABLES, TABLES_BY_NAME, type TableSpec } from './tables.ts';

export const MAX_PUSH = 500;
export const DEFAULT_PULL_LIMIT = 500;
export const MAX_PULL_LIMIT = 1000;

export const MutationSchema = z.object({
  clientId: z.guid(),
  table: z.string().min(1).max(63),
  op: z.enum(['upsert', 'delete']),
  row: z.record(z.string(), z.unknown()),
  clientUpdatedAt: z.iso.datetime({ offset: true }),
});

export const SyncRequestSchema = z.strictObject({
  push: z.array(MutationSchema).max(MAX_PUSH).optional(),
  pullSince: z.string().max(8192).nullable().optional(),
  limit: z.number().int().min(1).max(MAX_PULL_LIMIT).optional(),
});

export type Mutation = z.infer<typeof MutationSchema>;

export type MutationResult =
  | { clientId: string; status: 'applied' }
  | { clientId: string; status: 'duplicate' }
  | { clientId: string; status: 'rejected'; reason: string; current?: Record<string, unknown> };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type Plan =
  | { kind: 'upsert'; spec: TableSpec; id: string; columns: string[]; row: Record<string, unknown> }
  | { kind: 'delete'; spec: TableSpec; id: string }
  | { kind: 'reject'; reason: string };

/** What a mutation will do, or why it cannot be tried at all. */
export function planMutation(m: Mutation): Plan {
  const spec = TABLES_BY_NAME.get(m.table);
  if (!spec) return { kind: 'reject', reason: 'unknown table' };
  if (spec.write === 'none') return { kind: 'reject', reason: `read only: ${spec.name}` };
  const id = m.row.id;
  if (typeof id !== 'string' || !UUID.test(id)) return { kind: 'reject', reason: 'row.id: expected a UUID' };

  if (m.op === 'delete') {
    if (!spec.tombstoneColumn) return { kind: 'reject', reason: `delete not supported for ${spec.name}` };
    return { kind: 'delete', spec, id: id.toLowerCase() };
  }

  const row = { ...spec.fill, ...m.row, id: id.toLowerCase() };
  const columns = Object.keys(row);
  const unknown = columns.filter((c) => !spec.writable.includes(c));
  if (unknown.length > 0) return { kind: 'reject', reason: `unknown column: ${unknown.sort().join(', ')}` };
  // Keys follow the whitelist's order so equal mutations build equal SQL.
  const ordered = spec.writable.filter((c) => columns.includes(c));
  return { kind: 'upsert', spec, id: id.toLowerCase(), columns: ordered, row };
}

/**
 * Consecutive upserts of one table with the same columns and distinct ids
 * (and, for tables with other unique keys, nothing else in common that one
 * statement could trip over twice) can be written by one statement. Returns
 * the length of the run starting at `from` (1 when no batch is possible).
 */
export function batchableRun(plans: readonly Plan[], from: number, max = 500): number {
  const first = plans[from];
  if (!first || first.kind !== 'upsert') return 1;
  const key = first.columns.join(',');
  const ids = new Set([rowIdentity(first.spec, first.row)]);
  let end = from + 1;
  while (end < plans.length && end - from < max) {
    const p = plans[end];
    if (!p || p.kind !== 'upsert' || p.spec !== first.spec || p.columns.join(',') !== key || ids.has(rowIdentity(p.spec, p.row))) break;
    ids.add(rowIdentity(p.spec, p.row));
    end++;
  }
  return end - from;
}

/** The identity of a row (TableSpec.identity) as one string, the same for a row sent and the row written. */
export function rowIdentity(spec: TableSpec, row: Record<string, unknown>): string {
  return identityOf(spec).map((c) => String(row[c] ?? '').toLowerCase()).join('|');
}

/**
 * The order a push is applied in: by table in pull order (parents before
 * children), stable within a table. A device sends its changes in the order
 * it made them, so a child already follows its parent, and two changes of
 * one row keep their order. Unknown tables go last (they are refused).
 */
export function applyOrder(mutations: readonly { table: string }[]): number[] {
  const rank = (t: string) => {
    const i = SYNC_TABLES.findIndex((s) => s.name === t);
    return i < 0 ? SYNC_TABLES.length : i;
  };
  return mutations.map((m, k) => ({ k, r: rank(m.table) })).sort((a, b) => a.r - b.r || a.k - b.k).map((x) => x.k);
}

/** Why an upsert that wrote nothing left the stored row as it was. */
export function keptReason(spec: TableSpec, stored: Record<string, unknown> | undefined, incoming: Record<string, unknown>): string {
  // The row exists (the insert conflicted) but the caller cannot see it,
  // or, for a table only updated, they may see it but not change it.
  if (!stored || spec.write === 'update') return 'not allowed';
  if (spec.tombstoneColumn && stored[spec.tombstoneColumn] != null) return 'kept: the row was deleted';
  return spec.explainKept?.(stored, incoming) ?? 'kept: the stored row wins';
}

export interface DbErrorLike {
  code?: string;
  constraint_name?: string;
  column_name?: string;
  message?: string;
}

/**
 * The reason a client is given for a refused row, or null when the error
 * is not about the row (a lost connection, a bug) and must fail the request.
 */
export function rejectionReason(err: unknown): string | null {
  const e = (err ?? {}) as DbErrorLike;
  const code = typeof e.code === 'string' ? e.code : '';
  switch (code) {
    case '42501': // insufficient_privilege, including "violates row-level security policy"
      return 'not allowed';
    case '23514':
      return `check failed: ${e.constraint_name ?? 'check constraint'}`;
    case '23502':
      return `missing value: ${e.column_name ?? 'a required column'}`;
    case '23503':
      return `unknown reference: ${e.constraint_name ?? 'foreign key'}`;
    case '23505':
      return `conflict: ${e.constraint_name ?? 'unique constraint'}`;
    case 'P0001': // raised by a trigger or a check function
      return e.message ?? 'refused by the database';
  }
  if (code.startsWith('22')) return `invalid value: ${e.message ?? code}`;
  return null;
}

/** Pull position per table: the last (change time, id) the client has. */
export type Cursor = Record<string, [string, string]>;

/**
 * Where a pull starts: the positions, and the caller's access scope when the
 * cursor was made (a digest of who they are and what they may read). Rows
 * that become readable later (a teacher given a class, an admin's second
 * factor, another person signing in on the phone) keep their old change
 * times, so a cursor is good only for the scope that made it.
 */
export interface PullFrom {
  positions: Cursor;
  scope: string | null;
}

export function encodeCursor(positions: Cursor, scope: string): string {
  const bytes = new TextEncoder().encode(JSON.stringify({ v: 1, p: positions, s: scope }));
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

const CursorSchema = z.object({
  v: z.literal(1),
  p: z.record(z.string(), z.tuple([z.iso.datetime({ offset: true, local: false }), z.string().regex(UUID)])),
  s: z.string().max(64).optional(),
});

/** The cursor, or null when it is not one this server made. A null `since` means from the start. */
export function decodeCursor(since: string | null | undefined): PullFrom | null {
  if (since == null) return { positions: {}, scope: null };
  try {
    const b64 = since.replaceAll('-', '+').replaceAll('_', '/');
    const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    const text = new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    const parsed = CursorSchema.safeParse(JSON.parse(text));
    if (!parsed.success) return null;
    const positions: Cursor = {};
    for (const [table, pos] of Object.entries(parsed.data.p)) if (TABLES_BY_NAME.has(table)) positions[table] = pos;
    return { positions, scope: parsed.data.s ?? null };
  } catch {
    return null;
  }
}

/** The positions to pull from for a caller of this scope: from the start when the cursor was made for another. */
export function positionsFor(from: PullFrom, scope: string): Cursor {
  return from.scope === scope ? from.positions : {};
}

/** Only the readable columns of a pulled row. */
export function pickReadable(spec: TableSpec, row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of spec.readable) if (c in row) out[c] = row[c];
  return out;
}

/** Counts for the audit entry of one push. */
export function summarisePush(mutations: readonly Mutation[], results: readonly MutationResult[]) {
  const counts = { applied: 0, duplicate: 0, rejected: 0 };
  for (const r of results) counts[r.status] += 1;
  const tables = [...new Set(mutations.map((m) => m.table))].filter((t) => TABLES_BY_NAME.has(t)).sort();
  return { mutations: mutations.length, ...counts, tables };
}
