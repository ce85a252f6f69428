/**
 * One call to a school server function (reviews, privacy, notify, roles,
 * model-artifacts) for the stores, with the server's refusal turned into
 * words a teacher, parent or admin can act on.
 */

export interface FunctionsClient {
  functions: { invoke(name: string, options: { body: Record<string, unknown> }): Promise<{ data: unknown; error: unknown }> };
}

export const NEEDS_CONNECTION = 'This needs a connection to the school’s server. Try again when the phone is online.';

export class FunctionCallError extends Error {
  /** The HTTP status; null when the server could not be reached. */
  readonly status: number | null;
  constructor(message: string, status: number | null) {
    super(message);
    this.name = 'FunctionCallError';
    this.status = status;
  }
}

/** What each status means to the person who tapped, whatever the function. */
export function refusalWords(status: number | null, serverMessage: string): string {
  if (status === null || status >= 500 || status === 429) return status === 429 ? 'Too many tries in a minute. Wait a moment and try again.' : NEEDS_CONNECTION;
  if (status === 401) return 'Your sign-in has ended. Sign in again; nothing is lost.';
  if (status === 403) return 'Your account may not do this.';
  if (status === 404) return 'The school’s server does not know this, or it is not yours to see.';
  if (status === 409) return 'This was already decided, maybe on another device. Sync to see the outcome.';
  return serverMessage ? `The server refused: ${serverMessage}` : 'The server refused this.';
}

export async function invokeFunction<T>(client: FunctionsClient | null, name: string, body: Record<string, unknown>): Promise<T> {
  if (!client) throw new FunctionCallError('Sign in to the school’s server first.', 401);
  let answer: { data: unknown; error: unknown };
  try {
    answer = await client.functions.invoke(name, { body });
  } catch {
    throw new FunctionCallError(NEEDS_CONNECTION, null);
  }
  if (!answer.error) return answer.data as T;
  const e = answer.error as { message?: string; context?: { status?: number; json?: () => Promise<{ message?: string }> } };
  const status = typeof e.context?.status === 'number' ? e.context.status : null;
  const detail = await e.context?.json?.().catch(() => undefined);
  throw new FunctionCallError(refusalWords(status, detail?.message ?? ''), status);
}
