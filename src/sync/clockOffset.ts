/**
 * How far this phone's clock is from the school server's, measured on a
 * sync call, and the words that tell the teacher. Marks, sessions and
 * consents are timed by the phone; the server takes times ahead of its own
 * clock as the moment it hears of them and refuses consents dated so, so a
 * wrong clock is worth a warning before it costs anything. Pure.
 */

/** One measurement. Positive: the phone is ahead of the server. */
export interface ClockReading {
  offsetMs: number;
  /** When it was measured, by this phone's clock. */
  measuredAt: string;
}

/** The server's clock as an answer gives it, and how coarse that is. */
export interface ServerTime {
  ms: number;
  /** 1000 for a Date header (whole seconds), 0 for the sync function's serverTime. */
  resolutionMs: number;
}

/** More than this and the teacher is told. */
export const CLOCK_WARNING_MS = 60_000;

/** What functions.invoke gives back: supabase-js adds the Response, on success and (as error.context) on an HTTP error. */
export interface InvokeAnswer {
  data?: unknown;
  error?: unknown;
  response?: Response;
}

/**
 * The server's time from an answer: its Date header when this page may read
 * it (a browser hides it across origins unless the server exposes it), else
 * the serverTime the sync function puts in its body; null when neither.
 */
export function serverTimeOf(answer: InvokeAnswer): ServerTime | null {
  const response = (answer.response ?? (answer.error as { context?: unknown } | null)?.context) as Partial<Response> | undefined;
  const header = typeof response?.headers?.get === 'function' ? response.headers.get('date') : null;
  const fromHeader = header ? Date.parse(header) : NaN;
  if (!Number.isNaN(fromHeader)) return { ms: fromHeader, resolutionMs: 1000 };
  const body = answer.data as { serverTime?: unknown } | null | undefined;
  const fromBody = typeof body?.serverTime === 'string' ? Date.parse(body.serverTime) : NaN;
  return Number.isNaN(fromBody) ? null : { ms: fromBody, resolutionMs: 0 };
}

/**
 * The phone's offset from the server. The server read its clock somewhere
 * between the request leaving and the answer arriving; the midpoint is the
 * best guess of the phone's time at that moment, and a Date header's
 * whole second is, on average, half a second short.
 */
export function clockOffset(server: ServerTime, sentAt: number, receivedAt: number): number {
  return Math.round((sentAt + receivedAt) / 2 - (server.ms + server.resolutionMs / 2));
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const YEAR = 365.25 * DAY;

const count = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/** "1 minute", "40 minutes", "3 hours", "2 days", "5 years". */
export function describeDuration(ms: number): string {
  const a = Math.abs(ms);
  if (a >= 2 * YEAR) return count(Math.round(a / YEAR), 'year');
  if (a >= 2 * DAY) return count(Math.round(a / DAY), 'day');
  if (a >= 2 * HOUR) return count(Math.round(a / HOUR), 'hour');
  return count(Math.max(1, Math.round(a / MINUTE)), 'minute');
}

export interface ClockWarning {
  /** For a small badge: "Clock 2 days ahead". */
  short: string;
  /** What to do about it, in plain words. */
  sentence: string;
}

/** The warning for an offset of more than a minute either way; null when the clock is right. */
export function clockWarning(offsetMs: number): ClockWarning | null {
  if (!Number.isFinite(offsetMs) || Math.abs(offsetMs) <= CLOCK_WARNING_MS) return null;
  const how = `${describeDuration(offsetMs)} ${offsetMs > 0 ? 'ahead of' : 'behind'}`;
  return {
    short: `Clock ${describeDuration(offsetMs)} ${offsetMs > 0 ? 'ahead' : 'behind'}`,
    sentence: `This phone's clock is ${how} the school's server. Set the date and time in the phone's settings: marks are timed by it.`,
  };
}
