/**
 * notify's settings from the environment, read when used (so importing a
 * module needs no permission to read it).
 */
import { DEFAULT_PRESENT_MIN_CONFIDENCE } from './logic.ts';

export const env = (name: string): string | undefined => Deno.env.get(name) || undefined;

/** The time zone local times (quiet hours, the day a text names) are read in. */
export const timeZone = (): string => env('NOTIFY_TIME_ZONE') ?? 'UTC';

/** The school's threshold for a "present" text, from a row that read schools.present_sms_confidence. */
export function presentThreshold(row: Record<string, unknown>): number {
  if (row.present_sms_confidence != null) return Number(row.present_sms_confidence);
  return Number(env('NOTIFY_PRESENT_MIN_CONFIDENCE') ?? DEFAULT_PRESENT_MIN_CONFIDENCE);
}

/**
 * The function's public address (Twilio signs the URL it called, and the
 * function sits behind the gateway's proxy): NOTIFY_PUBLIC_URL, e.g.
 * https://<ref>.supabase.co/functions/v1/notify; locally, the URL it was called on.
 */
export function publicUrl(req: Request): string {
  const configured = env('NOTIFY_PUBLIC_URL');
  if (configured) return configured.replace(/\/$/, '');
  const url = new URL(req.url);
  return `${url.origin}${url.pathname.replace(/\/twilio-(status|inbound)$/, '').replace(/\/$/, '')}`;
}

/** Mail goes out only with a mail API configured; until then e-mails wait in the queue. */
export const mailConfigured = (): boolean => Boolean(env('MAIL_API_URL') && env('MAIL_API_KEY'));
