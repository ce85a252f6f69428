/**
 * The SQL each planned mutation and pull becomes, built from a TableSpec
 * (tables.ts) and nothing the request names. Values travel as one jsonb
 * parameter; Postgres converts each to its column's type.
 */
import { CURSOR_COLUMN, identityOf, type TableSpec } from './tables.ts';

/** Never changed by an upsert: a row does not move between schools. */
const FIXED_ON_UPDATE = new Set(['id', 'school_id']);

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
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

/**
 * A digest of what decides which rows the caller may read, run as the
 * caller: who they are, their session's assurance level (admin powers need
 * aal2), their memberships, the classes they teach, and the students they
 * are or are a guardian of, with those students' classes. A pull cursor is
 * good only for the scope it was made in (logic.ts, positionsFor).
 */
export const ACCESS_SCOPE_SQL = `select md5(concat_ws('|',
  auth.uid()::text,
  coalesce(auth.jwt() ->> 'aal', 'aal1'),
  (select string_agg(m.school_id::text || ':' || m.role::text, ',' order by m.school_id, m.role) from public.memberships m where m.user_id = auth.uid()),
  (select string_agg(ct.class_id::text, ',' order by ct.class_id) from public.class_teachers ct where ct.user_id = auth.uid()),
  (select string_agg(s.id::text || ':' || s.class_id::text, ',' order by s.id) from public.students s
    where s.user_id = auth.uid()
       or s.id in (select sg.student_id from public.student_guardians sg join public.guardians g on g.id = sg.guardian_id where g.user_id = auth.uid()))
)) as scope`;
