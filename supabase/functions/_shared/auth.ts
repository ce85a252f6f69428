/**
 * The caller's identity from the bearer JWT. Two kinds of project keys are
 * accepted, as Supabase Auth issues them:
 *   - HS256 tokens signed with the project's legacy JWT secret, read from
 *     JWT_SECRET (what `supabase secrets set` accepts: it refuses names that
 *     start with SUPABASE_) or SUPABASE_JWT_SECRET (the local stack's name);
 *   - ES256/RS256 tokens from the asymmetric signing keys, checked against
 *     SUPABASE_JWKS, which hosted functions receive by default.
 * Anything else, or an expired token, is a 401. A signed-in user's token
 * must also be this project's: issued by its Auth (`iss`: JWT_ISSUER, else
 * SUPABASE_URL's /auth/v1, which hosted functions are given) for the
 * `authenticated` audience, about a user id. Another project's token signed
 * with the same secret is refused.
 */
import { createLocalJWKSet, decodeProtectedHeader, errors, type JSONWebKeySet, jwtVerify, type JWTVerifyResult } from 'jose';
import { HttpError } from './http.ts';

export interface Claims {
  sub: string;
  role: string;
  exp: number;
  email?: string;
  [claim: string]: unknown;
}

export interface VerificationKeys {
  secret?: string;
  jwks?: JSONWebKeySet;
  /** The `iss` of this project's user tokens; without it no user token is trusted. */
  issuer?: string;
}

const USER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const encoder = new TextEncoder();

function unauthorized(message: string): HttpError {
  return new HttpError(401, 'unauthorized', message, { 'WWW-Authenticate': 'Bearer' });
}

export function keysFromEnv(): VerificationKeys {
  const secret = Deno.env.get('JWT_SECRET') || Deno.env.get('SUPABASE_JWT_SECRET') || undefined;
  const jwksText = Deno.env.get('SUPABASE_JWKS');
  const parsed = jwksText ? JSON.parse(jwksText) : undefined;
  // Supabase documents both {"keys": [...]} and a bare array.
  const jwks = Array.isArray(parsed) ? { keys: parsed } : parsed;
  if (!secret && !jwks) throw new Error('None of JWT_SECRET, SUPABASE_JWT_SECRET or SUPABASE_JWKS is set');
  const url = Deno.env.get('SUPABASE_URL');
  const issuer = Deno.env.get('JWT_ISSUER') || (url ? `${url.replace(/\/+$/, '')}/auth/v1` : undefined);
  return { secret, jwks, issuer };
}

export function bearerToken(req: Request): string {
  const header = req.headers.get('Authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw unauthorized('Missing bearer token.');
  return match[1];
}

/** Verified claims of any valid token (anon, authenticated or service_role). */
export async function verifyToken(token: string, keys: VerificationKeys = keysFromEnv()): Promise<Claims> {
  let alg: string | undefined;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw unauthorized('Invalid token.');
  }
  try {
    const options = { requiredClaims: ['exp', 'role'] };
    let result: JWTVerifyResult;
    if (alg === 'HS256' && keys.secret) {
      result = await jwtVerify(token, encoder.encode(keys.secret), { ...options, algorithms: ['HS256'] });
    } else if (alg && alg !== 'HS256' && keys.jwks) {
      result = await jwtVerify(token, createLocalJWKSet(keys.jwks), { ...options, algorithms: ['ES256', 'RS256', 'EdDSA'] });
    } else {
      throw unauthorized('Invalid token.');
    }
    return result.payload as unknown as Claims;
  } catch (err) {
    if (err instanceof HttpError) throw err;
    if (err instanceof errors.JWTExpired) throw unauthorized('Token expired.');
    throw unauthorized('Invalid token.');
  }
}

/**
 * A signed-in user: role `authenticated` with a subject. The anon and
 * service keys are refused here because these functions act for a person.
 */
export async function requireUser(req: Request, keys: VerificationKeys = keysFromEnv()): Promise<Claims> {
  const claims = await verifyToken(bearerToken(req), keys);
  if (claims.role !== 'authenticated' || typeof claims.sub !== 'string' || claims.sub === '') {
    throw unauthorized('A signed-in user is required.');
  }
  if (!keys.issuer) throw new HttpError(500, 'misconfigured', 'The functions do not know their project: set SUPABASE_URL or JWT_ISSUER.');
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (claims.iss !== keys.issuer || !audiences.includes('authenticated') || !USER_ID.test(claims.sub)) throw unauthorized('Invalid token.');
  return claims;
}
