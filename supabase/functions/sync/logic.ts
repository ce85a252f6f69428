/**
 * The decisions of `sync`, free of I/O: which tables and columns a client
 * may touch, the SQL each mutation becomes, how a database refusal reads to
 * the client, and the pull cursor. Identifiers in the SQL come only from
 * SYNC_TABLES, never from the request.
 */
import { z } from 'zod';

export type Op = 'upsert' | 'delete';

export interface TableSpec {
  name: string;
  /** Columns a client may write; `id` (the client's UUID) is always one. */
  writable: readonly string[];
  /** Columns sent back on pull. */
  readable: readonly string[];
  /**
   * Columns the server fills when the client leaves them out, as SQL over
   * the incoming row `r` (school_id follows from the class, session or mark).
   */
  derived?: Readonly<Record<string, string>>;
  /** Deletes set this column (a tombstone that pulls carry); null when rows cannot be deleted through sync. */
  tombstoneColumn: string | null;
  /** Rows are written once and never changed (logs). */
  appendOnly: boolean;
  /**
   * When an upsert may replace a stored row, in terms of the stored row `t`
   * and the incoming `excluded`. Without one, the last write to arrive wins.
   */
  replaceWhen?: string;
  /** What the client is told when `replaceWhen` keeps the stored row. */
  explainKept?: (stored: Record<string, unknown>, incoming: Record<string, unknown>) => string;
  /** Per column, what an update sets instead of the incoming value (in terms of `t` and `excluded`). */
  mergeSet?: Readonly<Record<string, string>>;
  /**
   * How a push writes the table: 'upsert' (the default) inserts or
   * replaces; 'update' only changes a row that exists (nobody may create
   * one through sync, and an insert's policy would refuse even the
   * update); 'none': pulled only, changed through a function.
   */
  write?: 'upsert' | 'update' | 'none';
  /**
   * The columns that say which row an upsert is about (default: id). A
   * mark is the student's in the session whatever id a device gave it, so
   * two devices' marks, or a mark written again after a clear, are one row.
   */
  identity?: readonly string[];
  /**
   * Columns every upsert writes, with their value when a row leaves them
   * out: a row queued by an older app, without `cleared_at`, must not leave
   * a stored clear in place under a mark it replaces.
   */
  fill?: Readonly<Record<string, unknown>>;
}

/** The columns naming a table's row (TableSpec.identity). */
export function identityOf(spec: TableSpec): readonly string[] {
  return spec.identity ?? ['id'];
}

/**
 * Which mark stands when one arrives (`excluded`) for a student who has one
 * stored (`t`): the decision table of src/sync/mergeMarks.ts (decideMark),
 * in SQL. A clear (cleared_at set) is a change like any other:
 * - a manual mark beats an automatic one, and of two manual marks (clears
 *   by hand included) the later marked stands;
 * - a sighting after a person's clear brings the student back, whichever
 *   arrives first; one from before it does not;
 * - an automatic clear ("not this student") takes back the sighting it is
 *   about, the stored one with its time, and nothing another sighting made;
 * - a sighting replaces a cleared automatic mark, and two sightings merge:
 *   the earliest one's status and time, the highest confidence; an
 *   automatic absence (left by finalising) gives way to a sighting,
 *   whatever their times.
 */
const BOTH_LIVE_AUTO = `(t.source = 'auto' and excluded.source = 'auto' and t.cleared_at is null and excluded.cleared_at is null)`;
const STORED_FIRST =
  `${BOTH_LIVE_AUTO} and case when (t.status = 'absent') <> (excluded.status = 'absent') then excluded.status = 'absent' else t.marked_at <= excluded.marked_at end`;
// Devices hold times to the millisecond; a time the server set (the clock bound) may carry microseconds.
const SAME_SIGHTING = `date_trunc('milliseconds', t.marked_at) = date_trunc('milliseconds', excluded.marked_at)`;
const MARK_REPLACES = [
  `case`,
  `when excluded.source = 'manual' and t.source = 'auto' then excluded.cleared_at is null or t.cleared_at is not null or t.marked_at <= excluded.marked_at`,
  `when excluded.source = 'manual' then t.marked_at <= excluded.marked_at`,
  `when t.source = 'manual' then excluded.cleared_at is null and t.cleared_at is not null and excluded.marked_at > t.marked_at`,
  `when excluded.cleared_at is not null then ${SAME_SIGHTING}`,
  `else true end`,
].join(' ');

/** Every synced table is stamped by a trigger (set_updated_at); pulls page on it. */
export const CURSOR_COLUMN = 'updated_at';

/** Never changed by an upsert: a row does not move between schools. */
const FIXED_ON_UPDATE = new Set(['id', 'school_id']);

const SCHOOL_OF_CLASS = 'public.school_of_class(r.class_id)';
const SCHOOL_OF_SESSION = 'public.school_of_class(public.class_of_session(r.session_id))';

/** What a school decides (20261122009300_school_settings.sql); admins change them, every member reads them. */
const SCHOOL_SETTINGS = ['keep_face_crops', 'sync_face_templates', 'retention_days', 'auto_mark_confidence', 'present_sms_confidence', 'late_after_minutes'];

/** Tables in pull order: parents before children, so a client can apply a page in order. */
export const SYNC_TABLES: readonly TableSpec[] = [
  {
    name: 'schools',
    writable: ['id', ...SCHOOL_SETTINGS],
    readable: ['id', 'name', ...SCHOOL_SETTINGS, 'created_at', 'updated_at'],
    tombstoneColumn: null,
    appendOnly: false,
    write: 'update',
  },
  {
    name: 'classes',
    writable: ['id', 'school_id', 'name', 'late_after_minutes', 'default_country'],
    readable: ['id', 'school_id', 'name', 'late_after_minutes', 'default_country', 'created_at', 'updated_at', 'deleted_at'],
    tombstoneColumn: 'deleted_at',
    appendOnly: false,
  },
  {
    name: 'students',
    writable: ['id', 'class_id', 'roll_no', 'full_name', 'email'],
    // biometrics_erased_at: the server erased the student's face data then; devices delete theirs.
    readable: ['id', 'school_id', 'class_id', 'roll_no', 'full_name', 'email', 'biometrics_erased_at', 'created_at', 'updated_at', 'deleted_at'],
    derived: { school_id: SCHOOL_OF_CLASS },
    tombstoneColumn: 'deleted_at',
    appendOnly: false,
  },
  {
    name: 'sessions',
    // taken_by is always the caller (its default, auth.uid()), never what a device claims.
    writable: ['id', 'class_id', 'starts_at', 'mode', 'faces_detected', 'photos', 'device', 'finalised_at'],
    readable: [
      'id',
      'school_id',
      'class_id',
      'starts_at',
      'taken_by',
      'mode',
      'faces_detected',
      'photos',
      'device',
      'finalised_at',
      'created_at',
      'updated_at',
      'deleted_at',
    ],
    derived: { school_id: SCHOOL_OF_CLASS },
    tombstoneColumn: 'deleted_at',
    appendOnly: false,
  },
  {
    name: 'attendance_marks',
    writable: ['id', 'session_id', 'student_id', 'status', 'source', 'confidence', 'marked_at', 'device', 'cleared_at'],
    readable: ['id', 'school_id', 'session_id', 'student_id', 'status', 'source', 'confidence', 'marked_at', 'device', 'cleared_at', 'created_at', 'updated_at'],
    derived: { school_id: SCHOOL_OF_SESSION },
    // A mark is corrected or cleared, never removed: its row and the audit log keep what happened.
    tombstoneColumn: null,
    appendOnly: false,
    identity: ['session_id', 'student_id'],
    fill: { cleared_at: null },
    replaceWhen: MARK_REPLACES,
    mergeSet: {
      status: `case when ${STORED_FIRST} then t.status else excluded.status end`,
      device: `case when ${STORED_FIRST} then t.device else excluded.device end`,
      marked_at: `case when ${STORED_FIRST} then t.marked_at else excluded.marked_at end`,
      confidence: `case when ${BOTH_LIVE_AUTO} then greatest(t.confidence, excluded.confidence) else excluded.confidence end`,
    },
    explainKept: (stored, incoming) => {
      if (stored.source === 'manual' && incoming.source !== 'manual') return 'kept: a manual mark wins over an automatic one';
      if (incoming.cleared_at != null && incoming.source !== 'manual') return 'kept: another sighting still shows the student';
      return 'stale: a later mark exists';
    },
  },
  {
    name: 'recognition_events',
    writable: ['id', 'session_id', 'at', 'student_id', 'confidence', 'device', 'box', 'reason', 'recognition_ms'],
    readable: ['id', 'school_id', 'session_id', 'at', 'student_id', 'confidence', 'device', 'box', 'reason', 'recognition_ms', 'created_at', 'updated_at'],
    derived: { school_id: SCHOOL_OF_SESSION },
    tombstoneColumn: null,
    appendOnly: true,
  },
  {
    // Opened here by a student or parent; closed through the reviews function.
    name: 'disputes',
    writable: ['id', 'mark_id', 'reason', 'requested_status'],
    readable: [
      'id',
      'school_id',
      'mark_id',
      'opened_by',
      'reason',
      'requested_status',
      'status',
      'corrected_status',
      'resolution',
      'resolved_by',
      'resolved_at',
      'created_at',
      'updated_at',
    ],
    derived: { school_id: 'public.school_of_class(public.class_of_mark(r.mark_id))' },
    tombstoneColumn: null,
    appendOnly: false,
  },
  {
    // Given and withdrawn through the privacy function; pulled so devices erase face data on a withdrawal.
    name: 'consents',
    writable: [],
    readable: ['id', 'school_id', 'student_id', 'guardian_id', 'given_by', 'method', 'notice_version', 'given_at', 'withdrawn_at', 'created_at', 'updated_at'],
    tombstoneColumn: null,
    appendOnly: false,
    write: 'none',
  },
  {
    // Recorded by notify's SMS webhook, decided through the reviews function.
    name: 'excuse_requests',
    writable: [],
    readable: [
      'id',
      'school_id',
      'mark_id',
      'student_id',
      'guardian_id',
      'notification_id',
      'reason',
      'message',
      'status',
      'decided_by',
      'decided_at',
      'decision_note',
      'created_at',
      'updated_at',
    ],
    tombstoneColumn: null,
    appendOnly: false,
    write: 'none',
  },
];

export const TABLES_BY_NAME: ReadonlyMap<string, TableSpec> = new Map(SYNC_TABLES.map((t) => [t.name, t]));

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
export type SyncRequest = z.infer<typeof SyncRequestSchema>;

export type MutationResult =
  | { clientId: string; status: 'applied' }
  | { clientId: string; status: 'duplicate' }
  | { clientId: string; status: 'rejected'; reason: string; current?: Record<string, unknown> };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

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
 * `insert … select from jsonb_populate_record` lets Postgres convert every
 * JSON value to its column's type; the row is one jsonb parameter ($1).
 * An upsert carries the whole row: columns it leaves out get their default
 * on insert and keep their stored value on update. A tombstoned row stays
 * deleted. Returns the row's id and school when it was written, nothing
 * when the stored row was kept. With `many`, $1 is a JSON array of rows
 * with distinct ids, written by one statement.
 */
export function upsertSql(spec: TableSpec, columns: readonly string[], many = false): string {
  const table = `public.${quoteIdent(spec.name)}`;
  const source = many ? `jsonb_populate_recordset(null::${table}, $1::jsonb)` : `jsonb_populate_record(null::${table}, $1::jsonb)`;
  if (spec.write === 'update') {
    // Only rows that exist and the caller may change; the school is the row's own id (schools).
    const sets = columns.filter((c) => !FIXED_ON_UPDATE.has(c)).map((c) => `${quoteIdent(c)} = r.${quoteIdent(c)}`);
    const assignments = sets.length > 0 ? sets.join(', ') : 'id = t.id';
    const school = spec.name === 'schools' ? 't.id' : 't.school_id';
    return `update ${table} as t set ${assignments} from ${source} r where t.id = r.id returning t.id, ${school} as school_id`;
  }
  const derived = Object.entries(spec.derived ?? {}).filter(([c]) => !columns.includes(c));
  const insertCols = [...columns, ...derived.map(([c]) => c)].map(quoteIdent).join(', ');
  const selectExprs = [...columns.map((c) => `r.${quoteIdent(c)}`), ...derived.map(([, expr]) => expr)].join(', ');
  let sql = `insert into ${table} as t (${insertCols}) select ${selectExprs} from ${source} r`;

  const updates = columns.filter((c) => !FIXED_ON_UPDATE.has(c)).map((c) => `${quoteIdent(c)} = ${spec.mergeSet?.[c] ?? `excluded.${quoteIdent(c)}`}`);
  const target = identityOf(spec).map(quoteIdent).join(', ');
  const returning = `returning ${['id', 'school_id', ...identityOf(spec).filter((c) => c !== 'id')].map((c) => `t.${quoteIdent(c)}`).join(', ')}`;
  if (spec.appendOnly || updates.length === 0) return `${sql} on conflict (${target}) do nothing ${returning}`;

  const conditions: string[] = [];
  if (spec.tombstoneColumn) conditions.push(`t.${quoteIdent(spec.tombstoneColumn)} is null`);
  if (spec.replaceWhen) conditions.push(`(${spec.replaceWhen})`);
  sql += ` on conflict (${target}) do update set ${updates.join(', ')}`;
  if (conditions.length > 0) sql += ` where ${conditions.join(' and ')}`;
  return `${sql} ${returning}`;
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

/** Tombstones the row ($1 = id); returns it when the caller could see and change it. */
export function deleteSql(spec: TableSpec): string {
  const tomb = quoteIdent(spec.tombstoneColumn!);
  return `update public.${quoteIdent(spec.name)} set ${tomb} = coalesce(${tomb}, now()) where id = $1::uuid returning id, school_id`;
}

/** The stored row with the incoming row's identity ($1 = the row as JSON), as the caller sees it, to explain a kept upsert. */
export function storedRowSql(spec: TableSpec): string {
  const table = `public.${quoteIdent(spec.name)}`;
  const same = identityOf(spec).map((c) => `t.${quoteIdent(c)} = r.${quoteIdent(c)}`).join(' and ');
  return `select to_jsonb(t) as row from ${table} t, jsonb_populate_record(null::${table}, $1::jsonb) r where ${same}`;
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

export function encodeCursor(cursor: Cursor): string {
  const bytes = new TextEncoder().encode(JSON.stringify({ v: 1, p: cursor }));
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

const CursorSchema = z.object({
  v: z.literal(1),
  p: z.record(z.string(), z.tuple([z.iso.datetime({ offset: true, local: false }), z.string().regex(UUID)])),
});

/** The cursor, or null when it is not one this server made. A null `since` means from the start. */
export function decodeCursor(since: string | null | undefined): Cursor | null {
  if (since == null) return {};
  try {
    const b64 = since.replaceAll('-', '+').replaceAll('_', '/');
    const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    const text = new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    const parsed = CursorSchema.safeParse(JSON.parse(text));
    if (!parsed.success) return null;
    const cursor: Cursor = {};
    for (const [table, pos] of Object.entries(parsed.data.p)) if (TABLES_BY_NAME.has(table)) cursor[table] = pos;
    return cursor;
  } catch {
    return null;
  }
}

/**
 * Rows of one table after a position, oldest first, as JSON (full
 * microsecond timestamps, unlike a JS Date). $1/$2: position or nulls; $3: limit.
 */
export function pullSql(spec: TableSpec): string {
  const table = `public.${quoteIdent(spec.name)}`;
  const col = `t.${quoteIdent(CURSOR_COLUMN)}`;
  return (
    `select to_jsonb(t) as row from ${table} t ` +
    `where $1::timestamptz is null or (${col}, t.id) > ($1::timestamptz, $2::uuid) ` +
    `order by ${col}, t.id limit $3`
  );
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
