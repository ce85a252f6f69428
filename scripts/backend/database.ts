/**
 * The local database: PGlite (in memory, or kept in a data directory)
 * served over the Postgres wire protocol on 127.0.0.1, with the shim,
 * migrations and seed applied. With DATABASE_URL the stack uses that
 * Postgres as it is instead (for example the one `supabase start` runs).
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { citext } from '@electric-sql/pglite/contrib/citext';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { servePglite, type PgServer } from './pgServer';
import { applySchema, schemaFiles } from './schema';

export interface LocalDatabase {
  /** Connection string for postgres clients (the functions, tests). */
  url: string;
  kind: 'pglite' | 'external';
  /** Files applied at this start. */
  applied: string[];
  /** In-process access to the PGlite database, in turn with the socket clients; absent for an external one. */
  run?: <T>(fn: (db: PGlite) => Promise<T>) => Promise<T>;
  stop(): Promise<void>;
}

export interface DatabaseOptions {
  /** Keep the data here between runs; in memory when absent. */
  dataDir?: string;
  port?: number;
  /** Use this Postgres instead of starting PGlite. */
  databaseUrl?: string;
}

export async function startDatabase(options: DatabaseOptions): Promise<LocalDatabase> {
  if (options.databaseUrl) {
    return { url: options.databaseUrl, kind: 'external', applied: [], stop: async () => {} };
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  // The extensions the shim and migrations create (as the database tests' harness loads them).
  const db = await PGlite.create({ ...(options.dataDir ? { dataDir: options.dataDir } : {}), extensions: { pgcrypto, citext, pg_trgm } });
  let server: PgServer | null = null;
  try {
    const applied = await applySchema(
      {
        exec: async (sql) => {
          await db.exec(sql);
        },
        query: async <T,>(sql: string, params?: unknown[]) => (await db.query<T>(sql, params)).rows,
      },
      schemaFiles(),
    );
    server = await servePglite(db, { port: options.port });
    const { port, turns } = server;
    const running = server;
    return {
      url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
      kind: 'pglite',
      applied,
      run: (fn) => turns.run(fn),
      async stop() {
        await running.stop();
        await db.close();
      },
    };
  } catch (err) {
    await server?.stop();
    await db.close();
    throw err;
  }
}
