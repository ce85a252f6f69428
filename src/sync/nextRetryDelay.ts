/**
 * How long to wait before sync attempt `attempt` (0 = the first retry):
 * exponential from one second, capped at five minutes, with the upper half
 * random so that a classroom of phones coming back online do not all retry
 * at the same moment. Pure: `random` is Math.random or a test's number in [0, 1).
 */
export const RETRY_BASE_MS = 1_000;
export const RETRY_MAX_MS = 5 * 60_000;

export function nextRetryDelay(attempt: number, random: () => number): number {
  const ceiling = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
