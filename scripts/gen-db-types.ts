/**
 * Writes src/api/database.types.ts: the `Database` type supabase-js takes
 * (`createClient<Database>(…)`), in the shape `supabase gen types typescript`
 * emits, read from the schema the migrations build.
 *
 *   npm run gen:types             # PGlite in memory: shim, migrations, seed
 *   npm run gen:types -- --check  # exit 1 if the checked-in file is out of date
 *
 * The CLI itself cannot be installed from the npm registry alone (its package
 * downloads a binary), so this reads pg_catalog the way it does. With
 * DATABASE_URL set, that database is read instead (as the database tests do).
 *
 * Introspection (the only part that queries) and rendering (a pure function
 * of what was read) are separate, and everything is sorted, so the output
 * depends on the schema only.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../supabase/tests/database/harness';

export const OUTPUT_FILE = resolve(import.meta.dirname, '..', 'src', 'api', 'database.types.ts');
const SCHEMA = 'public';

// ---------------------------------------------------------------- what is read

export interface PgType {
  oid: string;
  name: string;
  schema: string;
  /** pg_type.typtype: b base, c composite, d domain, e enum, p pseudo, r range, m multirange. */
  kind: string;
  /** Element type of an array type, else '0'. */
  element: string;
  /** Base type of a domain, else '0'. */
  base: string;
  /** The relation behind a composite type, else '0'. */
  relation: string;
  enumLabels: string[];
}

export interface PgColumn {
  name: string;
  type: string;
  nullable: boolean;
  hasDefault: boolean;
  /** '' none, 'a' generated always as identity, 'd' by default. */
  identity: string;
  /** '' none, 's' a stored generated column. */
  generated: string;
  updatable: boolean;
}

export interface PgRelation {
  oid: string;
  name: string;
  kind: 'table' | 'view' | 'composite';
  /** Views only: insert and update both allowed. */
  updatable: boolean;
  columns: PgColumn[];
}

export interface PgForeignKey {
  name: string;
  relation: string;
  columns: string[];
  /** The referencing columns are the primary key or a unique constraint of their table. */
  oneToOne: boolean;
  referencedRelation: string;
  referencedColumns: string[];
}

export interface PgFunctionArg {
  name: string;
  type: string;
  /** i in, o out, b inout, v variadic, t a column of `returns table`. */
  mode: string;
  hasDefault: boolean;
}

export interface PgFunction {
  name: string;
  args: PgFunctionArg[];
  returnType: string;
  returnsSet: boolean;
}

export interface SchemaSnapshot {
  schema: string;
  types: PgType[];
  relations: PgRelation[];
  foreignKeys: PgForeignKey[];
  functions: PgFunction[];
}

// ------------------------------------------------------------- introspection

/** Reads one schema's tables, views, composite and enum types, foreign keys and functions. */
export async function introspect(db: TestDatabase, schema = SCHEMA): Promise<SchemaSnapshot> {
  const params = [schema];
  const types = (
    await db.query<Omit<PgType, 'enumLabels'>>(`
      select t.oid::text as oid, t.typname::text as name, n.nspname::text as schema, t.typtype::text as kind,
             t.typelem::text as element, t.typbasetype::text as base, t.typrelid::text as relation
      from pg_catalog.pg_type t join pg_catalog.pg_namespace n on n.oid = t.typnamespace`)
  ).rows;
  const labels = (
    await db.query<{ type: string; label: string }>(`
      select e.enumtypid::text as type, e.enumlabel::text as label
      from pg_catalog.pg_enum e order by e.enumtypid, e.enumsortorder`)
  ).rows;
  const labelsByType = groupBy(labels, (l) => l.type);

  const relations = (
    await db.query<{ oid: string; name: string; relkind: string; updatable: boolean }>(
      `
      select c.oid::text as oid, c.relname::text as name, c.relkind::text as relkind,
             (pg_catalog.pg_relation_is_updatable(c.oid, false) & 12) = 12 as updatable
      from pg_catalog.pg_class c
      where c.relnamespace = $1::regnamespace and c.relkind in ('r', 'p', 'f', 'v', 'm', 'c')`,
      params,
    )
  ).rows;
  const columns = (
    await db.query<PgColumn & { relation: string }>(
      `
      select a.attrelid::text as relation, a.attname::text as name, a.atttypid::text as type,
             not a.attnotnull as nullable, a.atthasdef as "hasDefault",
             a.attidentity::text as identity, a.attgenerated::text as generated,
             c.relkind in ('r', 'p', 'f') or pg_catalog.pg_column_is_updatable(c.oid, a.attnum, false) as updatable
      from pg_catalog.pg_attribute a join pg_catalog.pg_class c on c.oid = a.attrelid
      where c.relnamespace = $1::regnamespace and c.relkind in ('r', 'p', 'f', 'v', 'm', 'c')
        and a.attnum > 0 and not a.attisdropped`,
      params,
    )
  ).rows;
  const columnsByRelation = groupBy(columns, (c) => c.relation);

  const foreignKeys = (
    await db.query<PgForeignKey>(
      `
      select con.conname::text as name, src.relname::text as relation, dst.relname::text as "referencedRelation",
             array(select a.attname::text from unnest(con.conkey) with ordinality k(attnum, i)
                   join pg_catalog.pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum order by k.i) as columns,
             array(select a.attname::text from unnest(con.confkey) with ordinality k(attnum, i)
                   join pg_catalog.pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.attnum order by k.i) as "referencedColumns",
             exists (select 1 from pg_catalog.pg_constraint u
                     where u.conrelid = con.conrelid and u.contype in ('p', 'u')
                       and (select array_agg(x order by x) from unnest(u.conkey) x)
                         = (select array_agg(x order by x) from unnest(con.conkey) x)) as "oneToOne"
      from pg_catalog.pg_constraint con
      join pg_catalog.pg_class src on src.oid = con.conrelid
      join pg_catalog.pg_class dst on dst.oid = con.confrelid
      where con.contype = 'f' and src.relnamespace = $1::regnamespace and dst.relnamespace = $1::regnamespace`,
      params,
    )
  ).rows;

  const functions = (
    await db.query<{
      name: string;
      argTypes: string[];
      argModes: string[] | null;
      argNames: string[] | null;
      defaults: number;
      returnType: string;
      returnsSet: boolean;
    }>(
      `
      select p.proname::text as name,
             coalesce(p.proallargtypes, p.proargtypes::oid[])::text[] as "argTypes",
             p.proargmodes::text[] as "argModes", p.proargnames::text[] as "argNames",
             p.pronargdefaults::int as defaults, p.prorettype::text as "returnType", p.proretset as "returnsSet"
      from pg_catalog.pg_proc p
      where p.pronamespace = $1::regnamespace and p.prokind = 'f'
        -- Trigger functions cannot be called through the API.
        and p.prorettype not in ('pg_catalog.trigger'::regtype, 'pg_catalog.event_trigger'::regtype)`,
      params,
    )
  ).rows;

  return {
    schema,
    types: types.map((t) => ({ ...t, enumLabels: (labelsByType.get(t.oid) ?? []).map((l) => l.label) })),
    relations: relations.map((r) => ({
      oid: r.oid,
      name: r.name,
      kind: r.relkind === 'c' ? 'composite' : ['v', 'm'].includes(r.relkind) ? 'view' : 'table',
      updatable: r.updatable,
      columns: (columnsByRelation.get(r.oid) ?? []).map(({ relation: _relation, ...column }) => column),
    })),
    foreignKeys,
    functions: functions.map((f) => {
      const modes = f.argModes ?? f.argTypes.map(() => 'i');
      // pronargdefaults counts the last input arguments.
      const inputs = modes.map((mode, i) => (isInput(mode) ? i : -1)).filter((i) => i >= 0);
      const withDefault = new Set(inputs.slice(inputs.length - f.defaults));
      return {
        name: f.name,
        args: f.argTypes.map((type, i) => ({ name: f.argNames?.[i] ?? '', type, mode: modes[i], hasDefault: withDefault.has(i) })),
        returnType: f.returnType,
        returnsSet: f.returnsSet,
      };
    }),
  };
}

function isInput(mode: string): boolean {
  return mode === 'i' || mode === 'b' || mode === 'v';
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

// ----------------------------------------------------------------- rendering

// Code-point order, so the output does not depend on the locale.
const byName = <T extends { name: string }>(a: T, b: T) => compare(a.name, b.name);
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const quote = (s: string) => JSON.stringify(s);
const key = (s: string) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(s) ? s : quote(s));

const STRING_TYPES = new Set([
  'bpchar', 'bytea', 'char', 'cidr', 'citext', 'date', 'inet', 'interval', 'macaddr', 'name',
  'text', 'time', 'timestamp', 'timestamptz', 'timetz', 'uuid', 'varchar',
]);
const NUMBER_TYPES = new Set(['float4', 'float8', 'int2', 'int4', 'int8', 'numeric', 'oid']);

/** The TypeScript type of a Postgres type, as PostgREST returns it in JSON. */
export function tsTypeOf(oid: string, snapshot: SchemaSnapshot, types = new Map(snapshot.types.map((t) => [t.oid, t]))): string {
  const type = types.get(oid);
  if (!type) return 'unknown';
  if (type.element !== '0' && type.name.startsWith('_')) {
    const element = tsTypeOf(type.element, snapshot, types);
    return /[|&]/.test(element) ? `(${element})[]` : `${element}[]`;
  }
  if (type.kind === 'd') return tsTypeOf(type.base, snapshot, types);
  const inSchema = type.schema === snapshot.schema;
  const ref = (...path: string[]) => `Database[${quote(snapshot.schema)}]${path.map((p) => `[${quote(p)}]`).join('')}`;
  if (type.kind === 'e') {
    return inSchema ? ref('Enums', type.name) : type.enumLabels.map(quote).join(' | ') || 'never';
  }
  if (type.kind === 'c') {
    const relation = snapshot.relations.find((r) => r.oid === type.relation);
    if (!relation || !inSchema) return 'unknown';
    if (relation.kind === 'table') return ref('Tables', relation.name, 'Row');
    if (relation.kind === 'view') return ref('Views', relation.name, 'Row');
    return ref('CompositeTypes', relation.name);
  }
  if (type.name === 'bool') return 'boolean';
  if (NUMBER_TYPES.has(type.name)) return 'number';
  if (STRING_TYPES.has(type.name)) return 'string';
  if (type.name === 'json' || type.name === 'jsonb') return 'Json';
  if (type.name === 'void') return 'undefined';
  if (type.name === 'record') return 'Record<string, unknown>';
  return 'unknown';
}

/** Lines of text with indentation, two spaces a level. */
class Printer {
  private readonly lines: string[] = [];
  private depth = 0;
  line(text = ''): this {
    this.lines.push(text ? '  '.repeat(this.depth) + text : '');
    return this;
  }
  open(text: string): this {
    this.line(text);
    this.depth++;
    return this;
  }
  close(text: string): this {
    this.depth--;
    return this.line(text);
  }
  toString(): string {
    return this.lines.join('\n') + '\n';
  }
}

/** A `{ … }` block of `name: type` members, or `{ [_ in never]: never }` when there are none. */
function block(p: Printer, head: string, members: string[], tail = '}'): void {
  p.open(`${head}{`);
  for (const member of members.length > 0 ? members : ['[_ in never]: never']) p.line(member);
  p.close(tail);
}

/** The whole database.types.ts for one schema. Pure: the same snapshot gives the same text. */
export function renderDatabaseTypes(snapshot: SchemaSnapshot): string {
  const types = new Map(snapshot.types.map((t) => [t.oid, t]));
  const ts = (oid: string) => tsTypeOf(oid, snapshot, types);
  const nullable = (type: string, isNullable: boolean) => (isNullable ? `${type} | null` : type);
  const sortedColumns = (r: PgRelation) => [...r.columns].sort(byName);
  const rowMembers = (r: PgRelation) => sortedColumns(r).map((c) => `${key(c.name)}: ${nullable(ts(c.type), c.nullable)}`);
  const tables = snapshot.relations.filter((r) => r.kind === 'table').sort(byName);
  const views = snapshot.relations.filter((r) => r.kind === 'view').sort(byName);
  const composites = snapshot.relations.filter((r) => r.kind === 'composite').sort(byName);
  const enums = snapshot.types.filter((t) => t.schema === snapshot.schema && t.kind === 'e').sort(byName);

  const p = new Printer();
  p.line('// Generated by `npm run gen:types` (scripts/gen-db-types.ts) from supabase/migrations.');
  p.line('// Do not edit: change a migration and regenerate.');
  p.line();
  p.open('export type Json =');
  for (const member of ['string', 'number', 'boolean', 'null', '{ [key: string]: Json | undefined }', 'Json[]']) p.line(`| ${member}`);
  p.close('');
  p.open('export type Database = {');
  p.open(`${key(snapshot.schema)}: {`);

  p.open('Tables: {');
  if (tables.length === 0) p.line('[_ in never]: never');
  for (const table of tables) {
    p.open(`${key(table.name)}: {`);
    block(p, 'Row: ', rowMembers(table));
    const writable = (c: PgColumn) => c.identity !== 'a' && c.generated === '';
    block(
      p,
      'Insert: ',
      sortedColumns(table).map((c) => {
        if (!writable(c)) return `${key(c.name)}?: never`;
        const optional = c.nullable || c.hasDefault || c.identity !== '';
        return `${key(c.name)}${optional ? '?' : ''}: ${nullable(ts(c.type), c.nullable)}`;
      }),
    );
    block(
      p,
      'Update: ',
      sortedColumns(table).map((c) => (writable(c) ? `${key(c.name)}?: ${nullable(ts(c.type), c.nullable)}` : `${key(c.name)}?: never`)),
    );
    relationships(p, snapshot.foreignKeys.filter((fk) => fk.relation === table.name));
    p.close('}');
  }
  p.close('}');

  p.open('Views: {');
  if (views.length === 0) p.line('[_ in never]: never');
  for (const view of views) {
    p.open(`${key(view.name)}: {`);
    block(p, 'Row: ', rowMembers(view));
    if (view.updatable) {
      const writeMembers = sortedColumns(view).map((c) => (c.updatable ? `${key(c.name)}?: ${ts(c.type)} | null` : `${key(c.name)}?: never`));
      block(p, 'Insert: ', writeMembers);
      block(p, 'Update: ', writeMembers);
    }
    // Relationships through views would need the view's dependencies; the schema has no views yet.
    p.line('Relationships: []');
    p.close('}');
  }
  p.close('}');

  p.open('Functions: {');
  const callable = snapshot.functions.filter((f) => {
    // PostgREST calls functions with named arguments, or a single unnamed one.
    const inputs = f.args.filter((a) => isInput(a.mode));
    return inputs.length === 1 || inputs.every((a) => a.name !== '');
  });
  const overloads = groupBy(callable, (f) => f.name);
  if (overloads.size === 0) p.line('[_ in never]: never');
  for (const name of [...overloads.keys()].sort(compare)) {
    const fns = overloads.get(name)!;
    const argTypes = fns
      .map((f) => {
        const inputs = f.args.filter((a) => isInput(a.mode));
        if (inputs.length === 0) return 'Record<PropertyKey, never>';
        return `{ ${inputs.map((a) => `${key(a.name)}${a.hasDefault ? '?' : ''}: ${ts(a.type)}`).join('; ')} }`;
      })
      .sort(compare);
    p.open(`${key(name)}: {`);
    p.line(`Args: ${argTypes.join(' | ')}`);
    p.line(`Returns: ${returnTypeOf(fns[0], snapshot, ts)}`);
    p.close('}');
  }
  p.close('}');

  block(
    p,
    'Enums: ',
    enums.map((e) => `${key(e.name)}: ${e.enumLabels.map(quote).join(' | ') || 'never'}`),
  );
  block(
    p,
    'CompositeTypes: ',
    composites.map((c) => `${key(c.name)}: { ${sortedColumns(c).map((a) => `${key(a.name)}: ${ts(a.type)} | null`).join('; ')} }`),
  );
  p.close('}');
  p.close('}');
  p.line();
  p.line(HELPER_TYPES);
  p.line();
  p.open('export const Constants = {');
  p.open(`${key(snapshot.schema)}: {`);
  if (enums.length === 0) p.line('Enums: {},');
  else block(p, 'Enums: ', enums.map((e) => `${key(e.name)}: [${e.enumLabels.map(quote).join(', ')}],`), '},');
  p.close('},');
  p.close('} as const');
  return p.toString().replace(/\n{3,}/g, '\n\n');
}

function relationships(p: Printer, foreignKeys: PgForeignKey[]): void {
  if (foreignKeys.length === 0) {
    p.line('Relationships: []');
    return;
  }
  p.open('Relationships: [');
  const sorted = [...foreignKeys].sort(
    (a, b) => compare(a.name, b.name) || compare(a.referencedRelation, b.referencedRelation) || compare(a.referencedColumns.join(), b.referencedColumns.join()),
  );
  for (const fk of sorted) {
    p.open('{');
    p.line(`foreignKeyName: ${quote(fk.name)}`);
    p.line(`columns: [${fk.columns.map(quote).join(', ')}]`);
    p.line(`isOneToOne: ${fk.oneToOne}`);
    p.line(`referencedRelation: ${quote(fk.referencedRelation)}`);
    p.line(`referencedColumns: [${fk.referencedColumns.map(quote).join(', ')}]`);
    p.close('},');
  }
  p.close(']');
}

function returnTypeOf(fn: PgFunction, snapshot: SchemaSnapshot, ts: (oid: string) => string): string {
  const outputs = fn.args.filter((a) => a.mode === 't' || a.mode === 'o' || a.mode === 'b');
  let type: string;
  if (outputs.length > 0 && (outputs.length > 1 || outputs[0].mode === 't')) {
    type = `{ ${outputs.map((a) => `${key(a.name)}: ${ts(a.type)}`).join('; ')} }`;
  } else if (outputs.length === 1) {
    type = ts(outputs[0].type);
  } else {
    const returned = snapshot.types.find((t) => t.oid === fn.returnType);
    const relation = returned && snapshot.relations.find((r) => r.oid === returned.relation && r.kind !== 'composite');
    type = relation
      ? `{ ${[...relation.columns].sort(byName).map((c) => `${key(c.name)}: ${ts(c.type)}${c.nullable ? ' | null' : ''}`).join('; ')} }`
      : ts(fn.returnType);
  }
  return fn.returnsSet ? (/[|&]/.test(type) && !type.startsWith('{') ? `(${type})[]` : `${type}[]`) : type;
}

/**
 * Shorthands with the CLI's names and arguments: Tables<'students'>,
 * TablesInsert<'students'>, TablesUpdate<'students'>, Enums<'app_role'>,
 * CompositeTypes<…>, each also as <{ schema: 'public' }, 'students'>.
 */
const HELPER_TYPES = `type DefaultSchema = Database["public"]
type SchemaOption = { schema: keyof Database }
type RelationsOf<S extends keyof Database> = Database[S]["Tables"] & Database[S]["Views"]
type RowOf<T> = T extends { Row: infer R } ? R : never
type InsertOf<T> = T extends { Insert: infer I } ? I : never
type UpdateOf<T> = T extends { Update: infer U } ? U : never

export type Tables<
  NameOrSchema extends keyof RelationsOf<"public"> | SchemaOption,
  Name extends NameOrSchema extends SchemaOption ? keyof RelationsOf<NameOrSchema["schema"]> : never = never,
> = NameOrSchema extends SchemaOption
  ? RowOf<RelationsOf<NameOrSchema["schema"]>[Name]>
  : NameOrSchema extends keyof RelationsOf<"public">
    ? RowOf<RelationsOf<"public">[NameOrSchema]>
    : never

export type TablesInsert<
  NameOrSchema extends keyof DefaultSchema["Tables"] | SchemaOption,
  Name extends NameOrSchema extends SchemaOption ? keyof Database[NameOrSchema["schema"]]["Tables"] : never = never,
> = NameOrSchema extends SchemaOption
  ? InsertOf<Database[NameOrSchema["schema"]]["Tables"][Name]>
  : NameOrSchema extends keyof DefaultSchema["Tables"]
    ? InsertOf<DefaultSchema["Tables"][NameOrSchema]>
    : never

export type TablesUpdate<
  NameOrSchema extends keyof DefaultSchema["Tables"] | SchemaOption,
  Name extends NameOrSchema extends SchemaOption ? keyof Database[NameOrSchema["schema"]]["Tables"] : never = never,
> = NameOrSchema extends SchemaOption
  ? UpdateOf<Database[NameOrSchema["schema"]]["Tables"][Name]>
  : NameOrSchema extends keyof DefaultSchema["Tables"]
    ? UpdateOf<DefaultSchema["Tables"][NameOrSchema]>
    : never

export type Enums<
  NameOrSchema extends keyof DefaultSchema["Enums"] | SchemaOption,
  Name extends NameOrSchema extends SchemaOption ? keyof Database[NameOrSchema["schema"]]["Enums"] : never = never,
> = NameOrSchema extends SchemaOption
  ? Database[NameOrSchema["schema"]]["Enums"][Name]
  : NameOrSchema extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][NameOrSchema]
    : never

export type CompositeTypes<
  NameOrSchema extends keyof DefaultSchema["CompositeTypes"] | SchemaOption,
  Name extends NameOrSchema extends SchemaOption ? keyof Database[NameOrSchema["schema"]]["CompositeTypes"] : never = never,
> = NameOrSchema extends SchemaOption
  ? Database[NameOrSchema["schema"]]["CompositeTypes"][Name]
  : NameOrSchema extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][NameOrSchema]
    : never`;

// ---------------------------------------------------------------------- shell

/** Builds the schema (per the database tests' harness) and renders its types. */
export async function generateDatabaseTypes(): Promise<string> {
  const db = await createTestDatabase();
  try {
    return renderDatabaseTypes(await introspect(db));
  } finally {
    await db.close();
  }
}

async function main(args: string[]): Promise<number> {
  const check = args.includes('--check');
  const text = await generateDatabaseTypes();
  const current = await readFile(OUTPUT_FILE, 'utf8').catch(() => null);
  const name = relative(process.cwd(), OUTPUT_FILE);
  if (check) {
    if (current === text) return 0;
    console.error(`${name} is out of date: run npm run gen:types.`);
    return 1;
  }
  if (current === text) {
    console.log(`${name} is up to date.`);
  } else {
    await writeFile(OUTPUT_FILE, text);
    console.log(`Wrote ${name}.`);
  }
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  process.exitCode = await main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  });
}
