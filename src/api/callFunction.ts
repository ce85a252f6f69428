/**
 * One call to a school server function, with its outcome in the three kinds
 * every caller acts on. Offline: no answer, or the server too busy to decide
 * (5xx, 429), so nothing was decided and the same call can go again later.
 * Refused: any other status; sending the same call again won't help. The
 * HTTP Response comes back too (supabase-js gives it on success and, as
 * error.context, on an HTTP error) so sync can read the server's clock.
 */

/** What `functions.invoke` gives back, as supabase-js does. */
export interface FunctionsAnswer {
  data: unknown;
  error: unknown;
  response?: Response;
}

/** Anything shaped like supabase-js for calling edge functions: the app's client, the service worker's fetch client, a test's wrapper. */
export interface FunctionsClient {
  functions: { invoke(name: string, options: { body: Record<string, unknown> }): Promise<FunctionsAnswer> };
}

export type FunctionResult<T = unknown> =
  | { kind: 'ok'; data: T; response?: Response }
  /** status: null when nothing answered. */
  | { kind: 'offline'; status: number | null; message: string; response?: Response }
  /** message: the function's own words, '' when it gave none, for callers to put in a sentence of their own. */
  | { kind: 'refused'; status: number; message: string; response?: Response };

interface ErrorShape {
  message?: unknown;
  context?: { status?: unknown; headers?: { get?: unknown }; json?: () => Promise<unknown> };
}

/** supabase-js's FunctionsHttpError and FunctionsRelayError carry the Response; FunctionsFetchError carries what fetch threw. */
function responseOf(error: ErrorShape | null): Response | undefined {
  return typeof error?.context?.headers?.get === 'function' ? (error.context as unknown as Response) : undefined;
}

/** The function's own words: the `message` of its JSON body, '' when it gave none. */
async function serverWords(error: ErrorShape): Promise<string> {
  const body = (await error.context?.json?.().catch(() => undefined)) as { message?: unknown } | null | undefined;
  return typeof body?.message === 'string' ? body.message : '';
}

export async function callFunction<T = unknown>(client: FunctionsClient, name: string, body: Record<string, unknown>): Promise<FunctionResult<T>> {
  let answer: FunctionsAnswer;
  try {
    answer = await client.functions.invoke(name, { body });
  } catch (err) {
    return { kind: 'offline', status: null, message: err instanceof Error ? err.message : String(err) };
  }
  const error = (answer.error ?? null) as ErrorShape | null;
  const response = answer.response ?? responseOf(error);
  if (!error) return { kind: 'ok', data: answer.data as T, response };
  const status = typeof error.context?.status === 'number' ? error.context.status : null;
  const words = await serverWords(error);
  if (status === null || status >= 500 || status === 429) {
    const message = words || (typeof error.message === 'string' && error.message) || `${name} could not be reached`;
    return { kind: 'offline', status, message, response };
  }
  return { kind: 'refused', status, message: words, response };
}
