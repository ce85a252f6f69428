/**
 * Sending again: how many tries a text gets, how long between them, and
 * the state a notification moves to after each.
 */

export const MAX_ATTEMPTS = 5;
const RETRY_BASE_MS = 30_000;
const RETRY_CAP_MS = 60 * 60_000;

/** Exponential backoff with jitter: half the step fixed, half random, capped at an hour. */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const step = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

export type SendResult =
  | { kind: 'sent'; providerId: string }
  | { kind: 'retry'; error: string }
  | { kind: 'rejected'; error: string };

/** The next state of a notification after one attempt. */
export function afterAttempt(
  attempts: number,
  result: SendResult,
  now: Date,
  random: () => number = Math.random,
): { status: 'sent' | 'queued' | 'failed'; attempts: number; providerId: string | null; lastError: string | null; nextAttemptAt: Date | null } {
  const tried = attempts + 1;
  if (result.kind === 'sent') return { status: 'sent', attempts: tried, providerId: result.providerId, lastError: null, nextAttemptAt: null };
  if (result.kind === 'rejected' || tried >= MAX_ATTEMPTS) {
    return { status: 'failed', attempts: tried, providerId: null, lastError: result.error, nextAttemptAt: null };
  }
  return { status: 'queued', attempts: tried, providerId: null, lastError: result.error, nextAttemptAt: new Date(now.getTime() + retryDelayMs(tried, random)) };
}
