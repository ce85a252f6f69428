/**
 * One call to a school server function (reviews, privacy, notify, roles,
 * model-artifacts) for the stores, with the server's refusal turned into
 * words a teacher, parent or admin can act on. What counts as offline or
 * refused is callFunction's to say.
 */
import { callFunction, type FunctionsClient } from '@/api/callFunction';

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
  const result = await callFunction<T>(client, name, body);
  if (result.kind === 'ok') return result.data;
  throw new FunctionCallError(refusalWords(result.status, result.kind === 'refused' ? result.message : ''), result.status);
}
