/**
 * The SMS throttle: at most one text per student and recipient in
 * THROTTLE_MS. At Finish a text the throttle holds back is dropped; a
 * follow-up (it puts right what the guardian was told) waits for the
 * window to end instead.
 */

/** At most one message per student and recipient in this window. */
export const THROTTLE_MS = 10 * 60_000;

/** A text to this recipient about this student went (or will go) at `lastAlertAt`, too recently for another now. */
export function isThrottled(lastAlertAt: Date | null, now: Date, windowMs = THROTTLE_MS): boolean {
  return lastAlertAt !== null && now.getTime() - lastAlertAt.getTime() < windowMs;
}

/**
 * The earliest a follow-up may go: now, or a window after the last text to
 * this recipient about this student (`lastTextAt`), or after one planned
 * in the same run (`lastPlannedAt`, ms), whichever is latest.
 */
export function followUpNotBefore(now: Date, lastTextAt: Date | null, lastPlannedAt: number | null): Date {
  return new Date(Math.max(
    now.getTime(),
    lastTextAt ? lastTextAt.getTime() + THROTTLE_MS : -Infinity,
    (lastPlannedAt ?? -Infinity) + THROTTLE_MS,
  ));
}
