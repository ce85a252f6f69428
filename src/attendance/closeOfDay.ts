/**
 * The close of day: a session the teacher never finished is finished for
 * them, so its absences are recorded and guardians are told. Pure; times
 * are the phone's local time, as the teacher set them.
 *
 * A session is due once the day's close time has passed after it started,
 * or once its day is over: one started at 09:00 is finished at 17:00, one
 * started at 18:00 (after the close) at midnight, so an evening class is
 * never finished while it is being taken.
 */

/** 'HH:MM' in the phone's local time, or null: sessions are never finished automatically. */
export type CloseOfDay = string | null;

export const DEFAULT_CLOSE_OF_DAY = '17:00';

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** A stored setting as a close time: anything unreadable is the default, so a bad value never silently turns it off. */
export function readCloseOfDay(value: unknown): CloseOfDay {
  if (value === null || value === 'off') return null;
  return typeof value === 'string' && HH_MM.test(value) ? value : DEFAULT_CLOSE_OF_DAY;
}

export function isCloseOfDay(value: string): boolean {
  return HH_MM.test(value);
}

/** When a session that started at `startsAt` is finished: that day's close time, or the end of that day when it started later. */
export function closeTimeOf(startsAt: string, closeAt: string): Date {
  const [, hh, mm] = HH_MM.exec(closeAt) ?? HH_MM.exec(DEFAULT_CLOSE_OF_DAY)!;
  const start = new Date(startsAt);
  const close = new Date(start.getFullYear(), start.getMonth(), start.getDate(), Number(hh), Number(mm));
  if (start < close) return close;
  return new Date(start.getFullYear(), start.getMonth(), start.getDate() + 1);
}

export interface OpenSessionFacts {
  startsAt: string;
  finalisedAt: string | null;
  deletedAt?: string | null;
  /** The phone that took it: a phone finishes only its own, whose marks it holds. */
  device: string;
  /** Set once the close of day finished it; a teacher who reopens it after that finishes it themselves. */
  autoFinalisedAt?: string | null;
}

/** Open, not deleted, taken on this phone, never finished by the close of day before, and past its close time. */
export function isDueForClose(session: OpenSessionFacts, now: Date, closeAt: CloseOfDay, thisDevice: string): boolean {
  if (closeAt === null || session.finalisedAt || session.deletedAt || session.autoFinalisedAt || session.device !== thisDevice) return false;
  if (Number.isNaN(Date.parse(session.startsAt))) return false;
  return now >= closeTimeOf(session.startsAt, closeAt);
}

export function sessionsDue<T extends OpenSessionFacts>(sessions: readonly T[], now: Date, closeAt: CloseOfDay, thisDevice: string): T[] {
  return sessions.filter((s) => isDueForClose(s, now, closeAt, thisDevice));
}

/**
 * True while the session stands as the close of day finished it. A teacher
 * who reopens it and presses Finish gives it a new finalisedAt, and then it
 * is theirs again.
 */
export function finishedAutomatically(session: { finalisedAt: string | null; autoFinalisedAt?: string | null }): boolean {
  if (!session.finalisedAt || !session.autoFinalisedAt) return false;
  // Compared as instants: a pull writes the server's spelling of the same time.
  return Date.parse(session.finalisedAt) === Date.parse(session.autoFinalisedAt);
}

/** 24-hour "17:00", as the setting is written; screens pass the phone's own time format. */
export type TimeFormat = (at: Date) => string;
const hhmm: TimeFormat = (at) => `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;

/** The phone's own way of writing a time ("17:00" or "05:00 PM"), as its time inputs show it. */
export const phoneClock: TimeFormat = (at) => at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

/** A close time setting ('HH:MM') in the phone's own way of writing it. */
export function closeOfDayText(closeAt: string, format: TimeFormat = phoneClock): string {
  const [, hh, mm] = HH_MM.exec(closeAt) ?? HH_MM.exec(DEFAULT_CLOSE_OF_DAY)!;
  return format(new Date(2000, 0, 1, Number(hh), Number(mm)));
}

/** The time a session was finished at, or "midnight" for one finished at its day's end. */
export function closeTimeText(iso: string, format: TimeFormat = hhmm): string {
  const at = new Date(iso);
  return at.getHours() === 0 && at.getMinutes() === 0 ? 'midnight' : format(at);
}

/** How a session stands, in the session list's words: "in progress", "finished", or "finished automatically at 17:00". */
export function finishText(session: { finalisedAt: string | null; autoFinalisedAt?: string | null }, format: TimeFormat = hhmm): string {
  if (!session.finalisedAt) return 'in progress';
  return finishedAutomatically(session) ? `finished automatically at ${closeTimeText(session.finalisedAt, format)}` : 'finished';
}
