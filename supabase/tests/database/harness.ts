/**
 * A database for the SQL tests: PGlite in memory by default, or a real
 * Postgres/Supabase server when DATABASE_URL is set (through the `pg`
 * package, when it is installed).
 *
 * PGlite gets supabase/local/auth-shim.sql (the roles, auth schema and
 * auth.uid() a Supabase project already has), every migration in order, and
 * seed.sql. A real server is used as it is when the schema is already there
 * (after `supabase db reset`); an empty one gets the same three steps, the
 * shim only when it has no auth schema of its own.
 *
 * Tests never leave changes behind: asUser() rolls back unless asked not to.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Extensions } from '@electric-sql/pglite';
import { USERS } from '../../local/seed-ids';

const SUPABASE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MIGRATIONS_DIR = join(SUPABASE_DIR, 'migrations');
export const SHIM_FILE = join(SUPABASE_DIR, 'local', 'auth-shim.sql');
export const SEED_FILE = join(SUPABASE_DIR, 'seed.sql');
export const SCENARIO_DIR = dirname(fileURLToPath(import.meta.url));

export type Row = Record<string, unknown>;

export interface QueryResult<T = Row> {
  rows: T[];
  /** Rows inserted, updated or deleted by the statement (0 for a select). */
  affectedRows: number;
}

/** The little the tests need from a connection, over PGlite or `pg`. */
export interface TestDatabase {
  kind: 'pglite' | 'postgres';
  query<T = Row>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
  /** Runs several statements; returns each statement's rows. */
  exec(sql: string): Promise<Row[][]>;
  close(): Promise<void>;
}

export type DatabaseMode =
  | { kind: 'pglite' }
  | { kind: 'postgres'; url: string }
  | { kind: 'unavailable'; reason: string };

/** Where the tests will run, decided once from DATABASE_URL and what is installed. */
export function databaseMode(env: NodeJS.ProcessEnv = process.env): DatabaseMode {
  const url = env.DATABASE_URL;
  if (!url) return { kind: 'pglite' };
  try {
    createRequire(import.meta.url).resolve('pg');
  } catch {
    return {
      kind: 'unavailable',
      reason: 'DATABASE_URL is set but the "pg" package is not installed; install it to test a real server, or unset DATABASE_URL to use PGlite.',
    };
  }
  return { kind: 'postgres', url };
}

export function migrationFiles(): string[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((name) => /^\d{14}_[a-z0-9_]+\.sql$/.test(name))
    .sort()
    .map((name) => join(MIGRATIONS_DIR, name));
}

/** pgTAP scenario files, in their numbered order. */
export function scenarioFiles(): string[] {
  return readdirSync(SCENARIO_DIR)
    .filter((name) => /^\d{3}-[a-z0-9-]+\.sql$/.test(name))
    .sort()
    .map((name) => join(SCENARIO_DIR, name));
}

export interface CreateOptions {
  /** Load pgTAP too (PGlite only; a real server needs `create extension pgtap` itself). */
  pgtap?: boolean;
}

/** A database with the schema and seed applied, per databaseMode(). */
export async function createTestDatabase(options: CreateOptions = {}): Promise<TestDatabase> {
  const mode = databaseMode();
  if (mode.kind === 'unavailable') throw new Error(mode.reason);
  const db = mode.kind === 'pglite' ? await openPglite(options) : await openPostgres(mode.url);
  try {
    await applySchema(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

async function applySchema(db: TestDatabase): Promise<void> {
  const [{ present }] = (await db.query<{ present: boolean }>("select to_regclass('public.schools') is not null as present")).rows;
  if (present) return;
  const [{ hasAuth }] = (await db.query<{ hasAuth: boolean }>("select to_regnamespace('auth') is not null as \"hasAuth\"")).rows;
  if (db.kind === 'pglite' || !hasAuth) await execFile(db, SHIM_FILE);
  for (const file of migrationFiles()) await execFile(db, file);
  await execFile(db, SEED_FILE);
}

export async function execFile(db: TestDatabase, file: string): Promise<void> {
  try {
    await db.exec(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file.slice(SUPABASE_DIR.length + 1)}: ${(error as Error).message}`, { cause: error });
  }
}

/** An empty PGlite with the extensions the migrations use, and nothing applied. */
export async function openPglite(options: CreateOptions = {}): Promise<TestDatabase> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { pgcrypto } = await import('@electric-sql/pglite/contrib/pgcrypto');
  const { citext } = await import('@electric-sql/pglite/contrib/citext');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const extensions: Extensions = { pgcrypto, citext, pg_trgm };
  if (options.pgtap) extensions.pgtap = (await import('@electric-sql/pglite-pgtap')).pgtap;
  const pg = await PGlite.create({ extensions });
  return {
    kind: 'pglite',
    async query<T>(sql: string, params?: unknown[]) {
      const result = await pg.query<T>(sql, params);
      return { rows: result.rows, affectedRows: result.affectedRows ?? 0 };
    },
    async exec(sql: string) {
      return (await pg.exec(sql)).map((result) => result.rows as Row[]);
    },
    close: () => pg.close(),
  };
}

interface PgClient {
  connect(): Promise<void>;
  query(sql: string, params?: unknown[]): Promise<PgResult | PgResult[]>;
  end(): Promise<void>;
}
interface PgResult {
  rows: Row[];
  rowCount: number | null;
  command: string;
}

async function openPostgres(url: string): Promise<TestDatabase> {
  // Loaded by name so that nothing resolves it when it is not installed.
  const moduleName = 'pg';
  const pg = (await import(/* @vite-ignore */ moduleName)) as { default?: { Client: new (config: object) => PgClient }; Client?: new (config: object) => PgClient };
  const Client = pg.default?.Client ?? pg.Client;
  if (!Client) throw new Error('The "pg" package has no Client export.');
  const client = new Client({ connectionString: url });
  await client.connect();
  const affected = (result: PgResult) => (['INSERT', 'UPDATE', 'DELETE', 'MERGE'].includes(result.command) ? (result.rowCount ?? 0) : 0);
  return {
    kind: 'postgres',
    async query<T>(sql: string, params?: unknown[]) {
      const result = (await client.query(sql, params)) as PgResult;
      return { rows: result.rows as T[], affectedRows: affected(result) };
    },
    async exec(sql: string) {
      const result = await client.query(sql);
      return (Array.isArray(result) ? result : [result]).map((r) => r.rows);
    },
    close: () => client.end(),
  };
}

export type ApiRole = 'anon' | 'authenticated' | 'service_role';

export interface AsUserOptions {
  /** Defaults to 'authenticated' for a user and 'anon' for null. */
  role?: ApiRole;
  /** Keep the changes. By default the transaction is rolled back. */
  commit?: boolean;
  /** Extra JWT claims (e.g. app_memberships), merged over the defaults. */
  claims?: Record<string, unknown>;
}

/** The seed's admins: they sign in with a second factor, as admin power requires. */
const SEEDED_ADMINS: ReadonlySet<string> = new Set(Object.values(USERS).filter((u) => u.role === 'admin').map((u) => u.id));

/**
 * The claims PostgREST would put in request.jwt.claims for this caller. A
 * seeded admin's session is aal2 (signed in with a second factor), anyone
 * else's aal1; `extra` overrides either, as `{ aal: 'aal1' }` for an admin
 * who has not entered their code.
 */
export function claimsFor(userId: string | null, role: ApiRole, extra: Record<string, unknown> = {}): Record<string, unknown> {
  if (!userId) return { role, ...extra };
  return { sub: userId, role, aud: 'authenticated', aal: SEEDED_ADMINS.has(userId) ? 'aal2' : 'aal1', ...extra };
}

/**
 * Switches the current transaction to a caller, as PostgREST does for each
 * request: SET LOCAL ROLE and the claims as a transaction-local setting.
 * Only valid inside a transaction.
 */
export async function actAs(db: TestDatabase, userId: string | null, options: Omit<AsUserOptions, 'commit'> = {}): Promise<void> {
  const role = options.role ?? (userId ? 'authenticated' : 'anon');
  await db.query(`set local role ${role}`);
  await db.query("select set_config('request.jwt.claims', $1, true)", [JSON.stringify(claimsFor(userId, role, options.claims))]);
}

/** Runs fn in a transaction as postgres (the migration owner), rolled back unless commit is set. */
export async function inTransaction<T>(db: TestDatabase, fn: (db: TestDatabase) => Promise<T>, commit = false): Promise<T> {
  await db.query('begin');
  try {
    const result = await fn(db);
    await db.query(commit ? 'commit' : 'rollback');
    return result;
  } catch (error) {
    await db.query('rollback');
    throw error;
  }
}

/** Runs fn in a transaction as the given user (null: anon), rolled back unless options.commit. */
export async function asUser<T>(
  db: TestDatabase,
  userId: string | null,
  fn: (db: TestDatabase) => Promise<T>,
  options: AsUserOptions = {},
): Promise<T> {
  return inTransaction(
    db,
    async (tx) => {
      await actAs(tx, userId, options);
      return fn(tx);
    },
    options.commit,
  );
}

/** The message of what fn throws, or null when it succeeds. */
export async function errorOf(fn: () => Promise<unknown>): Promise<string | null> {
  try {
    await fn();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

export const RLS_VIOLATION = /violates row-level security policy/;
export const PERMISSION_DENIED = /permission denied/;

export type Attempt<T = Row> = { ok: true; result: QueryResult<T> } | { ok: false; error: string };

/**
 * One statement inside a savepoint, so a refusal does not abort the
 * surrounding transaction and the test can look at the data afterwards.
 */
export async function attempt<T = Row>(db: TestDatabase, sql: string, params?: unknown[]): Promise<Attempt<T>> {
  await db.query('savepoint attempt');
  try {
    const result = await db.query<T>(sql, params);
    await db.query('release savepoint attempt');
    return { ok: true, result };
  } catch (error) {
    await db.query('rollback to savepoint attempt');
    return { ok: false, error: (error as Error).message };
  }
}
