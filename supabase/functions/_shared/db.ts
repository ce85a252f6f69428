/**
 * Database access for the functions. Work done for a user runs in a
 * transaction that becomes that user: `SET LOCAL ROLE authenticated` and the
 * verified JWT claims in `request.jwt.claims`, so `auth.uid()` and every
 * row-level security policy apply exactly as they do through PostgREST.
 * Both settings are transaction-local and vanish at commit or rollback, so a
 * pooled connection never carries one user's identity into the next request.
 */
import postgres from 'postgres';
import type { Claims } from './auth.ts';

export type Sql = postgres.Sql;
export type Tx = postgres.TransactionSql;

let client: Sql | null = null;

/** The shared pool, opened on first use from SUPABASE_DB_URL. */
export function sql(): Sql {
  if (client) return client;
  const url = Deno.env.get('SUPABASE_DB_URL');
  if (!url) throw new Error('SUPABASE_DB_URL is not set');
  client = postgres(url, {
    // Supabase's pooler runs in transaction mode, where named prepared
    // statements do not survive; unnamed ones work everywhere.
    prepare: false,
    max: Number(Deno.env.get('DB_POOL_MAX') ?? 4),
    idle_timeout: 20,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { application_name: 'rollcall-functions' },
  });
  return client;
}

export interface TransactionOptions {
  /** A read-only snapshot: every query in `fn` sees the database as of its first one. */
  readOnly?: boolean;
}

function beginMode(options: TransactionOptions): string {
  return options.readOnly ? 'isolation level repeatable read read only' : 'read write';
}

/** Runs `fn` in one transaction as the caller, under row-level security. */
export function asCaller<T>(claims: Claims, fn: (tx: Tx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  return sql().begin(beginMode(options), async (tx) => {
    await tx.unsafe('set local role authenticated');
    await tx`select set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
    return await fn(tx);
  }) as Promise<T>;
}

/**
 * Runs `fn` in one transaction as the service itself (the connection's own
 * role, which bypasses row-level security). Only for work no user could do
 * under their own rights, such as sending a notification they triggered.
 */
export function asService<T>(fn: (tx: Tx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  return sql().begin(beginMode(options), async (tx) => await fn(tx)) as Promise<T>;
}
