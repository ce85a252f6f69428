/**
 * The prologue every JSON function shares: CORS preflight, POST only, a
 * verified user JWT, a per-user rate limit, a size-capped body checked
 * against a schema, and one place where errors become statuses. What the
 * function does with the caller (as the caller, under row-level security,
 * and its audit entries) stays in its own `run`.
 */
import type { z } from 'zod';
import { bearerToken, type Claims, requireUser, verifyToken } from './auth.ts';
import { recordAuthFailure } from './authFailures.ts';
import { preflight } from './cors.ts';
import { DEFAULT_MAX_BODY_BYTES, errorResponse, HttpError, json, readJson, requireMethod } from './http.ts';
import { createFixedWindowLimiter, enforceRateLimit } from './rateLimit.ts';
import { parseWith } from './validate.ts';

export interface EndpointContext<B> {
  claims: Claims;
  body: B;
  req: Request;
}

/** What `run` may return instead of a Response: a JSON payload and its status. */
export interface Outcome {
  status: number;
  payload: unknown;
}

export interface UserEndpointOptions<S extends z.ZodType> {
  /** The function's name, for the rate-limit key and the error log. */
  name: string;
  rateLimitPerMinute: number;
  schema: S;
  /** Cap on the request body; DEFAULT_MAX_BODY_BYTES (1 MiB) when absent. */
  maxBytes?: number;
  /**
   * Also accept the project's service_role key (scheduled jobs). `run` then
   * gets claims with role 'service_role' and no subject; it must decide
   * what such a caller may do.
   */
  allowServiceRole?: boolean;
  /** Turns a database error into an HTTP one (a 409 for a unique violation, …); null to leave it a 500. */
  mapError?: (err: unknown) => HttpError | null;
  run: (ctx: EndpointContext<z.output<S>>) => Promise<Response | Outcome>;
}

async function verifiedCaller(req: Request, allowServiceRole: boolean): Promise<Claims> {
  if (!allowServiceRole) return await requireUser(req);
  const claims = await verifyToken(bearerToken(req));
  if (claims.role === 'service_role') return claims;
  return await requireUser(req);
}

/** The verified caller; a refusal (401) is also counted in private.auth_failures. */
async function caller(req: Request, name: string, allowServiceRole: boolean): Promise<Claims> {
  try {
    return await verifiedCaller(req, allowServiceRole);
  } catch (err) {
    if (err instanceof HttpError && err.status === 401) await recordAuthFailure(name, err.message);
    throw err;
  }
}

export function userEndpoint<S extends z.ZodType>(options: UserEndpointOptions<S>): (req: Request) => Promise<Response> {
  const limiter = createFixedWindowLimiter({ limit: options.rateLimitPerMinute, windowMs: 60_000 });
  return async (req: Request): Promise<Response> => {
    const early = preflight(req);
    if (early) return early;
    let userId: string | undefined;
    try {
      requireMethod(req, 'POST');
      const claims = await caller(req, options.name, options.allowServiceRole ?? false);
      userId = claims.sub ?? claims.role;
      enforceRateLimit(limiter, `${options.name}:${userId}`);
      const body = parseWith(options.schema, await readJson(req, options.maxBytes ?? DEFAULT_MAX_BODY_BYTES));
      let result: Response | Outcome;
      try {
        result = await options.run({ claims, body, req });
      } catch (err) {
        throw (options.mapError && !(err instanceof HttpError) ? options.mapError(err) : null) ?? err;
      }
      return result instanceof Response ? result : json(result.payload, result.status);
    } catch (err) {
      return errorResponse(err, { fn: options.name, userId });
    }
  };
}
