/**
 * Quiet hours: a guardian's window (local time, in the school's time zone)
 * in which no text goes out; one due inside it waits for its end.
 */

/** Minutes since local midnight in `timeZone`. */
function localMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).formatToParts(at);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
  return hour * 60 + minute;
}

/** "21:00" or "21:00:00" → 1260. */
function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return h * 60 + (m || 0);
}

/**
 * When a message may go out: `now`, or the end of the guardian's quiet
 * hours when `now` falls inside them (a window may wrap midnight). Local
 * times are read in `timeZone`; on a day the clocks change the end can be
 * an hour off, which a parent will forgive.
 */
export function sendableAt(now: Date, quietStart: string | null, quietEnd: string | null, timeZone: string): Date {
  if (!quietStart || !quietEnd) return now;
  const start = minutesOf(quietStart);
  const end = minutesOf(quietEnd);
  if (start === end) return now;
  const local = localMinutes(now, timeZone);
  const inside = start < end ? local >= start && local < end : local >= start || local < end;
  if (!inside) return now;
  const wait = (end - local + 24 * 60) % (24 * 60);
  const at = new Date(now.getTime() + wait * 60_000);
  at.setUTCSeconds(0, 0);
  return at;
}
