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

/** The request body as JSON; 400 when it is missing or not JSON. */
export async function readJson(req: Request): Promise<unknown> {
  const text = await req.text();
  if (text.trim() === '') throw new HttpError(400, 'bad_request', 'body: expected a JSON object');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'bad_request', 'body: not valid JSON');
  }
}

export function requireMethod(req: Request, ...methods: string[]): void {
  if (!methods.includes(req.method)) {
    throw new HttpError(405, 'method_not_allowed', `Use ${methods.join(' or ')}.`, { Allow: methods.join(', ') });
  }
}
