/**
 * What the function tests need from a running local stack: its URLs and
 * secret (from the environment the vitest wrapper or `npm run backend`
 * gives), tokens, a sync caller, and a direct database connection (as the
 * owner, past row-level security) to check what really changed.
 */
import postgres from 'postgres';
import { SignJWT } from 'jose';
import { USERS } from '../../../local/seed-ids.ts';

function required(name: string): string {
  const value = Deno.env.get(name);
  if (!value) {
    throw new Error(
      `${name} is not set. These tests run against the local stack: use \`npx vitest run supabase/functions\`, ` +
        'or start `npm run backend` and set FUNCTIONS_URL, SUPABASE_DB_URL, SUPABASE_JWT_SECRET and JWT_ISSUER from what it prints.',
    );
  }
  return value;
}

export const env = {
  functionsUrl: required('FUNCTIONS_URL').replace(/\/$/, ''),
  dbUrl: required('SUPABASE_DB_URL'),
  jwtSecret: required('SUPABASE_JWT_SECRET'),
  jwtIssuer: required('JWT_ISSUER'),
  rateLimit: Number(Deno.env.get('SYNC_RATE_LIMIT_PER_MINUTE') ?? 60),
};

/** Fixed ids of supabase/seed.sql. */
export { CLASSES, MODEL_ARTIFACTS, SCHOOLS, SESSIONS, STUDENTS, USERS } from '../../../local/seed-ids.ts';

const encoder = new TextEncoder();

export interface TokenOptions {
  role?: string;
  /** Seconds; negative for a token that has already expired. */
  expiresIn?: number;
  secret?: string;
  /**
   * How the user signed in: 'aal2' with a second factor, which admin power
   * requires. By default the seed's admins have one and everyone else not.
   */
  aal?: 'aal1' | 'aal2';
}

const SEEDED_ADMINS = new Set<string>(Object.values(USERS).filter((u) => u.role === 'admin').map((u) => u.id));

export async function tokenFor(
  sub: string | null,
  { role = 'authenticated', expiresIn = 600, secret = env.jwtSecret, aal }: TokenOptions = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const user = sub ? { sub, aud: 'authenticated', iss: env.jwtIssuer, aal: aal ?? (SEEDED_ADMINS.has(sub) ? 'aal2' : 'aal1') } : {};
  const jwt = new SignJWT({ role, ...user })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(now - 60)
    .setExpirationTime(now + expiresIn);
  return await jwt.sign(encoder.encode(secret));
}

export interface Reply<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export async function callFunction<T = Record<string, unknown>>(name: string, token: string | null, body: unknown, init: RequestInit = {}): Promise<Reply<T>> {
  const headers = new Headers(init.headers);
  if (token) headers.set('Authorization', `Bearer ${token}`);
  headers.set('Content-Type', 'application/json');
  const res = await fetch(`${env.functionsUrl}/${name}`, {
    method: 'POST',
    ...init,
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as T };
}

export function callSync<T = Record<string, unknown>>(token: string | null, body: unknown, init: RequestInit = {}): Promise<Reply<T>> {
  return callFunction<T>('sync', token, body, init);
}

export interface MutationInput {
  clientId: string;
  table: string;
  op: 'upsert' | 'delete';
  row: Record<string, unknown>;
  clientUpdatedAt: string;
}

export function mutation(table: string, row: Record<string, unknown>, op: 'upsert' | 'delete' = 'upsert'): MutationInput {
  return { clientId: crypto.randomUUID(), table, op, row, clientUpdatedAt: new Date().toISOString() };
}

export interface SyncResult {
  clientId: string;
  status: 'applied' | 'duplicate' | 'rejected';
  reason?: string;
}

export interface SyncReply {
  results?: SyncResult[];
  changes?: Record<string, Record<string, unknown>[]>;
  cursor?: string;
  hasMore?: boolean;
}

/** Runs `fn` with a connection as the database owner, closed afterwards. */
export async function withDb<T>(fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(env.dbUrl, { prepare: false, max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Every row of every page of a pull from the start, and how many pages it took. */
export async function pullAll(
  token: string,
  limit: number,
): Promise<{ rows: Record<string, Record<string, unknown>[]>; pages: number; cursor: string | null }> {
  const rows: Record<string, Record<string, unknown>[]> = {};
  let cursor: string | null = null;
  for (let pages = 1; pages <= 1000; pages++) {
    const reply: Reply<SyncReply> = await callSync<SyncReply>(token, { pullSince: cursor, limit });
    if (reply.status !== 200) throw new Error(`pull failed: ${reply.status} ${JSON.stringify(reply.body)}`);
    for (const [table, list] of Object.entries(reply.body.changes ?? {})) (rows[table] ??= []).push(...list);
    cursor = reply.body.cursor ?? null;
    if (!reply.body.hasMore) return { rows, pages, cursor };
  }
  throw new Error('pull did not finish in 1000 pages');
}
