/**
 * src/api/database.types.ts must be what the migrations give today, so a
 * migration committed without `npm run gen:types` fails here; and the types
 * must say what the schema says, as supabase-js reads them.
 */
import { readFileSync } from 'node:fs';
import type { SupabaseClient } from '@supabase/supabase-js';
import ts from 'typescript';
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { Constants, type Database, type Enums, type Tables, type TablesInsert, type TablesUpdate } from '../src/api/database.types';
import { createTestDatabase, databaseMode, type TestDatabase } from '../supabase/tests/database/harness';
import { introspect, OUTPUT_FILE, renderDatabaseTypes, type PgType, type SchemaSnapshot } from './gen-db-types';

const mode = databaseMode();
if (mode.kind === 'unavailable') console.warn(`Generated type tests skipped: ${mode.reason}`);

/** Syntax errors TypeScript finds in a module's text. */
function syntaxErrors(text: string): string[] {
  const { diagnostics = [] } = ts.transpileModule(text, { reportDiagnostics: true, compilerOptions: { module: ts.ModuleKind.ESNext } });
  return diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe.skipIf(mode.kind === 'unavailable')('database types generated from the migrations', () => {
  let snapshot: SchemaSnapshot;
  let generated: string;
  beforeAll(async () => {
    const db: TestDatabase = await createTestDatabase();
    try {
      snapshot = await introspect(db);
    } finally {
      await db.close();
    }
    generated = renderDatabaseTypes(snapshot);
  });

  it('match the checked-in src/api/database.types.ts', () => {
    const checkedIn = readFileSync(OUTPUT_FILE, 'utf8');
    expect(checkedIn, 'src/api/database.types.ts is out of date: run npm run gen:types').toBe(generated);
  });

  it('render the same text from the same schema, whatever order it was read in', () => {
    const shuffled: SchemaSnapshot = {
      ...snapshot,
      types: [...snapshot.types].reverse(),
      relations: [...snapshot.relations].reverse().map((r) => ({ ...r, columns: [...r.columns].reverse() })),
      foreignKeys: [...snapshot.foreignKeys].reverse(),
      functions: [...snapshot.functions].reverse(),
    };
    expect(renderDatabaseTypes(shuffled)).toBe(generated);
  });

  it('cover every table, enum and callable function in public', () => {
    const tables = snapshot.relations.filter((r) => r.kind === 'table').map((r) => r.name);
    expect(tables).toContain('attendance_marks');
    expect(tables).not.toContain('sync_mutations'); // private schema
    for (const table of tables) expect(generated).toContain(`\n      ${table}: {\n        Row: {`);
    expect(Object.keys(Constants.public.Enums).sort()).toEqual(
      snapshot.types.filter((t) => t.schema === 'public' && t.kind === 'e').map((t) => t.name).sort(),
    );
    // Trigger functions cannot be called through the API, so they are left out.
    expect(generated).toContain('is_teacher_of: {');
    expect(generated).not.toContain('set_updated_at');
  });

  it('list enum values in their declared order', () => {
    expect(Constants.public.Enums.attendance_status).toEqual(['present', 'absent', 'late', 'excused']);
    expect(Constants.public.Enums.notify_on).toEqual(['absence', 'every-mark', 'off']);
  });

  it('give composite foreign keys their columns in order', () => {
    const fk = snapshot.foreignKeys.find((k) => k.name === 'attendance_marks_session_id_school_id_fkey');
    expect(fk).toEqual({
      name: 'attendance_marks_session_id_school_id_fkey',
      relation: 'attendance_marks',
      columns: ['session_id', 'school_id'],
      oneToOne: false,
      referencedRelation: 'sessions',
      referencedColumns: ['id', 'school_id'],
    });
  });

  it('are valid TypeScript', () => {
    expect(syntaxErrors(generated)).toEqual([]);
  });
});

describe('rendering', () => {
  // A schema with what public does not have yet: a view, a composite type,
  // identity and generated columns, overloads, set-returning functions, and
  // an enum from another schema.
  const type = (oid: string, name: string, extra: Partial<PgType> = {}): PgType => ({
    oid, name, schema: 'pg_catalog', kind: 'b', element: '0', base: '0', relation: '0', enumLabels: [], ...extra,
  });
  const column = (name: string, typeOid: string, extra = {}) => ({
    name, type: typeOid, nullable: false, hasDefault: false, identity: '', generated: '', updatable: true, ...extra,
  });
  const snapshot: SchemaSnapshot = {
    schema: 'public',
    types: [
      type('16', 'bool'), type('20', 'int8'), type('25', 'text'), type('1009', '_text', { element: '25' }),
      type('2278', 'void', { kind: 'p' }),
      type('900', 'mood', { schema: 'other', kind: 'e', enumLabels: ['ok', 'meh'] }),
      type('901', '_mood', { schema: 'other', element: '900' }),
      type('902', 'short_text', { schema: 'public', kind: 'd', base: '25' }),
      type('910', 'things', { schema: 'public', kind: 'c', relation: '810' }),
      type('911', 'pair', { schema: 'public', kind: 'c', relation: '811' }),
    ],
    relations: [
      { oid: '810', name: 'things', kind: 'table', updatable: true, columns: [
        column('id', '20', { identity: 'a' }), column('label', '902'), column('tags', '1009', { nullable: true }),
        column('moods', '901', { hasDefault: true }), column('label_length', '20', { generated: 's' }),
      ] },
      { oid: '811', name: 'pair', kind: 'composite', updatable: false, columns: [column('left', '25'), column('right', '25')] },
      { oid: '812', name: 'thing labels', kind: 'view', updatable: true, columns: [
        column('id', '20', { nullable: true, updatable: false }), column('label', '25', { nullable: true }),
      ] },
    ],
    foreignKeys: [],
    functions: [
      { name: 'find', args: [{ name: 'q', type: '25', mode: 'i', hasDefault: false }], returnType: '910', returnsSet: true },
      { name: 'find', args: [{ name: 'n', type: '20', mode: 'i', hasDefault: true }], returnType: '910', returnsSet: true },
      { name: 'touch', args: [], returnType: '2278', returnsSet: false },
      { name: 'pairs', args: [{ name: 'a', type: '25', mode: 't', hasDefault: false }, { name: 'b', type: '20', mode: 't', hasDefault: false }], returnType: '2249', returnsSet: true },
      { name: 'unnamed', args: [{ name: '', type: '25', mode: 'i', hasDefault: false }, { name: '', type: '25', mode: 'i', hasDefault: false }], returnType: '16', returnsSet: false },
    ],
  };
  const text = renderDatabaseTypes(snapshot);

  it('maps columns, defaults, identity and generated columns', () => {
    expect(text).toContain('id?: never'); // generated always as identity
    expect(text).toContain('label_length?: never');
    expect(text).toContain('label: string\n'); // a domain is its base type
    expect(text).toContain('moods?: ("ok" | "meh")[]'); // another schema's enum, inline
    expect(text).toContain('tags: string[] | null');
  });

  it('writes views, composite types and functions', () => {
    expect(text).toContain('"thing labels": {');
    expect(text).toContain('pair: { left: string | null; right: string | null }');
    expect(text).toContain('Args: { n?: number } | { q: string }');
    expect(text).toContain('Returns: { id: number; label: string; label_length: number; moods: ("ok" | "meh")[]; tags: string[] | null }[]');
    expect(text).toContain('Returns: { a: string; b: number }[]');
    expect(text).toContain('Args: Record<PropertyKey, never>\n        Returns: undefined');
    expect(text).not.toContain('unnamed'); // PostgREST cannot call it
  });

  it('is valid TypeScript, also for a schema with nothing in it', () => {
    expect(syntaxErrors(text)).toEqual([]);
    const empty = renderDatabaseTypes({ schema: 'public', types: [], relations: [], foreignKeys: [], functions: [] });
    expect(syntaxErrors(empty)).toEqual([]);
    expect(empty).toContain('Tables: {\n      [_ in never]: never\n    }');
  });
});

// Checked by `npm run typecheck`: what supabase-js makes of the types.
describe('the types as supabase-js reads them', () => {
  it('types rows, inserts, updates and enums', () => {
    expectTypeOf<Tables<'attendance_marks'>['status']>().toEqualTypeOf<'present' | 'absent' | 'late' | 'excused'>();
    expectTypeOf<Enums<'app_role'>>().toEqualTypeOf<'admin' | 'teacher' | 'student' | 'parent'>();
    expectTypeOf<Tables<'attendance_marks'>['confidence']>().toEqualTypeOf<number | null>();
    expectTypeOf<TablesInsert<'attendance_marks'>['student_id']>().toEqualTypeOf<string>();
    expectTypeOf<TablesInsert<'attendance_marks'>['confidence']>().toEqualTypeOf<number | null | undefined>();
    expectTypeOf<TablesUpdate<'sessions'>['starts_at']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Tables<{ schema: 'public' }, 'model_artifacts'>['metrics']>().toEqualTypeOf<Database['public']['Tables']['model_artifacts']['Row']['metrics']>();
  });

  it('types queries, embedded rows and functions', () => {
    const _marks = (client: SupabaseClient<Database>) => client.from('attendance_marks').select('status, students(full_name)').single();
    type Mark = NonNullable<Awaited<ReturnType<typeof _marks>>['data']>;
    expectTypeOf<Mark['status']>().toEqualTypeOf<Enums<'attendance_status'>>();
    expectTypeOf<Mark['students']>().toEqualTypeOf<{ full_name: string }>();
    const _isTeacher = (client: SupabaseClient<Database>) => client.rpc('is_teacher_of', { class_id: '…' });
    expectTypeOf<Awaited<ReturnType<typeof _isTeacher>>['data']>().toEqualTypeOf<boolean | null>();
  });
});
