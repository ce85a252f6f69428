/**
 * The SQL that makes a local database look like the school backend: the
 * auth shim (roles, auth.users, auth.uid(), auth.jwt()), the migrations in
 * timestamp order, then seed.sql. Applied files are remembered in
 * `_local_stack.applied`, so a kept data directory only gets what is new.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SUPABASE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'supabase');

export interface SqlFile {
  name: string;
  kind: 'shim' | 'migration' | 'seed';
  sql: string;
}

/** Migration files as the CLI names them (<14-digit timestamp>_<topic>.sql), oldest first. */
export const MIGRATION_NAME = /^\d{14}_[a-z0-9_]+\.sql$/;

/** The files the database tests' harness applies, in the same order. */
export function schemaFiles(supabaseDir = SUPABASE_DIR): SqlFile[] {
  const read = (path: string) => readFileSync(join(supabaseDir, path), 'utf8');
  const files: SqlFile[] = [{ name: 'local/auth-shim.sql', kind: 'shim', sql: read('local/auth-shim.sql') }];
  for (const name of readdirSync(join(supabaseDir, 'migrations')).filter((n) => MIGRATION_NAME.test(n)).sort()) {
    files.push({ name: `migrations/${name}`, kind: 'migration', sql: read(`migrations/${name}`) });
  }
  if (existsSync(join(supabaseDir, 'seed.sql'))) files.push({ name: 'seed.sql', kind: 'seed', sql: read('seed.sql') });
  return files;
}

export interface SqlRunner {
  exec(sql: string): Promise<void>;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** Applies every file not applied before; the seed only into a database that had no migrations yet. Returns the names applied. */
export async function applySchema(db: SqlRunner, files: SqlFile[]): Promise<string[]> {
  await db.exec(`
    create schema if not exists _local_stack;
    create table if not exists _local_stack.applied (name text primary key, applied_at timestamptz not null default now());
  `);
  const done = new Set((await db.query<{ name: string }>('select name from _local_stack.applied')).map((r) => r.name));
  const fresh = done.size === 0;
  const applied: string[] = [];
  for (const file of files) {
    if (done.has(file.name)) continue;
    if (file.kind === 'seed' && !fresh) continue;
    try {
      await db.exec(file.sql);
    } catch (err) {
      throw new Error(`${file.name}: ${(err as Error).message}`, { cause: err });
    }
    await db.query('insert into _local_stack.applied (name) values ($1)', [file.name]);
    applied.push(file.name);
  }
  return applied;
}
