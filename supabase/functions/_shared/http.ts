/**
 * JSON responses and the one place errors become HTTP statuses. Handlers
 * throw HttpError for what the caller got wrong; anything else is logged and
 * answered with a bare 500 so internals never reach the client.
 */
import { corsHeaders } from './cors.ts';
import { log } from './log.ts';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, 'Content-Type': 'application/json; charset=utf-8', ...headers },
  });
}

/** `{ error, message }` with the status the error asks for; unknown errors are logged and hidden. */
export function errorResponse(err: unknown, context: Record<string, unknown> = {}): Response {
  if (err instanceof HttpError) {
    return json({ error: err.code, message: err.message }, err.status, err.headers);
  }
  log.error('unhandled error', { ...context, error: err });
  return json({ error: 'internal', message: 'Something went wrong on the server.' }, 500);
}

/** Default cap on a request body; functions that take uploads pass their own. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

async function readText(req: Request, maxBytes: number): Promise<string> {
  const declared = Number(req.headers.get('Content-Length') ?? NaN);
  if (declared > maxBytes) throw new HttpError(413, 'too_large', `body: larger than ${maxBytes} bytes`);
  if (!req.body) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  // Counted as it arrives: a missing or false Content-Length cannot get more in.
  for await (const chunk of req.body) {
    total += chunk.length;
    if (total > maxBytes) throw new HttpError(413, 'too_large', `body: larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  const joined = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    joined.set(c, at);
    at += c.length;
  }
  return new TextDecoder().decode(joined);
}

/** The request body as JSON; 400 when it is missing or not JSON, 413 when too large. */
export async function readJson(req: Request, maxBytes = DEFAULT_MAX_BODY_BYTES): Promise<unknown> {
  const text = await readText(req, maxBytes);
  if (text.trim() === '') throw new HttpError(400, 'bad_request', 'body: expected a JSON object');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'bad_request', 'body: not valid JSON');
  }
  // Postgres text cannot hold NUL: refused here, it is the caller's mistake (400), not a failed query (500).
  if (holdsNul(body)) throw new HttpError(400, 'bad_request', 'body: text may not contain NUL characters');
  return body;
}

function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(holdsNul);
  if (value && typeof value === 'object') return Object.entries(value).some(([k, v]) => k.includes('\u0000') || holdsNul(v));
  return false;
}

export function requireMethod(req: Request, ...methods: string[]): void {
  if (!methods.includes(req.method)) {
    throw new HttpError(405, 'method_not_allowed', `Use ${methods.join(' or ')}.`, { Allow: methods.join(', ') });
  }
}
