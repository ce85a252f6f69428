/**
 * HS256 tokens for the local stack, signed the way GoTrue signs them. The
 * secret is the Supabase CLI's well-known local default, so the anon key
 * printed here is byte-for-byte the one `supabase start` prints.
 */
import { createHmac } from 'node:crypto';

export const LOCAL_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';

/** The `iss` of the local stack's user tokens, as GoTrue sets it (`<project url>/auth/v1`); the functions accept no other. */
export const LOCAL_JWT_ISSUER = 'http://127.0.0.1/auth/v1';

/** Expiry of the CLI's demo anon and service keys (2032-11-14). */
const DEMO_KEY_EXP = 1983812996;

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

export function signJwt(payload: Record<string, unknown>, secret = LOCAL_JWT_SECRET): string {
  const head = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = base64url(JSON.stringify(payload));
  const signature = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${signature}`;
}

export function anonKey(secret = LOCAL_JWT_SECRET): string {
  return signJwt({ iss: 'supabase-demo', role: 'anon', exp: DEMO_KEY_EXP }, secret);
}

export function serviceRoleKey(secret = LOCAL_JWT_SECRET): string {
  return signJwt({ iss: 'supabase-demo', role: 'service_role', exp: DEMO_KEY_EXP }, secret);
}

export interface UserTokenOptions {
  sub: string;
  email?: string;
  /** Seconds from now; negative makes an already expired token. */
  expiresIn?: number;
  /** 'aal2' for a session signed in with a second factor, which admin power requires; 'aal1' by default. */
  aal?: 'aal1' | 'aal2';
  /** More claims, such as the hook's app_memberships. */
  claims?: Record<string, unknown>;
  secret?: string;
  now?: number;
}

/** A signed-in user's access token, with the claims GoTrue puts in one. */
export function userToken({ sub, email, expiresIn = 24 * 3600, aal = 'aal1', claims = {}, secret = LOCAL_JWT_SECRET, now = Date.now() }: UserTokenOptions): string {
  const iat = Math.floor(now / 1000);
  return signJwt(
    {
      iss: LOCAL_JWT_ISSUER,
      aud: 'authenticated',
      sub,
      email,
      role: 'authenticated',
      aal,
      app_metadata: { provider: 'email', providers: ['email'] },
      user_metadata: {},
      ...claims,
      iat,
      exp: iat + expiresIn,
    },
    secret,
  );
}
