/**
 * Local only: what the auth stand-in's endpoints share — GoTrue's reply and
 * error shapes, the user as GoTrue returns it (with its MFA factors), and
 * sessions: access tokens with the claims GoTrue builds, passed through the
 * project's custom access token hook, and rotating refresh tokens that keep
 * the session's assurance level (aal1 after a password or code, aal2 after a
 * second factor). Refresh tokens live in memory.
 */
import { SignJWT } from 'jose';
import type postgres from 'postgres';
import { asService } from '../_shared/db.ts';
import { corsHeaders } from '../_shared/cors.ts';
import type { Claims } from '../_shared/auth.ts';

const encoder = new TextEncoder();

export type Aal = 'aal1' | 'aal2';
export interface AuthMethod {
  method: string;
  timestamp: number;
}
interface HeldSession {
  userId: string;
  sessionId: string;
  aal: Aal;
  amr: AuthMethod[];
}
export const refreshTokens = new Map<string, HeldSession>();

export interface AuthUser {
  id: string;
  email: string | null;
  phone: string | null;
  raw_app_meta_data: Record<string, unknown> | null;
  raw_user_meta_data: Record<string, unknown> | null;
  email_confirmed_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface FactorRow {
  id: string;
  friendly_name: string | null;
  factor_type: string;
  status: 'verified' | 'unverified';
  secret: string;
  created_at: string;
  updated_at: string;
}

const headers = {
  ...corsHeaders,
  'Access-Control-Allow-Headers': 'authorization, x-client-info, apikey, content-type, x-supabase-api-version',
  'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE, OPTIONS',
  'Content-Type': 'application/json',
};

export function preflight(): Response {
  return new Response('ok', { headers });
}

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers });
}

/** GoTrue's error shape, which supabase-js turns into AuthApiError. */
export function authError(status: number, code: string, message: string): Response {
  return json({ code: status, error_code: code, msg: message, error: code, error_description: message }, status);
}

export function noContent(): Response {
  return new Response(null, { status: 204, headers });
}

function expirySeconds(): number {
  return Number(Deno.env.get('LOCAL_AUTH_JWT_EXPIRY') ?? 3600);
}

export async function factorsOf(userId: string): Promise<FactorRow[]> {
  const rows = await asService((tx) =>
    tx`select id, friendly_name, factor_type::text as factor_type, status::text as status, secret, created_at, updated_at
         from auth.mfa_factors where user_id = ${userId} order by created_at`
  );
  return rows as unknown as FactorRow[];
}

async function userJson(u: AuthUser) {
  const factors = await factorsOf(u.id);
  return {
    id: u.id,
    aud: 'authenticated',
    role: 'authenticated',
    email: u.email ?? '',
    phone: u.phone ?? '',
    email_confirmed_at: u.email_confirmed_at,
    app_metadata: u.raw_app_meta_data ?? {},
    user_metadata: u.raw_user_meta_data ?? {},
    identities: [],
    // As GoTrue lists them: never the secret.
    factors: factors.map(({ secret: _secret, ...f }) => f),
    created_at: u.created_at,
    updated_at: u.updated_at,
  };
}

export async function userReply(u: AuthUser): Promise<Response> {
  return json(await userJson(u));
}

const USER_COLUMNS = 'id, email, phone, raw_app_meta_data, raw_user_meta_data, email_confirmed_at, created_at, updated_at';

export async function findUser(where: 'id' | 'email' | 'phone', value: string): Promise<AuthUser | null> {
  const rows = await asService((tx) => tx.unsafe(`select ${USER_COLUMNS} from auth.users where ${where} = $1`, [value]));
  return (rows[0] as unknown as AuthUser) ?? null;
}

export async function checkPassword(email: string, password: string): Promise<AuthUser | null> {
  const rows = await asService((tx) =>
    tx.unsafe(
      `select ${USER_COLUMNS} from auth.users
        where lower(email) = lower($1) and encrypted_password is not null
          and encrypted_password = extensions.crypt($2, encrypted_password)`,
      [email, password],
    )
  );
  return (rows[0] as unknown as AuthUser) ?? null;
}

export interface SessionOptions {
  sessionId?: string;
  aal?: Aal;
  /** The methods used so far in this session, newest first, as GoTrue lists them. */
  amr?: AuthMethod[];
}

/** Claims as GoTrue builds them, then the project's custom access token hook, as GoTrue calls it. */
export async function issueSession(user: AuthUser, method: string, options: SessionOptions = {}) {
  const now = Math.floor(Date.now() / 1000);
  const exp = now + expirySeconds();
  const sessionId = options.sessionId ?? crypto.randomUUID();
  const aal = options.aal ?? 'aal1';
  const amr = options.amr ?? [{ method, timestamp: now }];
  const claims = {
    aud: 'authenticated',
    exp,
    iat: now,
    iss: Deno.env.get('JWT_ISSUER') ?? 'http://127.0.0.1/auth/v1',
    sub: user.id,
    email: user.email ?? '',
    phone: user.phone ?? '',
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    role: 'authenticated',
    aal,
    amr,
    session_id: sessionId,
    is_anonymous: false,
  };
  const [row] = await asService((tx) =>
    tx`select public.custom_access_token_hook(${
      tx.json({ user_id: user.id, claims, authentication_method: method } as unknown as postgres.JSONValue)
    }) as result`
  );
  const hooked = (row.result as { claims?: Record<string, unknown> }).claims ?? claims;
  const secret = Deno.env.get('SUPABASE_JWT_SECRET') ?? Deno.env.get('JWT_SECRET');
  if (!secret) throw new Error('SUPABASE_JWT_SECRET is not set');
  const accessToken = await new SignJWT(hooked).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(encoder.encode(secret));
  const refreshToken = crypto.randomUUID().replaceAll('-', '');
  refreshTokens.set(refreshToken, { userId: user.id, sessionId, aal, amr });
  return {
    access_token: accessToken,
    token_type: 'bearer',
    expires_in: expirySeconds(),
    expires_at: exp,
    refresh_token: refreshToken,
    user: await userJson(user),
  };
}

/** The signed-in user behind the request's bearer token, with the token's claims. */
export async function bearer(req: Request): Promise<{ user: AuthUser; claims: Claims } | null> {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.get('Authorization') ?? '');
  if (!match) return null;
  const { verifyToken } = await import('../_shared/auth.ts');
  try {
    const claims = await verifyToken(match[1]);
    const user = claims.role === 'authenticated' ? await findUser('id', claims.sub) : null;
    return user ? { user, claims } : null;
  } catch {
    return null;
  }
}
